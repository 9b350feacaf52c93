package genesyslake.lake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import genesyslake.catalog.LakeTables;
import genesyslake.config.Settings;
import genesyslake.local.genesys.GenesysDataset;
import genesyslake.local.genesys.LocalGenesysSettings;
import genesyslake.testsupport.Parquet;
import genesyslake.testsupport.UnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ensures a curated table's Parquet holds exactly the flattened NDJSON rows it replaces, typed as agreed. */
@UnitTest
class CuratedParquetTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final LocalDate DAY = LocalDate.of(2026, 11, 3);

    @TempDir
    Path dir;

    private ParquetConverter converter() {
        return new ParquetConverter(dir.resolve("duckdb"), "128MB", 1);
    }

    @Test
    void theSettingTakesParquetOrNdjsonAndRefusesAnythingElseNamingItself() {
        assertEquals(FlatFormat.PARQUET, FlatFormat.parse(""));
        assertEquals(FlatFormat.PARQUET, FlatFormat.parse(" Parquet "));
        assertEquals(FlatFormat.NDJSON, FlatFormat.parse("ndjson"));
        Settings.SettingsException e = assertThrows(Settings.SettingsException.class, () -> FlatFormat.parse("csv"));
        assertTrue(e.getMessage().contains("lake.flat-format") && e.getMessage().contains("csv"), e.getMessage());
        assertTrue(assertThrows(Settings.SettingsException.class, () -> new ParquetConverter(dir, "lots", 1)).getMessage()
                .contains("lake.parquet.memory-limit"));
        assertTrue(assertThrows(Settings.SettingsException.class, () -> new ParquetConverter(dir, "1GB", 0)).getMessage()
                .contains("lake.parquet.threads"));
    }

    @Test
    void curatedObjectsAreKnownByTheirKeyAndRawOnesAreNot() {
        assertEquals(Optional.of(CuratedTable.CONVERSATION_SEGMENTS),
                CuratedTable.forKey("conversation_segments/date=2026-11-03/conversation-details_2026-11-03.json.gz"));
        assertEquals(Optional.of(CuratedTable.USER_ROUTING_STATUS),
                CuratedTable.forKey("archive/user_routing_status/date=2026-11-03/u_2026-11-03.json.gz"));
        assertEquals(Optional.of(CuratedTable.USAGE_REQUESTS),
                CuratedTable.forKey("usage_requests/granularity=day/usage_x_y.json.gz"));
        assertEquals(Optional.empty(), CuratedTable.forKey("conversations/date=2026-11-03/c.json.gz"));
        assertEquals(Optional.empty(), CuratedTable.forKey("granularity=day/usage_x_y.json.gz"));
        assertEquals(Optional.empty(), CuratedTable.forKey("_manifests/conversation-details/x.json"));
        assertEquals("usage_requests/granularity=day/usage_x_y.parquet",
                CuratedTable.parquetKey("usage_requests/granularity=day/usage_x_y.json.gz"));
    }

    @Test
    void columnsAreTheCatalogsInTheCatalogsOrder() {
        LakeTables catalog = new LakeTables("b");
        for (CuratedTable t : CuratedTable.ALL) {
            List<String> expected;
            try {
                expected = catalog.byName(t.name()).columns().stream().map(LakeTables.Column::name).toList();
            } catch (IllegalArgumentException notYet) {
                // usage_requests enters the catalog on the catalog side of the change; the agreed columns meanwhile
                expected = catalog.usage().columns().stream().map(LakeTables.Column::name).toList();
            }
            assertEquals(expected, t.columnNames(), t.name());
        }
    }

    @Test
    void segmentRowsInParquetEqualTheFlattenedNdjsonRowsTheyReplace() throws IOException {
        GenesysDataset dataset = new GenesysDataset(LocalGenesysSettings.defaults());
        ConversationFlattener flattener = new ConversationFlattener();
        List<byte[]> rows = new ArrayList<>();
        dataset.conversationsStartingOn(DAY).forEach(c -> {
            try {
                flattener.flatten(c, 0, c.length, (d, b, o, l) -> rows.add(java.util.Arrays.copyOfRange(b, o, o + l)));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertTrue(rows.size() > 1000, "a day of the local org: " + rows.size());
        assertSameRows(CuratedTable.CONVERSATION_SEGMENTS, rows);
    }

    @Test
    void userRowsInParquetEqualTheFlattenedNdjsonRows() throws IOException {
        GenesysDataset dataset = new GenesysDataset(LocalGenesysSettings.defaults());
        UserDetailsFlattener flattener = new UserDetailsFlattener();
        List<byte[]> presence = new ArrayList<>();
        List<byte[]> routing = new ArrayList<>();
        for (byte[] u : dataset.userDetailsFor(DAY)) {
            flattener.flatten(u, 0, u.length, (d, b, o, l) -> presence.add(java.util.Arrays.copyOfRange(b, o, o + l)),
                    (d, b, o, l) -> routing.add(java.util.Arrays.copyOfRange(b, o, o + l)));
        }
        assertFalse(presence.isEmpty());
        assertFalse(routing.isEmpty());
        assertSameRows(CuratedTable.USER_PRESENCE, presence);
        assertSameRows(CuratedTable.USER_ROUTING_STATUS, routing);
    }

    @Test
    void awkwardValuesSurvive() throws IOException {
        List<byte[]> rows = List.of(
                // every column null; then text needing escapes, non-ASCII, an offset instant, an open segment
                row("{}"),
                row("{\"conversationId\":\"c\\\"1\\\\\\n\",\"conversationStart\":\"2026-11-03T10:00:00.123+02:00\","
                        + "\"participantName\":\"Zoë 名前 \\ud83d\\ude00\",\"segmentStart\":\"2026-11-03T23:59:59.999999Z\","
                        + "\"segmentEnd\":null,\"segmentDurationMs\":null,\"ani\":\"tel:+1555\"}"),
                row("{\"conversationStart\":\"2026-11-03T00:00:00Z\",\"segmentDurationMs\":9007199254740993}"));
        assertSameRows(CuratedTable.CONVERSATION_SEGMENTS, rows);
    }

    @Test
    void usageRequestRowsEqualTheRawUsageRows() throws IOException {
        UsageFlattener flattener = new UsageFlattener();
        List<byte[]> raw = List.of(
                row("{\"organizationId\":\"o\",\"clientId\":\"c1\",\"clientName\":\"Client ü\",\"templateUri\":\"api/v2/users\","
                        + "\"httpMethod\":\"GET\",\"date\":\"2026-11-01T00:00:00Z\",\"status200\":10,\"status300\":0,"
                        + "\"status400\":3,\"status429\":2,\"status500\":1,\"requests\":14,\"granularity\":\"day\",\"extra\":{\"a\":1}}"),
                row("{\"clientId\":\"c2\",\"requests\":5}"));
        List<byte[]> rows = new ArrayList<>();
        for (byte[] r : raw) {
            flattener.flatten(r, 0, r.length, (d, b, o, l) -> rows.add(java.util.Arrays.copyOfRange(b, o, o + l)));
        }
        assertEquals(UsageFlattener.COLUMNS, List.copyOf(iterable(JSON.readTree(rows.get(0)).fieldNames())));
        List<Map<String, Object>> parquet = assertSameRows(CuratedTable.USAGE_REQUESTS, rows);
        for (int i = 0; i < raw.size(); i++) {
            JsonNode r = JSON.readTree(raw.get(i));
            for (String c : UsageFlattener.COLUMNS) {
                Object v = parquet.get(i).get(c);
                if (!r.hasNonNull(c)) {
                    assertNull(v, c);
                } else if (c.equals("date")) {
                    assertEquals(micros(r.get(c).asText()), v, c);
                } else if (r.get(c).isNumber()) {
                    assertEquals(r.get(c).asLong(), ((Number) v).longValue(), c);
                } else {
                    assertEquals(r.get(c).asText(), v, c);
                }
            }
        }
        IOException bad = assertThrows(IOException.class, () -> flattener.flatten(row("{\"status200\":\"many\"}"), 0,
                row("{\"status200\":\"many\"}").length, (d, b, o, l) -> { }));
        assertTrue(bad.getMessage().contains("status200"), bad.getMessage());
    }

    @Test
    void aConversionThatDoesNotGiveTheSpoolsRowCountFailsAndLeavesNoFile() throws IOException {
        Path ndjson = gzip(List.of(row("{\"userId\":\"u\",\"startTime\":\"2026-11-03T00:00:00Z\"}")));
        Path out = dir.resolve("p/x.parquet");
        IOException e = assertThrows(IOException.class,
                () -> converter().convert(ndjson, CuratedTable.USER_PRESENCE, out, 2));
        assertTrue(e.getMessage().contains("1 rows but the spool holds 2"), e.getMessage());
        assertFalse(Files.exists(out));
    }

    @Test
    void aMalformedInstantFailsNamingTheFile() throws IOException {
        Path ndjson = gzip(List.of(row("{\"userId\":\"u\",\"startTime\":\"yesterday\"}")));
        IOException e = assertThrows(IOException.class,
                () -> converter().convert(ndjson, CuratedTable.USER_PRESENCE, dir.resolve("y.parquet"), 1));
        assertTrue(e.getMessage().contains(ndjson.toString()) && e.getMessage().contains("yesterday"), e.getMessage());
    }

    /** Converts the rows and checks the file against them column by column; returns the file's rows. */
    private List<Map<String, Object>> assertSameRows(CuratedTable table, List<byte[]> ndjsonRows) throws IOException {
        Path ndjson = gzip(ndjsonRows);
        Path parquet = dir.resolve("out/" + table.name() + ".parquet");
        assertEquals(ndjsonRows.size(), converter().convert(ndjson, table, parquet, ndjsonRows.size()));
        List<String[]> schema = Parquet.schema(parquet);
        assertEquals(table.columnNames(), schema.stream().map(c -> c[0]).toList(), "columns, in order, no partition column");
        for (int i = 0; i < schema.size(); i++) {
            CuratedTable.Type type = table.columns().get(i).type();
            assertEquals(type == CuratedTable.Type.TIMESTAMP ? "TIMESTAMP" : type.name(), schema.get(i)[1], schema.get(i)[0]);
        }
        assertEquals(List.of("ZSTD"), Parquet.codecs(parquet));
        // Athena's Hive tables are timestamp(3) and Genesys sends milliseconds: the footer says so too.
        for (String[] footer : Parquet.footerTypes(parquet)) {
            if (table.columns().stream().anyMatch(c -> c.name().equals(footer[0]) && c.type() == CuratedTable.Type.TIMESTAMP)) {
                assertEquals("TIMESTAMP_MILLIS", footer[1], footer[0] + " is a timestamp in milliseconds");
            }
        }
        List<Map<String, Object>> rows = Parquet.typedRows(parquet);
        assertEquals(ndjsonRows.size(), rows.size());
        for (int i = 0; i < rows.size(); i++) {
            JsonNode expected = JSON.readTree(ndjsonRows.get(i));
            for (CuratedTable.Column c : table.columns()) {
                Object actual = rows.get(i).get(c.name());
                JsonNode e = expected.get(c.name());
                String where = table.name() + " row " + i + " " + c.name();
                if (e == null || e.isNull()) {
                    assertNull(actual, where);
                } else if (c.type() == CuratedTable.Type.TIMESTAMP) {
                    assertEquals(micros(e.asText()), ((Number) actual).longValue(), where + " is the instant " + e.asText());
                } else if (c.type() == CuratedTable.Type.BIGINT) {
                    assertEquals(e.asLong(), ((Number) actual).longValue(), where);
                } else {
                    assertEquals(e.asText(), actual, where);
                }
            }
        }
        return rows;
    }

    private static long micros(String iso) {
        Instant t = java.time.OffsetDateTime.parse(iso).toInstant();
        // stored in milliseconds: finer digits cut
        return Math.floorDiv(ChronoUnit.MICROS.between(Instant.EPOCH, t), 1000) * 1000;
    }

    private static byte[] row(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private Path gzip(List<byte[]> rows) throws IOException {
        Path f = Files.createTempFile(dir, "rows", ".json.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
            for (byte[] r : rows) {
                out.write(r);
                out.write('\n');
            }
        }
        return f;
    }

    private static <T> List<T> iterable(java.util.Iterator<T> it) {
        List<T> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
