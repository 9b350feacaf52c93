package genesyslake.local;

import genesyslake.config.Settings;
import genesyslake.lake.AwsClients;
import genesyslake.local.aws.LocalAws;
import genesyslake.local.aws.LocalAwsSettings;
import genesyslake.local.genesys.LocalGenesys;
import genesyslake.local.genesys.LocalGenesysSettings;
import genesyslake.mode.StandIns;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;

import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
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
     * local crawler over its crawler targets, and creates its buckets.
     */
    public static LocalStack start(StandIns.Needs needs) throws Exception {
        Settings s = needs.settings();
        boolean withGenesys = needs.withGenesys();
        Path dataDir = Path.of(s.string("local.data-dir"));
        LocalGenesys genesys = !withGenesys ? null : listening(s, "local.genesys.port", List.of(), () -> new LocalGenesys(
                new LocalGenesysSettings(s.integer("local.genesys.port", 0),
                s.string("local.genesys.client-id"), s.string("local.genesys.client-secret"),
                s.integer("local.genesys.oauth-clients", 40), s.integer("local.genesys.conversations-per-day", 500),
                s.integer("local.genesys.users", 40), s.integer("local.genesys.running-polls", 2),
                s.integer("local.genesys.rate-limit.requests-per-minute", 0), 42L,
                s.duration("local.genesys.job-latency", java.time.Duration.ZERO),
                s.integer("local.genesys.max-running-jobs", 0))).start());
        LocalS3 s3 = listening(s, "local.s3.port", genesys == null ? List.of() : List.of(genesys::close),
                () -> new LocalS3(dataDir.resolve("s3"), s.integer("local.s3.port", 0),
                s.string("local.s3.access-key"), s.string("local.s3.secret-key")).start());
        String results = s.string("lake.results-bucket");
        List<AutoCloseable> started = genesys == null ? List.of(s3) : List.of(s3, genesys::close);
        LocalAws aws = listening(s, "local.aws.port", started, () -> new LocalAws(new LocalAwsSettings(
                s.integer("local.aws.port", 0), s3.root(),
                s.string("glue.database"), s.string("glue.crawler"), s.string("athena.workgroup"), results,
                needs.crawlerTargets(), s.string("local.s3.access-key"), s.string("local.s3.secret-key"),
                s.duration("local.athena.query-timeout", LocalAwsSettings.DEFAULT_QUERY_TIMEOUT),
                s.integer("local.athena.max-result-mb", (int) (LocalAwsSettings.DEFAULT_MAX_RESULT_BYTES >> 20))
                        * (1L << 20))).start());
        try (S3Client client = AwsClients.local(s.string("aws.region"), s3.endpoint(), aws.endpoint(),
                s.string("local.s3.access-key"), s.string("local.s3.secret-key")).s3()) {
            for (String bucket : needs.buckets()) {
                try {
                    client.createBucket(b -> b.bucket(bucket));
                } catch (BucketAlreadyOwnedByYouException e) {
                    // kept from an earlier run: the local lake persists under local.data-dir
                }
            }
        }
        LOG.info("Local mode: Genesys {}, S3 {} (data in {}), Glue/Athena {}",
                genesys != null ? genesys.baseUrl() : s.string("genesys.api-url"), s3.endpoint(), s3.root(), aws.endpoint());
        return new LocalStack(genesys, s3, aws, banner(s, genesys, s3, aws));
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

    /**
     * Starts one local server; a port already in use fails the start in one line naming the port and its setting
     * (0 picks a free port), after closing the servers already started.
     */
    private static <T> T listening(Settings s, String key, List<AutoCloseable> started, java.util.concurrent.Callable<T> start)
            throws Exception {
        try {
            return start.call();
        } catch (Exception e) {
            for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof java.net.BindException || String.valueOf(t.getMessage()).contains("Address already in use")) {
                    for (AutoCloseable c : started) {
                        try {
                            c.close();
                        } catch (Exception ignored) {
                            // the start fails anyway; this is tidying up
                        }
                    }
                    throw new Settings.SettingsException(key, "port " + s.integer(key, 0) + " is already in use (another "
                            + "genesys-lake, or another program); set " + key + " to a free port, or 0 to take any free one");
                }
            }
            throw e;
        }
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

    @Override
    protected void doStop() throws Exception {
        aws.close();
        s3.close();
        if (genesys != null) {
            genesys.close();
        }
    }
}
