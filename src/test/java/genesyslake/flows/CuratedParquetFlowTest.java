package genesyslake.flows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import genesyslake.lake.ConversationFlattener;
import genesyslake.lake.UserDetailsFlattener;
import genesyslake.management.FlowOutcome;
import genesyslake.testsupport.FlowTest;
import genesyslake.testsupport.LocalDaemon;
import genesyslake.testsupport.Parquet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures the flows publish curated tables as Parquet by default (rows equal to the flattened raw records, one object
 * per partition, replaced on a rerun) and as gzip NDJSON with lake.flat-format=ndjson, raw tables untouched in both.
 */
@FlowTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CuratedParquetFlowTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final LocalDate DAY = LocalDate.now(ZoneOffset.UTC).minusDays(3);
    private static final String DAYS = DAY + "/" + DAY.plusDays(2);

    /**
     * One daemon for the Parquet tests, which change none of its settings: each writes its own tables (segments,
     * presence and routing status, usage requests), and the segments test compares only what its own reruns touch.
     */
    private LocalDaemon daemon;

    @BeforeAll
    void start() {
        daemon = LocalDaemon.start(Map.of("details.page-size", "200", "usage.query-files", "queries/usage-query.json"));
    }

    @AfterAll
    void stop() {
        if (daemon != null) {
            daemon.closeAndDelete();
        }
    }

    private Path object(String key) {
        return daemon.dataDir().resolve("s3/gc-usage-api-source").resolve(key);
    }

    @Test
    void segmentsArePublishedAsParquetEqualToTheFlattenedRawRecordsAndARerunReplacesThem() throws IOException {
        FlowOutcome outcome = daemon.run("conversation-details", Map.of("lakeInterval", DAYS));
        assertTrue(outcome.success(), outcome.toString());
        List<String> keys = daemon.lake().keys("");
        for (LocalDate d : List.of(DAY, DAY.plusDays(1))) {
            String seg = "conversation_segments/date=" + d + "/conversation-details_" + d + ".parquet";
            String raw = "conversations/date=" + d + "/conversation-details_" + d + ".json.gz";
            assertTrue(keys.contains(seg) && keys.contains(raw), keys.toString());
            assertSameRows(flatten(daemon.lake().lines(raw), true), Parquet.typedRows(object(seg)), seg);
        }
        assertTrue(keys.stream().noneMatch(k -> k.startsWith("conversation_segments/") && k.endsWith(".json.gz")), keys.toString());
        JsonNode manifest = JSON.readTree(object(keys.stream().filter(k -> k.startsWith("_manifests/conversation-details/")).findFirst().orElseThrow()).toFile());
        assertTrue(manifest.toString().contains(".parquet"), "the manifest names the Parquet objects: " + manifest);

        long rows = Parquet.rows(object("conversation_segments/date=" + DAY + "/conversation-details_" + DAY + ".parquet"), "1").size();
        assertTrue(daemon.run("conversation-details", Map.of("lakeInterval", DAYS)).success());
        assertEquals(keys.stream().filter(k -> !k.startsWith("_manifests/")).toList(),
                daemon.lake().keys("").stream().filter(k -> !k.startsWith("_manifests/")).toList(), "a rerun replaces, never adds");
        assertEquals(rows, Parquet.rows(object("conversation_segments/date=" + DAY + "/conversation-details_" + DAY + ".parquet"), "1").size());
        // The work folder's flow folders, less those of the other tests' flows (this daemon is theirs too).
        assertTrue(daemon.dataDir().resolve("work").toFile().list((d, n) -> !n.equals("duckdb") && !n.equals("genesys")
                && !n.equals("user-details") && !n.equals("usage-export")).length <= 1, "work folders cleaned up");
    }

    @Test
    void presenceAndRoutingStatusArePublishedAsParquetEqualToTheFlattenedUserDetails() throws IOException {
        FlowOutcome outcome = daemon.run("user-details", Map.of("lakeInterval", DAY + "/" + DAY.plusDays(1)));
        assertTrue(outcome.success(), outcome.toString());
        List<String> rawLines = daemon.lake().lines("user_details/date=" + DAY + "/");
        List<List<String>> flat = flattenUsers(rawLines);
        assertFalse(flat.get(0).isEmpty());
        for (int t = 0; t < 2; t++) {
            String table = t == 0 ? "user_presence" : "user_routing_status";
            List<String> keys = daemon.lake().keys(table + "/");
            assertEquals(List.of(table + "/date=" + DAY + "/user-details_" + DAY + ".parquet"), keys);
            assertSameRows(flat.get(t), Parquet.typedRows(object(keys.get(0))), table);
        }
    }

    @Test
    void usageRequestsRowsAreTheRawUsageRows() throws IOException {
        FlowOutcome outcome = daemon.run("usage-export", Map.of("lakeInterval", "2025-03-01/2025-04-01"));
        assertTrue(outcome.success(), outcome.toString());
        List<String> raw = daemon.lake().keys("granularity=");
        assertEquals(1, raw.size(), raw.toString());
        String flatKey = "usage_requests/" + raw.get(0).replace(".json.gz", ".parquet");
        assertEquals(List.of(flatKey), daemon.lake().keys("usage_requests/"));
        List<String> rawRows = daemon.lake().lines(raw.get(0), true);
        List<java.util.Map<String, Object>> rows = Parquet.typedRows(object(flatKey));
        assertEquals(rawRows.size(), rows.size());
        assertTrue(rows.size() > 10, "the local org's usage: " + rows.size());
        for (int i = 0; i < rows.size(); i++) {
            JsonNode r = JSON.readTree(rawRows.get(i));
            for (var e : rows.get(i).entrySet()) {
                JsonNode v = r.get(e.getKey());
                String where = flatKey + " row " + i + " " + e.getKey();
                if (v == null || v.isNull()) {
                    assertNull(e.getValue(), where);
                } else if (e.getKey().equals("date")) {
                    assertEquals(micros(v.asText()), e.getValue(), where);
                } else if (v.isNumber()) {
                    assertEquals(v.asLong(), ((Number) e.getValue()).longValue(), where);
                } else {
                    assertEquals(v.asText(), e.getValue(), where);
                }
            }
        }
    }

    @Test
    void ndjsonModeKeepsTheCuratedTablesAsGzipNdjson() throws IOException {
        // Another setting, so a daemon of its own.
        LocalDaemon ndjson = LocalDaemon.start(Map.of("lake.flat-format", "ndjson", "usage.query-files", "queries/usage-query.json"));
        try {
            assertTrue(ndjson.run("conversation-details", Map.of("lakeInterval", DAY + "/" + DAY.plusDays(1))).success());
            assertTrue(ndjson.run("usage-export", Map.of("lakeInterval", "2025-03-01/2025-04-01")).success());
            List<String> keys = ndjson.lake().keys("");
            assertTrue(keys.contains("conversation_segments/date=" + DAY + "/conversation-details_" + DAY + ".json.gz"), keys.toString());
            assertTrue(keys.stream().anyMatch(k -> k.startsWith("usage_requests/granularity=") && k.endsWith(".json.gz")), keys.toString());
            assertTrue(keys.stream().noneMatch(k -> k.endsWith(".parquet")), keys.toString());
            List<String> raw = ndjson.lake().lines("conversations/date=" + DAY + "/");
            assertEquals(flatten(raw, true), ndjson.lake().lines("conversation_segments/date=" + DAY + "/"),
                    "the NDJSON rows the Parquet replaces by default");
        } finally {
            ndjson.closeAndDelete();
        }
    }

    /** The flattened rows of raw conversation lines, as the spool holds them. */
    private static List<String> flatten(List<String> raw, boolean conversations) throws IOException {
        ConversationFlattener f = new ConversationFlattener();
        List<String> rows = new ArrayList<>();
        for (String line : raw) {
            byte[] b = line.getBytes(StandardCharsets.UTF_8);
            f.flatten(b, 0, b.length, (d, buf, o, l) -> rows.add(new String(buf, o, l, StandardCharsets.UTF_8)));
        }
        return rows;
    }

    private static List<List<String>> flattenUsers(List<String> raw) throws IOException {
        UserDetailsFlattener f = new UserDetailsFlattener();
        List<String> presence = new ArrayList<>();
        List<String> routing = new ArrayList<>();
        for (String line : raw) {
            byte[] b = line.getBytes(StandardCharsets.UTF_8);
            f.flatten(b, 0, b.length, (d, buf, o, l) -> presence.add(new String(buf, o, l, StandardCharsets.UTF_8)),
                    (d, buf, o, l) -> routing.add(new String(buf, o, l, StandardCharsets.UTF_8)));
        }
        return List.of(presence, routing);
    }

    /**
     * Same count, same columns in the same order, and the same rows with the same value per column (an instant equals
     * the ISO string's instant), in any row order: the converter does not keep the spool's order.
     */
    private static void assertSameRows(List<String> ndjson, List<java.util.Map<String, Object>> parquet, String what)
            throws IOException {
        assertEquals(ndjson.size(), parquet.size(), what + ": row count");
        // Columns Parquet holds as numbers: bigints, and timestamps as epoch microseconds.
        java.util.Set<String> numeric = new java.util.HashSet<>();
        parquet.forEach(r -> r.forEach((c, a) -> {
            if (a instanceof Number) {
                numeric.add(c);
            }
        }));
        List<String> expected = new ArrayList<>();
        for (String line : ndjson) {
            JsonNode e = JSON.readTree(line);
            List<String> names = new ArrayList<>();
            e.fieldNames().forEachRemaining(names::add);
            assertEquals(names, List.copyOf(parquet.get(0).keySet()), what + ": columns");
            StringBuilder row = new StringBuilder();
            for (String c : names) {
                JsonNode v = e.get(c);
                row.append(c).append('=').append(v.isNull() ? "null" : !numeric.contains(c) ? v.asText()
                        : String.valueOf(v.isNumber() ? v.asLong() : micros(v.asText()))).append('\u0001');
            }
            expected.add(row.toString());
        }
        List<String> actual = new ArrayList<>();
        for (java.util.Map<String, Object> r : parquet) {
            StringBuilder row = new StringBuilder();
            r.forEach((c, a) -> row.append(c).append('=').append(a == null ? "null"
                    : a instanceof Number n ? String.valueOf(n.longValue()) : a).append('\u0001'));
            actual.add(row.toString());
        }
        java.util.Collections.sort(expected);
        java.util.Collections.sort(actual);
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i), actual.get(i), what + ": row " + i + " in sorted order");
        }
    }

    private static long micros(String iso) {
        Instant t = OffsetDateTime.parse(iso).toInstant();
        return ChronoUnit.MICROS.between(Instant.EPOCH, t);
    }
}
