package genesyslake.flows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import genesyslake.management.FlowOutcome;
import genesyslake.testsupport.FlowTest;
import genesyslake.testsupport.LocalDaemon;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures export → crawler → Athena reports give real answers in local mode: each report's rows equal the same
 * computation done here over the exported NDJSON.
 */
@FlowTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CatalogAndReportsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final LocalDate DAY = LocalDate.now(ZoneOffset.UTC).minusDays(2);

    private LocalDaemon daemon;

    @BeforeAll
    void exportAndCrawl() {
        daemon = LocalDaemon.start(Map.of());
        for (String flow : List.of("usage-export", "usage-daily", "conversation-details", "user-details",
                "reference-users", "reference-queues", "catalog-refresh")) {
            Map<String, Object> headers = flow.endsWith("-details")
                    ? Map.of("lakeInterval", DAY + "/" + DAY.plusDays(1)) : Map.of();
            FlowOutcome outcome = daemon.run(flow, headers);
            assertTrue(outcome.success(), outcome.toString());
        }
    }

    @AfterAll
    void stop() {
        daemon.closeAndDelete();
    }

    private List<List<String>> csv(String report) {
        try {
            List<List<String>> rows = new ArrayList<>();
            for (String line : Files.readAllLines(daemon.dataDir().resolve("reports").resolve(report).resolve("latest.csv"))) {
                rows.add(List.of(line.split(",", -1)));
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void theSeedTop10QueryEqualsTheTop10OfTheExportedRecords() throws IOException {
        FlowOutcome outcome = daemon.run("athena-report", Map.of("lakeReport", "top10-rate-limited-clients"));
        assertTrue(outcome.success(), outcome.toString());

        List<JsonNode> exported = new ArrayList<>();
        for (String line : daemon.lake().lines("granularity=month/")) {
            exported.add(JSON.readTree(line));
        }
        exported.sort(Comparator.comparingLong((JsonNode n) -> n.path("status429").asLong()).reversed());
        List<JsonNode> top = exported.subList(0, 10);

        List<List<String>> rows = csv("top10-rate-limited-clients");
        List<String> header = rows.get(0);
        int client = header.indexOf("clientid");
        int status429 = header.indexOf("status429");
        assertTrue(header.contains("granularity"), "partition column present once: " + header);
        assertEquals(header.size(), new HashSet<>(header).size(), "no duplicate columns: " + header);
        assertEquals(11, rows.size());
        for (int i = 0; i < 10; i++) {
            assertEquals(top.get(i).path("status429").asText(), rows.get(i + 1).get(status429), "row " + i);
        }
        // Rows with a unique 429 count must be the same client.
        for (int i = 0; i < 10; i++) {
            long v = top.get(i).path("status429").asLong();
            if (exported.stream().filter(n -> n.path("status429").asLong() == v).count() == 1) {
                assertEquals(top.get(i).path("clientId").asText(), rows.get(i + 1).get(client));
            }
        }
        assertTrue(top.get(0).path("status429").asLong() > 0, "the local org has rate-limited clients");
    }

    @Test
    void inboundVoicePerQueueEqualsTheCountOverExportedSegments() throws IOException {
        FlowOutcome outcome = daemon.run("athena-report", Map.of("lakeReport", "inbound-voice-conversations-per-queue-per-day"));
        assertTrue(outcome.success(), outcome.toString());
        Map<String, Set<String>> byQueue = new TreeMap<>();
        for (String line : daemon.lake().lines("conversation_segments/date=" + DAY + "/")) {
            JsonNode row = JSON.readTree(line);
            if (row.path("mediaType").asText().equals("voice") && row.path("direction").asText().equals("inbound")
                    && !row.path("queueId").isNull()) {
                byQueue.computeIfAbsent(row.path("queueId").asText(), q -> new HashSet<>()).add(row.path("conversationId").asText());
            }
        }
        assertFalse(byQueue.isEmpty());
        Map<String, String> reported = new TreeMap<>();
        for (List<String> row : csv("inbound-voice-conversations-per-queue-per-day").subList(1,
                csv("inbound-voice-conversations-per-queue-per-day").size())) {
            assertEquals(DAY.toString(), row.get(0));
            reported.put(row.get(1), row.get(3)); // day, queueid, queue_name, conversations
        }
        Map<String, String> expected = new TreeMap<>();
        byQueue.forEach((q, ids) -> expected.put(q, String.valueOf(ids.size())));
        assertEquals(expected, reported);
    }

    @Test
    void theCuratedTablesAreWrittenAsParquetAndCataloguedAsParquet() {
        var glue = daemon.bean("glueClient", software.amazon.awssdk.services.glue.GlueClient.class);
        for (String table : List.of("conversation_segments", "user_presence", "user_routing_status", "agent_status_daily",
                "agent_handle_daily", "queue_daily", "usage_requests")) {
            List<String> keys = daemon.lake().keys(table + "/");
            assertFalse(keys.isEmpty(), table);
            assertTrue(keys.stream().allMatch(k -> k.endsWith(".parquet")), keys.toString());
            var sd = glue.getTable(b -> b.databaseName("genesysclouddb").name(table)).table().storageDescriptor();
            assertEquals("org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe", sd.serdeInfo().serializationLibrary());
            assertEquals("org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat", sd.inputFormat());
        }
        assertTrue(daemon.lake().keys("conversations/").stream().allMatch(k -> k.endsWith(".json.gz")), "raw stays NDJSON");
    }

    @Test
    void everyShippedReportRuns() throws IOException {
        FlowOutcome all = daemon.run("athena-report", Map.of());
        assertTrue(all.success(), all.toString());
        try (var files = Files.list(Path.of("queries/sql"))) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString().replace(".sql", "");
                assertTrue(Files.exists(daemon.dataDir().resolve("reports").resolve(name).resolve("latest.csv")), name);
            }
        }
        assertTrue(csv("average-handle-time-per-agent").size() > 1, "agents handled conversations");
        assertTrue(csv("available-and-interacting-time-per-agent-per-day").size() > 1, "agents were available");
    }

    /** Every id a shipped report shows has its name beside it (column <thing>_name right after it), deleted agents too. */
    @Test
    void everyShippedReportsIdColumnsResolveToNamesEvenForDeletedAgents() throws IOException {
        assertTrue(daemon.run("athena-report", Map.of()).success());
        int named = 0;
        try (var files = Files.list(Path.of("queries/sql"))) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString().replace(".sql", "");
                if (name.equals("top10-rate-limited-clients")) {
                    continue; // the seed's own report (SELECT *): its userid, of user-grant clients, is left as it is
                }
                List<List<String>> rows = csv(name);
                List<String> header = rows.get(0);
                for (int c = 0; c < header.size(); c++) {
                    String col = header.get(c);
                    if (col.equals("userid") || col.equals("queueid") || col.equals("wrapupcode")
                            || col.equals("organizationpresenceid")) {
                        assertTrue(c + 1 < header.size() && header.get(c + 1).endsWith("_name"),
                                name + ": no name column beside " + col + " in " + header);
                        for (List<String> row : rows.subList(1, rows.size())) {
                            if (!row.get(c).isEmpty()) {
                                assertFalse(row.get(c + 1).isEmpty(), name + ": " + col + " " + row.get(c) + " has no name");
                                named++;
                            }
                        }
                    }
                }
            }
        }
        assertTrue(named > 20, "names shown: " + named);
        // Agents deleted in Genesys since: still named in the handle-time report.
        String snapshot = daemon.lake().keys("users/snapshot=").get(0);
        Set<String> deleted = new HashSet<>();
        for (String line : daemon.lake().lines(snapshot, true)) {
            JsonNode u = JSON.readTree(line);
            if (u.path("state").asText().equals("deleted")) {
                deleted.add(u.path("id").asText());
            }
        }
        List<List<String>> aht = csv("average-handle-time-per-agent");
        List<List<String>> ofDeleted = aht.subList(1, aht.size()).stream().filter(r -> deleted.contains(r.get(0))).toList();
        assertFalse(ofDeleted.isEmpty(), "the local conversations name deleted agents: " + deleted);
        assertTrue(ofDeleted.stream().noneMatch(r -> r.get(1).isEmpty()), ofDeleted.toString());
    }

    @Test
    void eachRunOfAReportKeepsItsCsvAndLatestIsTheNewest() throws Exception {
        Path dir = daemon.dataDir().resolve("reports").resolve("top10-rate-limited-clients");
        assertTrue(daemon.run("athena-report", Map.of("lakeReport", "top10-rate-limited-clients")).success());
        Thread.sleep(5); // a new file name (milliseconds) for the second run
        assertTrue(daemon.run("athena-report", Map.of("lakeReport", "top10-rate-limited-clients")).success());
        List<Path> history;
        try (var files = Files.list(dir)) {
            history = files.filter(f -> f.getFileName().toString().matches("\\d{8}T\\d{6}\\.\\d{3}Z\\.csv")).sorted().toList();
        }
        assertTrue(history.size() >= 2, "one CSV per run: " + history);
        assertEquals(Files.readAllLines(history.get(history.size() - 1)), Files.readAllLines(dir.resolve("latest.csv")));
    }

    @Test
    void aBrokenReportIsNamedWithTheEnginesMessageAndTheOthersStillRun(@org.junit.jupiter.api.io.TempDir Path sql)
            throws IOException {
        Files.writeString(sql.resolve("a-broken.sql"), "SELEC clientid FROM \"genesysclouddb\".\"gc_usage_api_source\"");
        Files.copy(Path.of("queries/sql/top10-rate-limited-clients.sql"), sql.resolve("b-top10.sql"));
        LocalDaemon other = LocalDaemon.start(Map.of("athena.reports-dir", sql.toString()));
        try {
            assertTrue(other.run("usage-export", Map.of()).success());
            assertTrue(other.run("catalog-refresh", Map.of()).success());
            FlowOutcome outcome = other.run("athena-report", Map.of());
            assertFalse(outcome.success());
            assertTrue(outcome.getSummary().contains("a-broken.sql") && outcome.getSummary().contains("mismatched input 'SELEC'"),
                    outcome.getSummary());
            assertTrue(Files.exists(other.dataDir().resolve("reports").resolve("b-top10").resolve("latest.csv")), "the good report ran");
        } finally {
            other.closeAndDelete();
        }
    }
}
