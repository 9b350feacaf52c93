package genesyslake.management;

import genesyslake.config.Settings;
import genesyslake.management.ManagementSecurity.HostPort;
import genesyslake.management.ManagementSecurity.Origin;
import genesyslake.testsupport.UnitTest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ensures the guard reads Host, Origin and Referer strictly: host[:port] only, origins by scheme, host and port. */
@UnitTest
class ManagementHeadersTest {

    @Test
    void aHostHeaderIsHostAndAnOptionalPortAndNothingElse() {
        assertEquals(new HostPort("127.0.0.1", 8091), HostPort.parse("127.0.0.1:8091"));
        assertEquals(new HostPort("localhost", -1), HostPort.parse("LocalHost"));
        assertEquals(new HostPort("[::1]", 8091), HostPort.parse("[::1]:8091"));
        assertEquals(new HostPort("10.1.2.3", 65535), HostPort.parse("10.1.2.3:65535"));
        for (String bad : List.of("", "user@127.0.0.1:8091", "127.0.0.1:99999999999", "127.0.0.1:0", "127.0.0.1:65536",
                "127.0.0.1:-1", "127.0.0.1:", "127.0.0.1:80:80", "[::1", "[::1]x", "::1", "127.0.0.%31", "a b",
                "127.0.0.1 :80", "evil.example/x", "[1.2.3.4:80]", "h".repeat(300))) {
            assertNull(HostPort.parse(bad), bad);
        }
    }

    @Test
    void anOriginIsSchemeHostAndPortWithDefaultPortsMadeExplicit() {
        assertEquals(new Origin("http", "127.0.0.1", 8091), Origin.parse("http://127.0.0.1:8091", false));
        assertEquals(new Origin("http", "127.0.0.1", 80), Origin.parse("http://127.0.0.1", false));
        assertEquals(new Origin("http", "127.0.0.1", 80), Origin.parse("HTTP://127.0.0.1:80", false));
        assertEquals(new Origin("https", "localhost", 443), Origin.parse("https://localhost", false));
        assertEquals(new Origin("ftp", "127.0.0.1", 8091), Origin.parse("ftp://127.0.0.1:8091", false),
                "parsed, and then refused for its scheme");
        for (String bad : List.of("null", "not a url", "http://127.0.0.1:8091/", "http://user@127.0.0.1:8091",
                "http://127.0.0.1:8091@evil.example", "http://127.0.0.1:99999", "http://[::1", "127.0.0.1:8091",
                "://127.0.0.1:8091", "http://", "http://127.0.0.1:8091?x", "http://127.0.0.1:8091#x",
                "http://127.0.0.1:8091\\@evil.example", "javascript:alert(1)")) {
            assertNull(Origin.parse(bad, false), bad);
        }
    }

    @Test
    void aRefererGivesTheOriginOfItsUrl() {
        assertEquals(new Origin("http", "127.0.0.1", 8091), Origin.parse("http://127.0.0.1:8091/status?x=1#y", true));
        assertEquals(new Origin("http", "127.0.0.1", 8091), Origin.parse("http://127.0.0.1:8091#@evil.example", true));
        assertNull(Origin.parse("http://127.0.0.1:8091@evil.example/", true));
        assertNull(Origin.parse("http://127.0.0.1:8091\\@evil.example/", true));
    }

    @Test
    void allowedHostsAreNamesOrAddressesAndAnythingElseIsRefusedNamingTheSetting() {
        Set<String> names = ManagementSecurity.allowedHosts(" 10.1.2.3, Lake.Internal ,,fd00::1");
        assertTrue(names.containsAll(Set.of("10.1.2.3", "lake.internal", "[fd00::1]")), names.toString());
        assertEquals(3, names.size(), names.toString());
        assertTrue(ManagementSecurity.allowedHosts("").isEmpty());
        for (String bad : List.of("10.1.2.3:8091", "http://lake.internal", "*", "a b", "user@host")) {
            Settings.SettingsException e = assertThrows(Settings.SettingsException.class,
                    () -> ManagementSecurity.allowedHosts(bad), bad);
            assertTrue(e.getMessage().contains("lake.management.allowed-hosts"), e.getMessage());
        }
    }
}
