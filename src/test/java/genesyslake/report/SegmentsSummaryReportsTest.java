package genesyslake.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import genesyslake.management.FlowOutcome;
import genesyslake.testsupport.LocalDaemon;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.athena.model.Datum;
import software.amazon.awssdk.services.athena.model.GetQueryResultsResponse;
import software.amazon.awssdk.services.athena.model.QueryExecution;
import software.amazon.awssdk.services.athena.model.QueryExecutionState;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures the shipped reports that read a summary of conversation_segments (average handle time from
 * agent_handle_daily, inbound voice per queue from queue_daily) answer exactly what their row-level SQL over
 * conversation_segments answers (over several days), in both flat formats, and that each exported day has one object
 * of each summary, listed in the run's manifest with its row count.
 */
class SegmentsSummaryReportsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final LocalDate FIRST = LocalDate.now(ZoneOffset.UTC).minusDays(4);
    private static final int DAYS = 3;
    /** Each summary table and the shipped report that reads it. */
    private static final Map<String, String> REPORTS = Map.of(
            "agent_handle_daily", "average-handle-time-per-agent",
            "queue_daily", "inbound-voice-conversations-per-queue-per-day");

    @ParameterizedTest(name = "lake.flat-format={0}")
    @ValueSource(strings = {"parquet", "ndjson"})
    void eachSummaryReportEqualsItsRowLevelReport(String flatFormat) throws Exception {
        LocalDaemon daemon = LocalDaemon.start(Map.of("lake.flat-format", flatFormat));
        try {
            FlowOutcome export = daemon.run("conversation-details", Map.of("lakeInterval", FIRST + "/" + FIRST.plusDays(DAYS)));
            assertTrue(export.success(), export.toString());
            FlowOutcome catalog = daemon.run("catalog-refresh", Map.of());
            assertTrue(catalog.success(), catalog.toString());

            String suffix = flatFormat.equals("parquet") ? ".parquet" : ".json.gz";
            List<String> manifests = daemon.lake().keys("_manifests/conversation-details/");
            assertEquals(1, manifests.size(), manifests.toString());
            JsonNode manifest = JSON.readTree(String.join("\n", daemon.lake().lines(manifests.get(0), false)));
            AthenaClient athena = daemon.bean("athenaClient", AthenaClient.class);
            for (Map.Entry<String, String> e : REPORTS.entrySet()) {
                String table = e.getKey();
                List<String> summaries = daemon.lake().keys(table + "/");
                List<String> expected = new ArrayList<>();
                for (int d = 0; d < DAYS; d++) {
                    LocalDate day = FIRST.plusDays(d);
                    expected.add(table + "/date=" + day + "/conversation-details_" + day + suffix);
                }
                assertEquals(expected, summaries, "one " + table + " object per day");
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

                String report = e.getValue();
                List<String> summary = csv(athena, sql(Path.of("queries/sql/" + report + ".sql")));
                List<String> rowLevel = csv(athena, sql(Path.of("queries/examples/" + report + ".row-level.sql")));
                assertTrue(rowLevel.size() > DAYS, report + " has rows: " + rowLevel);
                assertEquals(rowLevel, summary, report);
            }
        } finally {
            daemon.closeAndDelete();
        }
    }

    private static String sql(Path file) throws Exception {
        return Files.readString(file, StandardCharsets.UTF_8).trim().replaceFirst(";\\s*$", "");
    }

    /** The answer as CSV lines: header with Athena's column types, then every row, all pages. */
    private static List<String> csv(AthenaClient athena, String sql) throws InterruptedException {
        String id = athena.startQueryExecution(b -> b.queryString(sql).workGroup("UsageAPIWorkgroup")
                .queryExecutionContext(c -> c.database("genesysclouddb"))).queryExecutionId();
        QueryExecution q;
        do {
            Thread.sleep(20);
            q = athena.getQueryExecution(b -> b.queryExecutionId(id)).queryExecution();
        } while (q.status().state() == QueryExecutionState.QUEUED || q.status().state() == QueryExecutionState.RUNNING);
        QueryExecution done = q;
        assertEquals(QueryExecutionState.SUCCEEDED, done.status().state(), () -> done.status().stateChangeReason());
        List<String> lines = new ArrayList<>();
        for (GetQueryResultsResponse page : athena.getQueryResultsPaginator(b -> b.queryExecutionId(id))) {
            if (lines.isEmpty()) {
                lines.add(page.resultSet().resultSetMetadata().columnInfo().stream()
                        .map(c -> c.name() + ":" + c.type()).toList().toString());
            }
            page.resultSet().rows().forEach(r -> lines.add(Tables.csvLine(r.data().stream()
                    .map(Datum::varCharValue).toList()).strip()));
        }
        return lines;
    }
}
