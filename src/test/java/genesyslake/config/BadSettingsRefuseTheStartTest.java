package genesyslake.config;

import genesyslake.GenesysLake;
import genesyslake.testsupport.FlowTest;
import genesyslake.testsupport.LocalDaemon;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures a setting outside what it allows refuses the start of the real daemon in one line that names the key, the
 * value and what is allowed, before any server starts (the adversarial run's cases first: each of those started, and
 * then fell back to a default, failed every run, or ran with a negative figure).
 */
@FlowTest
class BadSettingsRefuseTheStartTest {

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "glue.mode|crawlr|one of crawler, projection",
            "usage.api|aggregate|one of query, aggregates",
            "details.page-size|5000|from 1 to 1000",
            "details.page-size|0|from 1 to 1000",
            "genesys.rate-limit.requests-per-minute|-1|0 (off) or more",
            "lake.status.days|-3|1 or more",
            "lake.mode|cloud|one of local, aws",
            "lake.flat-format|orc|one of parquet, ndjson",
            "usage.aggregates.page-size|5000|from 1 to 1000",
            "details.query.max-results|100001|from 1 to 100000",
            "details.max-days-per-run|0|1 or more",
            "genesys.retry.max-attempts|0|1 or more",
            "alert.rate-limit-share|5|from 0 to 1",
            "local.s3.port|70000|from 0 to 65535",
            "camel.management.port|-1|from 0 to 65535",
            "lake.schedule.enabled|yes|true or false",
            "usage.stamp-granularity|ture|true or false",
            "lake.health.max-lag.conversation-details|soon|a positive duration",
            "lake.status.chart-report|../../etc|a report name",
            "usage.key-prefix|archive|ends with /",
            "glue.database|lake; DROP TABLE x|lower-case letters, digits and _",
            "lake.source-bucket|Bad_Bucket|an S3 bucket name",
            "lake.upload.part-size|1024|from 5242880",
            "local.genesys.users|0|1 or more"})
    void aBadSettingRefusesTheStartInOneLineNamingTheKey(String key, String value, String allowed, @TempDir Path data) {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> LocalDaemon.start(data, Map.of(key, value)),
                key + "=" + value + " must not start");
        Throwable refusal = GenesysLake.refusalOf(e);
        assertNotNull(refusal, "a refusal, which the command line logs as its message alone (no stack trace): " + e);
        String line = refusal.getMessage();
        assertTrue(line.startsWith("Setting '" + key + "' "), line);
        assertTrue(line.contains("was '" + value + "'"), "the value: " + line);
        assertTrue(line.contains(allowed), "what is allowed (" + allowed + "): " + line);
        assertFalse(line.contains("\n") || line.contains("\r"), "one line: " + line);
        assertTrue(Files.notExists(data.resolve("s3")), "refused before the local servers started");
    }
}
