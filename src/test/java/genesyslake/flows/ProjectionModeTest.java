package genesyslake.flows;

import genesyslake.management.FlowOutcome;
import genesyslake.testsupport.FlowTest;
import genesyslake.testsupport.LocalDaemon;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ensures glue.mode=projection keeps the tables with Athena DDL (no crawler) and the reports still answer. */
@FlowTest
class ProjectionModeTest {

    @Test
    void projectionDdlMakesTheExportQueryableWithoutACrawler() throws Exception {
        LocalDaemon daemon = LocalDaemon.start(Map.of("glue.mode", "projection", "usage.query-files", "queries/usage-query.json"));
        try {
            assertTrue(daemon.run("usage-export", Map.of()).success());
            FlowOutcome catalog = daemon.run("catalog-refresh", Map.of());
            assertTrue(catalog.success(), catalog.toString());
            FlowOutcome report = daemon.run("athena-report", Map.of("lakeReport", "top10-rate-limited-clients"));
            assertTrue(report.success(), report.toString());
            List<String> csv = Files.readAllLines(daemon.dataDir().resolve("reports/top10-rate-limited-clients/latest.csv"));
            assertEquals(11, csv.size(), String.join("\n", csv));

            // A Parquet table (STORED AS PARQUET) defined by the DDL and read by a report.
            java.time.LocalDate day = java.time.LocalDate.now(java.time.ZoneOffset.UTC).minusDays(2);
            assertTrue(daemon.run("conversation-details", Map.of("lakeInterval", day + "/" + day.plusDays(1))).success());
            assertTrue(daemon.run("reference-queues", Map.of()).success(), "the names beside the queue ids");
            assertTrue(daemon.run("catalog-refresh", Map.of()).success());
            FlowOutcome segments = daemon.run("athena-report", Map.of("lakeReport", "inbound-voice-conversations-per-queue-per-day"));
            assertTrue(segments.success(), segments.toString());
            List<String> rows = Files.readAllLines(daemon.dataDir().resolve(
                    "reports/inbound-voice-conversations-per-queue-per-day/latest.csv"));
            assertTrue(rows.size() > 1 && rows.get(1).startsWith(day + ","), String.join("\n", rows));
        } finally {
            daemon.closeAndDelete();
        }
    }
}
