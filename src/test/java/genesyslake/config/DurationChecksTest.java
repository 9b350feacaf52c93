package genesyslake.config;

import genesyslake.testsupport.LocalDaemon;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ensures a malformed or non-positive duration setting refuses the start, naming the key and the value. */
class DurationChecksTest {

    private static Settings settings(Map<String, String> values) {
        return new Settings(k -> Optional.ofNullable(values.get(k)));
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

    @Test
    void theShippedSettingsPass() throws IOException {
        assertDoesNotThrow(() -> DurationChecks.check(settings(shipped())));
    }

    @Test
    void everyDurationKeyOfTheShippedSettingsIsChecked() throws IOException {
        List<String> checked = Stream.of(DurationChecks.TIMER_PERIODS, DurationChecks.POSITIVE, DurationChecks.NOT_NEGATIVE,
                DurationChecks.POSITIVE_MILLIS, DurationChecks.NOT_NEGATIVE_MILLIS).flatMap(List::stream).toList();
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, String> e : shipped().entrySet()) {
            String k = e.getKey();
            boolean durationLike = e.getValue().matches("\\d+(ms|s|m|h|d)") || k.endsWith("-ms") || k.endsWith(".period")
                    || k.endsWith("-period") || k.endsWith(".delay") || k.endsWith("wait") || k.endsWith("timeout")
                    || k.endsWith("backoff") || k.endsWith("window");
            if (durationLike && !checked.contains(k)) {
                missing.add(k);
            }
        }
        assertEquals(List.of(), missing, "duration settings without a start-up check");
    }

    @ParameterizedTest
    @CsvSource({"usage.period,abc", "usage.period,-5m", "usage.period,0", "conversations.period,abc",
            "conversations.period,PT5M", "users.period,0", "lake.dead-letter.replay-period,-5m",
            "usage.poll.delay,0", "details.job.poll.max-wait,abc", "genesys.http.timeout,-5m", "glue.max-wait,PT0S",
            "genesys.retry.initial-backoff,0ms", "conversations.trailing-window,PT-1H", "lake.lock.wait,abc",
            "athena.wait-timeout,0", "athena.delay,5s", "lake.upload.redelivery-delay-ms,-1", "lake.health.max-lag,0",
            "lake.health.max-lag.usage-export,9 days"})
    void aBadValueIsRefusedNamingTheKeyAndValue(String key, String value) throws IOException {
        Map<String, String> values = shipped();
        values.put(key, value);
        Settings.SettingsException e = assertThrows(Settings.SettingsException.class, () -> DurationChecks.check(settings(values)));
        assertTrue(e.getMessage().contains("'" + key + "'") && e.getMessage().contains("'" + value + "'"), e.getMessage());
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
