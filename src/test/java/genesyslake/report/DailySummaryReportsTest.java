package genesyslake.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import genesyslake.management.FlowOutcome;
import genesyslake.testsupport.FlowTest;
import genesyslake.testsupport.LocalDaemon;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.athena.AthenaClient;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static genesyslake.testsupport.AthenaAnswers.csv;
import static genesyslake.testsupport.AthenaAnswers.sqlOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures each shipped report that reads a daily summary (time per agent from agent_status_daily, average handle time
 * from agent_handle_daily, inbound voice per queue from queue_daily) answers exactly what its row-level SQL over the
 * interval or segment rows answers (over several days), in both flat formats, and that each exported day has one
 * object of each summary, listed in its run's manifest with its row count.
 */
@FlowTest
class DailySummaryReportsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final LocalDate FIRST = LocalDate.now(ZoneOffset.UTC).minusDays(4);
    private static final int DAYS = 3;

    /** A summary table, the flow that writes it, and the shipped report that reads it. */
    private record Summary(String table, String flow, String report) {
    }

    private static final List<Summary> SUMMARIES = List.of(
            new Summary("agent_status_daily", "user-details", "available-and-interacting-time-per-agent-per-day"),
            new Summary("agent_handle_daily", "conversation-details", "average-handle-time-per-agent"),
            new Summary("queue_daily", "conversation-details", "inbound-voice-conversations-per-queue-per-day"));

    @ParameterizedTest(name = "lake.flat-format={0}")
    @ValueSource(strings = {"parquet", "ndjson"})
    void eachSummaryReportEqualsItsRowLevelReport(String flatFormat) throws Exception {
        // The client's rate governor off (0, as for a stand-in): at the shipped 240 requests/min the six days' jobs,
        // polls and pages waited a quarter second a request (8 of each run's 11 s); the summaries are the same without it.
        LocalDaemon daemon = LocalDaemon.start(Map.of("lake.flat-format", flatFormat,
                "genesys.rate-limit.requests-per-minute", "0"));
        try {
            for (String flow : List.of("user-details", "conversation-details")) {
                FlowOutcome export = daemon.run(flow, Map.of("lakeInterval", FIRST + "/" + FIRST.plusDays(DAYS)));
                assertTrue(export.success(), export.toString());
            }
            // The names the reports show beside the ids.
            for (String flow : List.of("reference-users", "reference-queues")) {
                assertTrue(daemon.run(flow, Map.of()).success(), flow);
            }
            FlowOutcome catalog = daemon.run("catalog-refresh", Map.of());
            assertTrue(catalog.success(), catalog.toString());

            String suffix = flatFormat.equals("parquet") ? ".parquet" : ".json.gz";
            AthenaClient athena = daemon.bean("athenaClient", AthenaClient.class);
            for (Summary s : SUMMARIES) {
                List<String> manifests = daemon.lake().keys("_manifests/" + s.flow() + "/");
                assertEquals(1, manifests.size(), manifests.toString());
                JsonNode manifest = JSON.readTree(String.join("\n", daemon.lake().lines(manifests.get(0), false)));
                List<String> summaries = daemon.lake().keys(s.table() + "/");
                List<String> expected = new ArrayList<>();
                for (int d = 0; d < DAYS; d++) {
                    LocalDate day = FIRST.plusDays(d);
                    expected.add(s.table() + "/date=" + day + "/" + s.flow() + "_" + day + suffix);
                }
                assertEquals(expected, summaries, "one " + s.table() + " object per day");
                for (String key : summaries) {
                    long rows = flatFormat.equals("parquet") ? daemon.lake().parquetRows(key, "1").size()
                            : daemon.lake().lines(key, true).size();
                    JsonNode listed = null;
                    for (JsonNode o : manifest.path("objects")) {
                        if (o.path("key").asText().equals(key)) {
                            listed = o;
                        }
                    }
                    assertTrue(listed != null, key + " is in the manifest: " + manifest);
                    assertEquals(rows, listed.path("records").asLong(), key);
                }

                List<String> summary = csv(athena, sqlOf(Path.of("queries/sql/" + s.report() + ".sql")));
                List<String> rowLevel = csv(athena, sqlOf(Path.of("queries/examples/" + s.report() + ".row-level.sql")));
                assertTrue(rowLevel.size() > DAYS, s.report() + " has rows on each day: " + rowLevel);
                assertEquals(rowLevel, summary, s.report());
            }
        } finally {
            daemon.closeAndDelete();
        }
    }
}
