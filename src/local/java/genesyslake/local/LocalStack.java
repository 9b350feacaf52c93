package genesyslake.local;

import genesyslake.config.Settings;
import genesyslake.local.aws.LocalAws;
import genesyslake.local.aws.LocalAwsSettings;
import genesyslake.local.genesys.LocalGenesys;
import genesyslake.local.genesys.LocalGenesysSettings;
import genesyslake.mode.StandIns;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Local mode's stand-ins, started in-process before the routes: Genesys Cloud, S3 (S3Proxy) and Glue/Athena
 * (DuckDB). Stopped with the Camel context.
 */
public final class LocalStack extends ServiceSupport implements StandIns.Running {

    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);
    /** The shipped local S3 secret: public in the repository, so a banner may print it. */
    private static final String SHIPPED_LOCAL_SECRET = "local-secret-key";

    private final LocalGenesys genesys;
    private final LocalS3 s3;
    private final LocalAws aws;
    private final Map<String, String> banner;

    private LocalStack(LocalGenesys genesys, LocalS3 s3, LocalAws aws, Map<String, String> banner) {
        this.genesys = genesys;
        this.s3 = s3;
        this.aws = aws;
        this.banner = banner;
    }

    /**
     * Starts what {@code needs} asks for (Genesys only with {@link StandIns.Needs#withGenesys()}: false when
     * genesys.api-url points at a Genesys elsewhere, a real org or a local Genesys that outlives this daemon), the
     * local crawler over its crawler targets, and creates its buckets. The servers start at once, each on a thread of
     * its own, and this returns once they all listen; the local Glue/Athena then opens DuckDB while the routes load,
     * and {@link #start()} (Camel's, with the context, before any route starts) waits for it.
     */
    public static LocalStack start(StandIns.Needs needs) throws Exception {
        Settings s = needs.settings();
        Path dataDir = Path.of(s.string("local.data-dir"));
        // Where the S3 stand-in keeps its objects, which the Glue/Athena stand-in reads: known before either starts.
        Path s3Root = dataDir.resolve("s3").toAbsolutePath();
        String results = s.string("lake.results-bucket");
        ServersStarting starting = new ServersStarting(s);
        ServersStarting.Server<LocalGenesys> genesys = !needs.withGenesys() ? null : starting.start("local.genesys.port",
                () -> new LocalGenesys(new LocalGenesysSettings(s.integer("local.genesys.port", 0),
                        s.string("local.genesys.client-id"), s.string("local.genesys.client-secret"),
                        s.integer("local.genesys.oauth-clients", 40), s.integer("local.genesys.conversations-per-day", 500),
                        s.integer("local.genesys.users", 40), s.integer("local.genesys.running-polls", 2),
                        s.integer("local.genesys.rate-limit.requests-per-minute", 0), 42L,
                        s.duration("local.genesys.job-latency", java.time.Duration.ZERO),
                        s.integer("local.genesys.max-running-jobs", 0),
                        s.integer("local.genesys.query.max-results", (int) LocalGenesysSettings.MAX_QUERY_RESULTS)))
                .start(), LocalGenesys::close);
        // The buckets before S3 listens: no client can see the lake without them.
        ServersStarting.Server<LocalS3> s3 = starting.start("local.s3.port", () -> new LocalS3(s3Root,
                s.integer("local.s3.port", 0), s.string("local.s3.access-key"), s.string("local.s3.secret-key"))
                .createBuckets(needs.buckets()).start(), LocalS3::close);
        ServersStarting.Server<LocalAws> aws = starting.start("local.aws.port", () -> new LocalAws(new LocalAwsSettings(
                s.integer("local.aws.port", 0), s3Root,
                s.string("glue.database"), s.string("glue.crawler"), s.string("athena.workgroup"), results,
                needs.crawlerTargets(), s.string("local.s3.access-key"), s.string("local.s3.secret-key"),
                s.duration("local.athena.query-timeout", LocalAwsSettings.DEFAULT_QUERY_TIMEOUT),
                s.integer("local.athena.max-result-mb", (int) (LocalAwsSettings.DEFAULT_MAX_RESULT_BYTES >> 20))
                        * (1L << 20))).listen(), LocalAws::close);
        starting.await();
        LocalGenesys g = genesys == null ? null : genesys.get();
        LOG.info("Local mode: Genesys {}, S3 {} (data in {}), Glue/Athena {}",
                g != null ? g.baseUrl() : s.string("genesys.api-url"), s3.get().endpoint(), s3.get().root(),
                aws.get().endpoint());
        return new LocalStack(g, s3.get(), aws.get(), banner(s, g, s3.get(), aws.get()));
    }

    /** Every endpoint, and a command to browse the lake that works when pasted. */
    private static Map<String, String> banner(Settings s, LocalGenesys genesys, LocalS3 s3, LocalAws aws) {
        Map<String, String> lines = new LinkedHashMap<>();
        if (genesys != null) {
            lines.put("Local Genesys Cloud", genesys.baseUrl());
        }
        lines.put("Local S3", s3.endpoint() + "  (data in " + s3.root() + ")");
        lines.put("Local Glue + Athena", aws.endpoint());
        String secret = s.string("local.s3.secret-key");
        String secretArg = SHIPPED_LOCAL_SECRET.equals(secret) ? secret
                : "\"$(sed -n 's/^local.s3.secret-key=//p' application.properties)\"";
        lines.put("Browse the lake", "AWS_ACCESS_KEY_ID=" + s.string("local.s3.access-key") + " AWS_SECRET_ACCESS_KEY="
                + secretArg + " AWS_DEFAULT_REGION=" + s.string("aws.region") + " aws --endpoint-url " + s3.endpoint()
                + " s3 ls --recursive s3://" + s.string("lake.source-bucket") + "/");
        return lines;
    }

    /** The in-process Genesys, or null when the daemon talks to a Genesys elsewhere. */
    public LocalGenesys genesys() {
        return genesys;
    }

    public LocalS3 s3() {
        return s3;
    }

    public LocalAws aws() {
        return aws;
    }

    @Override
    public Optional<URI> genesysUrl() {
        return Optional.ofNullable(genesys).map(g -> URI.create(g.baseUrl()));
    }

    @Override
    public URI s3Endpoint() {
        return URI.create(s3.endpoint());
    }

    @Override
    public URI awsEndpoint() {
        return URI.create(aws.endpoint());
    }

    @Override
    public Path s3Root() {
        return s3.root();
    }

    @Override
    public Map<String, String> banner() {
        return banner;
    }

    /** Waits for the local Glue/Athena's DuckDB; when it failed, stops the other stand-ins too and throws why. */
    @Override
    protected void doStart() throws Exception {
        try {
            aws.awaitReady();
        } catch (RuntimeException | Error e) {
            s3.close();
            if (genesys != null) {
                genesys.close();
            }
            throw e;
        }
    }

    @Override
    protected void doStop() throws Exception {
        aws.close();
        s3.close();
        if (genesys != null) {
            genesys.close();
        }
    }
}
