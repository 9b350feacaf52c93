package genesyslake.genesys;

import com.mypurecloud.sdk.v2.PureCloudRegionHosts;
import genesyslake.config.Settings;
import genesyslake.testsupport.FlowTest;
import genesyslake.testsupport.LocalDaemon;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ensures genesys.region accepts only regions Genesys has, and a typo fails at start-up naming the setting. */
@FlowTest
class GenesysEndpointsTest {

    /** The product's region table is its own (the SDK stays out of the production jar), and says what the SDK says. */
    @Test
    void theRegionTableIsTheGenesysSdks() {
        Map<String, String> sdk = new LinkedHashMap<>();
        Arrays.stream(PureCloudRegionHosts.values()).forEach(h -> sdk.put(h.name(), h.getApiHost()));
        Map<String, String> ours = new LinkedHashMap<>();
        GenesysEndpoints.regions().forEach((name, domain) -> ours.put(name, "https://api." + domain));
        assertEquals(sdk, ours);
        sdk.forEach((name, api) -> assertEquals(URI.create(api), GenesysEndpoints.resolve(name, "", "").apiUrl(), name));
    }

    @Test
    void knownRegionHostsAndSdkNamesResolve() {
        assertEquals(new GenesysEndpoints(URI.create("https://api.mypurecloud.ie"), URI.create("https://login.mypurecloud.ie")),
                GenesysEndpoints.resolve("mypurecloud.ie", "", ""));
        assertEquals(URI.create("https://api.mypurecloud.ie"), GenesysEndpoints.resolve("eu_west_1", "", "").apiUrl());
        assertEquals(URI.create("https://api.usw2.pure.cloud"), GenesysEndpoints.resolve("us-west-2", null, null).apiUrl());
        assertEquals(URI.create("https://login.mypurecloud.com"), GenesysEndpoints.resolve(" MyPureCloud.com ", "", "").loginUrl());
    }

    @Test
    void aRegionTypoIsRefusedNamingTheSettingAndTheValue() {
        for (String typo : new String[] {"mypurecloud.cm", "mypurecloud", "eu_west_9", "api.mypurecloud.com", "https://mypurecloud.com"}) {
            Settings.SettingsException e = assertThrows(Settings.SettingsException.class, () -> GenesysEndpoints.resolve(typo, "", ""));
            assertTrue(e.getMessage().contains("'genesys.region'") && e.getMessage().contains("'" + typo + "'"), e.getMessage());
            assertTrue(e.getMessage().contains("mypurecloud.ie"), "lists the known hosts: " + e.getMessage());
        }
        // The region still names the login host when only the API URL is overridden.
        assertThrows(Settings.SettingsException.class, () -> GenesysEndpoints.resolve("mypurecloud.cm", "https://api.example.test", ""));
    }

    @Test
    void explicitUrlsNeedNoRegion() {
        GenesysEndpoints e = GenesysEndpoints.resolve("", "https://api.example.test/", "https://login.example.test");
        assertEquals(URI.create("https://api.example.test"), e.apiUrl());
        assertEquals(URI.create("https://login.example.test"), e.loginUrl());
    }

    @Test
    void theDaemonRefusesToStartWithARegionTypo(@TempDir Path data) {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> LocalDaemon.start(data, Map.of(
                "lake.mode", "aws", "genesys.region", "mypurecloud.cm", "genesys.client-id", "some-client",
                "genesys.client-secret", "not-logged")));
        assertTrue(e.getMessage().contains("Setting 'genesys.region'") && e.getMessage().contains("'mypurecloud.cm'"),
                e.getMessage());
        assertTrue(!e.getMessage().contains("not-logged"), "the secret is not in the message");
    }
}
