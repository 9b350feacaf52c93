package genesyslake;

import genesyslake.config.Settings;
import genesyslake.genesys.DetailsExport;
import genesyslake.genesys.GenesysComponent;
import genesyslake.genesys.GenesysHttp;
import genesyslake.genesys.RateGovernor;
import genesyslake.genesys.RetryPolicy;
import genesyslake.genesys.UsageExport;
import genesyslake.lake.LakeRuns;
import genesyslake.query.DetailsQuery;
import genesyslake.query.QueryFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Genesys Cloud: one HTTP client (rate governor, retries) for the whole daemon, the genesys: component over it, and
 * the usage and details flows' steps, whose query files are checked at start-up.
 */
final class GenesysConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(GenesysConfiguration.class);

    private GenesysConfiguration() {
    }

    static GenesysHttp bind(Wiring w, ModeConfiguration.Choice mode, LakeRuns runs) {
        Settings s = w.settings();
        GenesysHttp genesys = new GenesysHttp(mode.genesys(), mode.clientId(), mode.clientSecret(),
                new RateGovernor(s.integer("genesys.rate-limit.requests-per-minute", 240)),
                new RetryPolicy(s.integer("genesys.retry.max-attempts", 8),
                        s.duration("genesys.retry.initial-backoff", Duration.ofSeconds(1)),
                        s.duration("genesys.retry.max-backoff", Duration.ofSeconds(60))),
                s.duration("genesys.http.timeout", Duration.ofSeconds(60)));
        // The flows' steps: routes/*.camel.yaml declare the flows; these make one request or do one step each.
        w.registry().bind("genesys", new GenesysComponent(genesys,
                Path.of(s.string("lake.work-dir")).resolve("genesys")));
        w.registry().bind("genesysClient", genesys);
        QueryFiles queryFiles = new QueryFiles(Path.of(s.string(QueryFiles.SETTING)));
        UsageExport usage = new UsageExport(runs, w.clock(), queryFiles);
        w.registry().bind("usageExport", usage);
        validateAtStartup("usage-export", "usage.query-files", () -> usage.queries(s.string("usage.query-files")));
        w.registry().bind("details", new DetailsExport(runs, w.clock(), queryFiles));
        validateAtStartup("conversation-details", "conversations.query-file", () -> queryFiles.details(
                Path.of(s.string("conversations.query-file")), DetailsQuery.Kind.CONVERSATIONS));
        validateAtStartup("user-details", "users.query-file", () -> queryFiles.details(
                Path.of(s.string("users.query-file")), DetailsQuery.Kind.USERS));
        return genesys;
    }

    /** A bad query file is reported at start-up, but only that flow fails; the daemon keeps serving the others. */
    private static void validateAtStartup(String flow, String setting, Runnable check) {
        try {
            check.run();
        } catch (IllegalArgumentException e) {
            LOG.error("Flow {} will fail until this is fixed ({}): {}", flow, setting, e.getMessage());
        }
    }
}
