package genesyslake.config;

import genesyslake.ops.LogCapture;
import genesyslake.testsupport.FlowTest;
import genesyslake.testsupport.LocalDaemon;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures the one table of settings covers application.properties key by key, that every shipped value passes it,
 * and that a value outside its rule (malformed, out of range, not one of the allowed words) is refused naming the key,
 * the value (a secret's never) and what is allowed.
 */
@FlowTest
class SettingChecksTest {

    private static Settings settings(Map<String, String> values) {
        return new Settings(k -> Optional.ofNullable(values.get(k)), () -> new TreeSet<>(values.keySet()));
    }

    private static Map<String, String> shipped() throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of("application.properties"))) {
            p.load(r);
        }
        Map<String, String> m = new HashMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
        return m;
    }

    /** Every key of application.properties, the commented-out optional ones ({@code #usage.key-prefix=}) too. */
    private static Set<String> documentedKeys() throws IOException {
        Set<String> keys = new TreeSet<>(shipped().keySet());
        Matcher m = Pattern.compile("(?m)^#([a-z][a-z0-9.-]*)=").matcher(Files.readString(Path.of("application.properties")));
        while (m.find()) {
            keys.add(m.group(1));
        }
        return keys;
    }

    private static boolean ruled(String key) {
        return SettingChecks.TABLE.stream().anyMatch(c -> c.key().equals(key))
                || SettingChecks.PATTERNS.stream().anyMatch(p -> key.startsWith(p.key()));
    }

    @Test
    void theShippedSettingsPass() throws IOException {
        assertDoesNotThrow(() -> SettingChecks.check(settings(shipped())));
    }

    @Test
    void everyKeyOfApplicationPropertiesHasARuleAndEveryRuleAKeyThere() throws IOException {
        List<String> unruled = documentedKeys().stream().filter(k -> !ruled(k)).toList();
        assertEquals(List.of(), unruled, "settings without a start-up check");
        List<String> undocumented = new ArrayList<>();
        for (SettingChecks.Check c : SettingChecks.TABLE) {
            if (!documentedKeys().contains(c.key()) && !c.key().equals("lake.run-mode")) { // set by the command line
                undocumented.add(c.key());
            }
        }
        assertEquals(List.of(), undocumented, "rules for keys application.properties does not document");
    }

    @Test
    void secretsAreNeverEchoed() {
        for (SettingChecks.Check c : SettingChecks.TABLE) {
            if (c.key().contains("secret") || c.key().contains("password")) {
                assertTrue(c.secret(), c.key() + " is marked secret");
            }
        }
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {"usage.period|abc", "usage.period|-5m", "usage.period|0", "conversations.period|abc",
            "conversations.period|PT5M", "users.period|0", "lake.dead-letter.replay-period|-5m",
            "usage.poll.delay|0", "details.job.poll.max-wait|abc", "genesys.http.timeout|-5m", "glue.max-wait|PT0S",
            "genesys.retry.initial-backoff|0ms", "conversations.trailing-window|PT-1H", "lake.lock.wait|abc",
            "athena.wait-timeout|0", "athena.delay|5s", "lake.upload.redelivery-delay-ms|-1", "lake.health.max-lag|0",
            "lake.health.max-lag.usage-export|9 days", "glue.mode|crawlr", "glue.mode|Projection", "usage.api|aggregate",
            "details.page-size|5000", "details.page-size|0", "details.page-size|ten", "usage.aggregates.page-size|1001",
            "genesys.rate-limit.requests-per-minute|-1", "local.genesys.rate-limit.requests-per-minute|-5",
            "lake.status.days|-3", "lake.status.days|0", "details.initial-lookback-days|0", "athena.max-attempts|0",
            "lake.upload.redeliveries|-1", "lake.management.run-threads|0", "lake.parquet.threads|0",
            "lake.parquet.memory-limit|lots", "alert.rate-limit-share|1.5", "alert.rate-limit-share|-0.1",
            "alert.rate-limit-share|NaN", "local.genesys.port|65536", "local.aws.port|-1", "camel.management.port|http",
            "lake.ha.enabled|on", "camel.main.routes-reload-enabled|yes", "lake.mode|AWS", "lake.flat-format|csv",
            "camel.main.jmx-management-m-beans-level|All", "genesys.api-url|api.mypurecloud.com",
            "aws.endpoint-override|ftp://x", "aws.region|US East", "lake.results-bucket|a", "athena.workgroup|a b",
            "athena.reports|a;b", "lake.status.chart-report|..", "conversations.key-prefix|../x/",
            "users.key-prefix|/abs/", "camel.metrics.path|metrics", "local.genesys.running-polls|-1"})
    void aBadValueIsRefusedNamingTheKeyAndValue(String key, String value) throws IOException {
        Map<String, String> values = shipped();
        values.put(key, value);
        Settings.SettingsException e = assertThrows(Settings.SettingsException.class, () -> SettingChecks.check(settings(values)));
        assertTrue(e.getMessage().startsWith("Setting '" + key + "' must be ") && e.getMessage().endsWith(", was '" + value + "'"),
                e.getMessage());
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {"genesys.rate-limit.requests-per-minute|0", "details.page-size|1000",
            "details.page-size|1", "usage.aggregates.page-size|1000", "details.query.max-results|100000",
            "alert.rate-limit-share|0", "alert.rate-limit-share|1", "local.s3.port|0", "local.s3.port|65535",
            "lake.flat-format|NDJSON", "lake.schedule.enabled|TRUE", "usage.key-prefix|archive/2026/",
            "lake.status.refresh|0", "users.trailing-window|0h", "glue.crawler|Usage API Crawler",
            "aws.endpoint-override|http://127.0.0.1:4566", "athena.reports|top10-rate-limited-clients, a_b",
            "lake.health.max-lag.usage-export|33d"})
    void theEdgesOfEachRangeAreAccepted(String key, String value) throws IOException {
        Map<String, String> values = shipped();
        values.put(key, value);
        assertDoesNotThrow(() -> SettingChecks.check(settings(values)));
    }

    @Test
    void aRequiredSettingLeftBlankIsRefusedSayingWhatItTakes() throws IOException {
        Map<String, String> values = shipped();
        values.put("details.page-size", " ");
        Settings.SettingsException e = assertThrows(Settings.SettingsException.class, () -> SettingChecks.check(settings(values)));
        assertEquals("Setting 'details.page-size' is required but not set (it must be a whole number from 1 to 1000)",
                e.getMessage());
    }

    @Test
    void everyPerFlowMaxLagIsCheckedWhateverTheFlow() throws IOException {
        Map<String, String> values = shipped();
        values.put("lake.health.max-lag.my-second-org-usage", "soon");
        Settings.SettingsException e = assertThrows(Settings.SettingsException.class, () -> SettingChecks.check(settings(values)));
        assertTrue(e.getMessage().startsWith("Setting 'lake.health.max-lag.my-second-org-usage' must be a positive duration"),
                e.getMessage());
    }

    @Test
    void aValueIsShownOnOneLineAndShort() throws IOException {
        Map<String, String> values = shipped();
        values.put("glue.mode", "crawler\nINFO forged log line " + "x".repeat(300));
        Settings.SettingsException e = assertThrows(Settings.SettingsException.class, () -> SettingChecks.check(settings(values)));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().length() < 250, e.getMessage());
    }

    @Test
    void aKeyOfOursThatNoRuleNamesIsReportedAsATypo() throws IOException {
        Map<String, String> values = shipped();
        values.put("details.pagesize", "500");
        values.put("aws.accessKeyId", "not ours: the AWS SDK's own system property");
        try (LogCapture logs = new LogCapture()) {
            SettingChecks.check(settings(values));
            List<String> warned = logs.matching(l -> l.startsWith("WARN") && l.contains("does not know"));
            assertEquals(1, warned.size(), logs.lines().toString());
            assertTrue(warned.get(0).contains("[details.pagesize]"), warned.get(0));
        }
    }

    @ParameterizedTest
    @CsvSource({"usage.period,abc", "usage.period,-5m", "usage.period,0", "conversations.period,abc", "users.period,0"})
    void theDaemonRefusesToStartWithABadPeriod(String key, String value, @TempDir Path data) {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> LocalDaemon.start(data, Map.of(key, value)));
        assertTrue(e.getMessage().contains("Setting '" + key + "'") && e.getMessage().contains("was '" + value + "'"),
                e.getMessage());
        assertTrue(Files.notExists(data.resolve("s3")), "refused before the local servers started");
    }
}
