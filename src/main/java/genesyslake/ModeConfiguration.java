package genesyslake;

import genesyslake.config.Settings;
import genesyslake.genesys.GenesysEndpoints;
import genesyslake.lake.AwsClients;
import genesyslake.mode.StandIns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.util.List;

/**
 * Local or AWS mode, the one place they differ: which Genesys URL and credentials, and which S3/Glue/Athena endpoints
 * the clients talk to. In local mode the in-process stand-ins start here, before any bean that uses them.
 */
final class ModeConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(ModeConfiguration.class);

    private ModeConfiguration() {
    }

    /** Where the mode points the daemon: Genesys (URLs and OAuth client) and the S3, Glue and Athena endpoints. */
    record Choice(GenesysEndpoints genesys, String clientId, String clientSecret, AwsClients aws) {
    }

    /** The chosen mode with its clients, built once; the routes' AWS components autowire the bound ones. */
    record Clients(boolean local, Choice choice, S3Client s3, GlueClient glue) {
    }

    /** local unless set, or unless a Genesys client id is configured. */
    static String mode(Settings s) {
        String mode = s.optional("lake.mode").orElse(s.optional("genesys.client-id").isPresent() ? "aws" : "local");
        if (!mode.equals("local") && !mode.equals("aws")) {
            throw new Settings.SettingsException("lake.mode", "must be one of local, aws, was '" + mode + "'");
        }
        return mode;
    }

    /** Starts the stand-ins in local mode (bound as localStack), then binds s3Client, athenaClient and glueClient. */
    static Clients start(Wiring w) throws Exception {
        Settings s = w.settings();
        boolean local = mode(s).equals("local");
        Choice choice;
        if (local) {
            // The crawler's targets follow the flows once the routes are loaded (LakeCatalog, then catalog-refresh).
            StandIns.Running standIns = StandIns.required(s.optional("lake.mode").isEmpty()).start(new StandIns.Needs(s,
                    ownGenesys(s), List.of(), List.of(s.string("lake.source-bucket"), s.string("lake.results-bucket"))));
            w.context().addService(standIns, true, true);
            w.registry().bind("localStack", standIns);
            choice = local(s, standIns);
        } else {
            choice = aws(s);
            LOG.info("AWS mode: Genesys API {}, AWS region {}{}", choice.genesys().apiUrl(), s.string("aws.region"),
                    s.optional("aws.endpoint-override").map(e -> ", endpoint " + e).orElse(""));
        }
        S3Client s3 = choice.aws().s3();
        w.registry().bind("s3Client", s3);
        w.registry().bind("athenaClient", choice.aws().athena());
        GlueClient glue = choice.aws().glue();
        w.registry().bind("glueClient", glue);
        return new Clients(local, choice, s3, glue);
    }

    /**
     * Local mode: the lake on the stand-ins, and Genesys on theirs too unless genesys.api-url is set; then the lake stays
     * local but talks to that Genesys (a real org, or a local Genesys that outlives the daemon).
     */
    static Choice local(Settings s, StandIns.Running standIns) {
        GenesysEndpoints genesys;
        String clientId;
        String clientSecret;
        if (ownGenesys(s)) {
            URI url = standIns.genesysUrl().orElseThrow();
            genesys = new GenesysEndpoints(url, url);
            clientId = s.string("local.genesys.client-id");
            clientSecret = s.string("local.genesys.client-secret");
        } else {
            genesys = configuredGenesys(s);
            clientId = s.string("genesys.client-id");
            clientSecret = s.string("genesys.client-secret");
        }
        return new Choice(genesys, clientId, clientSecret, AwsClients.local(s.string("aws.region"),
                standIns.s3Endpoint().toString(), standIns.awsEndpoint().toString(), s.string("local.s3.access-key"),
                s.string("local.s3.secret-key")));
    }

    /** AWS mode: the configured Genesys org, and the AWS SDK's default credentials (aws.endpoint-override for tests). */
    static Choice aws(Settings s) {
        return new Choice(configuredGenesys(s), s.string("genesys.client-id"), s.string("genesys.client-secret"),
                AwsClients.aws(s.string("aws.region"), s.string("aws.endpoint-override", "")));
    }

    private static boolean ownGenesys(Settings s) {
        return s.optional("genesys.api-url").isEmpty();
    }

    private static GenesysEndpoints configuredGenesys(Settings s) {
        return GenesysEndpoints.resolve(s.string("genesys.region", ""), s.string("genesys.api-url", ""),
                s.string("genesys.login-url", ""));
    }
}
