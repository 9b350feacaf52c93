package genesyslake;

import genesyslake.config.Settings;
import genesyslake.genesys.GenesysEndpoints;
import genesyslake.mode.StandIns;
import genesyslake.testsupport.UnitTest;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentials;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures the mode follows the settings (local unless lake.mode or a Genesys client id says otherwise) and that each
 * mode points Genesys and the AWS clients where the README says: local mode at the stand-ins (or at genesys.api-url),
 * AWS mode at the configured org and the SDK's default endpoints and credentials.
 */
@UnitTest
class ModeConfigurationTest {

    /** Stand-ins that never started: only where they listen matters here. */
    private record Listening(Optional<URI> genesysUrl, URI s3Endpoint, URI awsEndpoint) implements StandIns.Running {

        @Override
        public void start() {
        }

        @Override
        public void stop() {
        }

        @Override
        public Path s3Root() {
            return Path.of("s3");
        }

        @Override
        public Map<String, String> banner() {
            return Map.of();
        }
    }

    private static final Listening STAND_INS = new Listening(Optional.of(URI.create("http://127.0.0.1:7001")),
            URI.create("http://127.0.0.1:7002"), URI.create("http://127.0.0.1:7003"));

    private static Settings settings(String... keyThenValue) {
        Map<String, String> values = new HashMap<>(Map.of("aws.region", "eu-west-1", "genesys.region", "mypurecloud.ie",
                "local.genesys.client-id", "local-client", "local.genesys.client-secret", "local-secret",
                "local.s3.access-key", "local-access", "local.s3.secret-key", "local-s3-secret"));
        for (int i = 0; i < keyThenValue.length; i += 2) {
            values.put(keyThenValue[i], keyThenValue[i + 1]);
        }
        return new Settings(key -> Optional.ofNullable(values.get(key)));
    }

    @Test
    void localUnlessAClientIdOrLakeModeSaysOtherwise() {
        assertEquals("local", ModeConfiguration.mode(settings()));
        assertEquals("local", ModeConfiguration.mode(settings("lake.mode", " ")), "blank is unset");
        assertEquals("aws", ModeConfiguration.mode(settings("genesys.client-id", "id")));
        assertEquals("local", ModeConfiguration.mode(settings("genesys.client-id", "id", "lake.mode", "local")),
                "lake.mode wins over the client id");
        assertEquals("aws", ModeConfiguration.mode(settings("lake.mode", "aws")));
        Settings.SettingsException e = assertThrows(Settings.SettingsException.class,
                () -> ModeConfiguration.mode(settings("lake.mode", "cloud")));
        assertTrue(e.getMessage().contains("'lake.mode'") && e.getMessage().contains("'cloud'"), e.getMessage());
    }

    @Test
    void localModeTalksToTheStandInsWithTheLocalCredentials() {
        ModeConfiguration.Choice local = ModeConfiguration.local(settings(), STAND_INS);
        URI genesys = STAND_INS.genesysUrl().orElseThrow();
        assertEquals(new GenesysEndpoints(genesys, genesys), local.genesys());
        assertEquals("local-client", local.clientId());
        assertEquals("local-secret", local.clientSecret());
        assertEquals("eu-west-1", local.aws().region());
        assertEquals(STAND_INS.s3Endpoint(), local.aws().s3Endpoint());
        assertEquals(STAND_INS.awsEndpoint(), local.aws().catalogEndpoint());
        AwsCredentials keys = local.aws().credentials().resolveCredentials();
        assertEquals("local-access", keys.accessKeyId());
        assertEquals("local-s3-secret", keys.secretAccessKey());
    }

    /** The lake stays on the stand-ins; Genesys is the one genesys.api-url names, with genesys.client-id's client. */
    @Test
    void localModeWithAGenesysUrlTalksToThatGenesys() {
        ModeConfiguration.Choice local = ModeConfiguration.local(settings("genesys.api-url", "https://api.example.test",
                "genesys.login-url", "https://login.example.test", "genesys.client-id", "org-client",
                "genesys.client-secret", "org-secret"), STAND_INS);
        assertEquals(new GenesysEndpoints(URI.create("https://api.example.test"), URI.create("https://login.example.test")),
                local.genesys());
        assertEquals("org-client", local.clientId());
        assertEquals("org-secret", local.clientSecret());
        assertEquals(STAND_INS.s3Endpoint(), local.aws().s3Endpoint());
    }

    @Test
    void awsModeTalksToTheConfiguredOrgAndTheDefaultAwsEndpoints() {
        ModeConfiguration.Choice aws = ModeConfiguration.aws(settings("genesys.client-id", "org-client",
                "genesys.client-secret", "org-secret"));
        assertEquals(GenesysEndpoints.resolve("mypurecloud.ie", "", ""), aws.genesys());
        assertEquals("org-client", aws.clientId());
        assertEquals("org-secret", aws.clientSecret());
        assertEquals("eu-west-1", aws.aws().region());
        assertNull(aws.aws().s3Endpoint(), "AWS's own endpoints");
        assertNull(aws.aws().catalogEndpoint(), "AWS's own endpoints");
        assertNull(aws.aws().credentials(), "the SDK's default chain, never the local keys");
    }

    @Test
    void awsModeTakesTheEndpointOverrideForBothClients() {
        ModeConfiguration.Choice aws = ModeConfiguration.aws(settings("genesys.client-id", "org-client",
                "genesys.client-secret", "org-secret", "aws.endpoint-override", "http://127.0.0.1:5000"));
        assertEquals(URI.create("http://127.0.0.1:5000"), aws.aws().s3Endpoint());
        assertEquals(URI.create("http://127.0.0.1:5000"), aws.aws().catalogEndpoint());
    }

    @Test
    void awsModeNeedsTheOrgsClient() {
        Settings.SettingsException e = assertThrows(Settings.SettingsException.class,
                () -> ModeConfiguration.aws(settings("genesys.client-id", "org-client")));
        assertTrue(e.getMessage().contains("'genesys.client-secret'"), e.getMessage());
    }
}
