package genesyslake.lake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import genesyslake.testsupport.UnitTest;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ensures the scanner hands over array elements byte for byte and captures other fields, whatever the input shape. */
@UnitTest
class RawJsonScannerTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static final String TRICKY_1 = "{\"clientId\":\"e7de\",\"clientName\":\"Prince \\\"Implicit\\\" \\\\ Grant\\u00e9\","
            + "\"nested\":{\"a\":[1,2,{\"b\":\"]}\"}],\"c\":{}},\"emptyArr\":[],\"n\":-1.5e+3,\"t\":true,\"z\":null}";
    private static final String TRICKY_2 = "{\"name\":\"日本語 ünïcödé 🎉\",\"s\":\"{[\\\\\",\"esc\":\"\\/\\b\\f\\n\\r\\t\"}";
    private static final String TRICKY_3 = "{}";

    private static final String DOC = "{ \"queryStatus\" : \"Complete\",\n \"cursor\":\"abc\\\"d\",\"results\" : [\n  "
            + TRICKY_1 + " ,\n" + TRICKY_2 + "\t,\r\n" + TRICKY_3 + "\n ] , \"totalHits\": 3, \"meta\":{\"x\":[1,{\"y\":null}]},"
            + "\"dataAvailabilityDate\":\"2026-11-20T00:00:00Z\" }\n";

    private static List<String> scan(RawJsonScanner scanner, byte[] doc, Map<String, JsonNode> fields) throws IOException {
        List<String> records = new ArrayList<>();
        RawJsonScanner.Result r = scanner.scan(new ByteArrayInputStream(doc),
                (buf, off, len) -> records.add(new String(buf, off, len, StandardCharsets.UTF_8)));
        if (fields != null) {
            fields.putAll(r.fields());
        }
        return records;
    }

    @Test
    void elementsAreByteIdenticalAndOtherFieldsAreCapturedBeforeAndAfter() throws IOException {
        Map<String, JsonNode> fields = new HashMap<>();
        List<String> records = scan(RawJsonScanner.of("results"), DOC.getBytes(StandardCharsets.UTF_8), fields);
        assertEquals(List.of(TRICKY_1, TRICKY_2, TRICKY_3), records);
        assertEquals("Complete", fields.get("queryStatus").asText());
        assertEquals("abc\"d", fields.get("cursor").asText());
        assertEquals(3, fields.get("totalHits").asInt());
        assertEquals("2026-11-20T00:00:00Z", fields.get("dataAvailabilityDate").asText());
        assertTrue(fields.get("meta").get("x").get(1).get("y").isNull());
        assertFalse(fields.containsKey("results"));
    }

    @Test
    void everyBufferSizeAndOneByteReadsGiveTheSameResult() throws IOException {
        byte[] doc = DOC.getBytes(StandardCharsets.UTF_8);
        List<String> expected = List.of(TRICKY_1, TRICKY_2, TRICKY_3);
        for (int size = 16; size <= 90; size++) {
            assertEquals(expected, scan(RawJsonScanner.of("results").withBufferSize(size), doc, null), "buffer " + size);
        }
        List<String> records = new ArrayList<>();
        RawJsonScanner.Result r = RawJsonScanner.of("results").withBufferSize(16).scan(trickle(doc),
                (buf, off, len) -> records.add(new String(buf, off, len, StandardCharsets.UTF_8)));
        assertEquals(expected, records);
        assertEquals(3, r.records("results"));
        assertEquals("Complete", r.text("queryStatus"));
    }

    @Test
    void elementLargerThanTheBufferIsKeptWhole() throws IOException {
        String big = "{\"blob\":\"" + "x\\\"y".repeat(50_000) + "\"}";
        String doc = "{\"results\":[" + big + ",{\"a\":1}]}";
        List<String> records = scan(RawJsonScanner.of("results").withBufferSize(16),
                doc.getBytes(StandardCharsets.UTF_8), null);
        assertEquals(List.of(big, "{\"a\":1}"), records);
    }

    @Test
    void emptyAbsentNullAndNonObjectArrays() throws IOException {
        assertEquals(List.of(), scan(RawJsonScanner.of("results"), bytes("{\"results\":[ ],\"q\":1}"), null));
        Map<String, JsonNode> fields = new HashMap<>();
        assertEquals(List.of(), scan(RawJsonScanner.of("results"), bytes("{\"queryStatus\":\"Running\"}"), fields));
        assertEquals("Running", fields.get("queryStatus").asText());
        fields.clear();
        assertEquals(List.of(), scan(RawJsonScanner.of("results"), bytes("{\"results\":null}"), fields));
        assertTrue(fields.get("results").isNull());
        assertEquals(List.of(), scan(RawJsonScanner.of("results"), bytes("{}"), null));
        assertEquals(List.of("\"a\\\"]\"", "12", "-0.5E-7", "true", "false", "null", "[1,[2]]", "\"\""),
                scan(RawJsonScanner.of("results"),
                        bytes("{\"results\":[\"a\\\"]\",12, -0.5E-7 ,true,false,null,[1,[2]],\"\"]}"), null));
    }

    @Test
    void severalArraysGoToTheirOwnSinks() throws IOException {
        Map<String, List<String>> byField = new HashMap<>();
        RawJsonScanner.Result r = RawJsonScanner.of("conversations", "userDetails").scan(
                new ByteArrayInputStream(bytes("{\"conversations\":[{\"c\":1},{\"c\":2}],\"cursor\":\"k\","
                        + "\"userDetails\":[{\"u\":1}],\"other\":[{\"not\":\"streamed\"}]}")),
                field -> (buf, off, len) -> byField.computeIfAbsent(field, f -> new ArrayList<>())
                        .add(new String(buf, off, len, StandardCharsets.UTF_8)));
        assertEquals(List.of("{\"c\":1}", "{\"c\":2}"), byField.get("conversations"));
        assertEquals(List.of("{\"u\":1}"), byField.get("userDetails"));
        assertEquals(2, r.records("conversations"));
        assertEquals(3, r.totalRecords());
        assertEquals("streamed", r.field("other").get(0).get("not").asText());
        assertNull(r.field("conversations"));
    }

    @Test
    void escapedFieldNamesAreDecoded() throws IOException {
        Map<String, JsonNode> fields = new HashMap<>();
        assertEquals(List.of("{}"), scan(RawJsonScanner.of("results"),
                bytes("{\"res\\u0075lts\":[{}],\"a\\\"b\":2}"), fields));
        assertEquals(2, fields.get("a\"b").asInt());
    }

    @Test
    void prettyPrintedElementsAreCompactedToOneLine() throws IOException {
        String doc = "{\"results\":[{\n  \"a\" : \"x  y\\\" \\n z\",\n  \"b\" : [ 1 , 2 ]\n}]}";
        assertEquals(List.of("{\"a\":\"x  y\\\" \\n z\",\"b\":[1,2]}"), scan(RawJsonScanner.of("results"), bytes(doc), null));
    }

    @Test
    void elementsMatchWhatJacksonReadsFromARandomDocument() throws IOException {
        Random random = new Random(42);
        StringBuilder doc = new StringBuilder("{\"head\":1,\"results\":[");
        List<JsonNode> expected = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String element = randomValue(random, 0);
            expected.add(MAPPER.readTree(element));
            doc.append(i == 0 ? "" : ",").append(element);
        }
        doc.append("],\"tail\":\"end\"}");
        List<String> records = scan(RawJsonScanner.of("results").withBufferSize(37), bytes(doc.toString()), null);
        assertEquals(expected.size(), records.size());
        for (int i = 0; i < records.size(); i++) {
            assertEquals(expected.get(i), MAPPER.readTree(records.get(i)), "element " + i);
        }
    }

    @Test
    void everyTruncationIsReportedWithAnOffsetInsideTheInput() {
        byte[] doc = DOC.trim().getBytes(StandardCharsets.UTF_8);
        for (int cut = 0; cut < doc.length; cut++) {
            byte[] prefix = java.util.Arrays.copyOf(doc, cut);
            MalformedJsonException e = assertThrows(MalformedJsonException.class,
                    () -> scan(RawJsonScanner.of("results").withBufferSize(16), prefix, null), "cut at " + cut);
            assertTrue(e.offset() >= 0 && e.offset() <= cut, "offset " + e.offset() + " for cut " + cut);
        }
    }

    @Test
    void malformedDocumentsNameTheOffset() {
        assertMalformed("{\"results\":[{\"a\":[}]}", 18);
        assertMalformed("{\"results\":[{\"a\":1} {\"b\":2}]}", 20);
        assertMalformed("{\"results\":[]} x", 15);
        assertMalformed("[{\"a\":1}]", 0);
        assertMalformed("{\"results\":[{\"a\":\"line\nbreak\"}]}", 22);
        assertMalformed("{\"results\":[tru]}", 12);
        assertMalformed("{\"results\":[1,]}", 14);
        assertMalformed("{\"q\":1 \"r\":2}", 7);
        assertMalformed("{\"q\" 1}", 5);
        assertMalformed("", 0);
        MalformedJsonException e = assertThrows(MalformedJsonException.class,
                () -> scan(RawJsonScanner.of("results"), bytes("{\"q\":{\"a\":}}"), null));
        assertEquals(5, e.offset());
    }

    @Test
    void validatingModeRejectsElementsThatOnlyLookBalanced() throws IOException {
        byte[] doc = bytes("{\"results\":[{\"a\":1},{\"a\":}]}");
        assertEquals(2, scan(RawJsonScanner.of("results"), doc, null).size());
        MalformedJsonException e = assertThrows(MalformedJsonException.class,
                () -> scan(RawJsonScanner.of("results").validating(true), doc, null));
        assertEquals(20, e.offset());
    }

    @Test
    void sinkFailuresPropagate() {
        IOException boom = new IOException("disk full");
        IOException thrown = assertThrows(IOException.class, () -> RawJsonScanner.of("results")
                .scan(new ByteArrayInputStream(bytes("{\"results\":[1]}")), (b, o, l) -> {
                    throw boom;
                }));
        assertEquals(boom, thrown);
    }

    private static void assertMalformed(String doc, long offset) {
        MalformedJsonException e = assertThrows(MalformedJsonException.class,
                () -> scan(RawJsonScanner.of("results"), bytes(doc), null), doc);
        assertEquals(offset, e.offset(), e.getMessage());
    }

    private static String randomValue(Random r, int depth) {
        int kind = depth > 3 ? r.nextInt(4) : r.nextInt(6);
        return switch (kind) {
            case 0 -> String.valueOf(r.nextInt(2_000_000) - 1_000_000);
            case 1 -> r.nextBoolean() ? "true" : "null";
            case 2, 3 -> randomString(r);
            case 4 -> {
                StringBuilder sb = new StringBuilder("{");
                int n = r.nextInt(5);
                for (int i = 0; i < n; i++) {
                    sb.append(i == 0 ? "" : ",").append(randomString(r)).append(r.nextBoolean() ? ":" : " : ")
                            .append(randomValue(r, depth + 1));
                }
                yield sb.append("}").toString();
            }
            default -> {
                StringBuilder sb = new StringBuilder("[");
                int n = r.nextInt(5);
                for (int i = 0; i < n; i++) {
                    sb.append(i == 0 ? "" : r.nextBoolean() ? "," : " ,\t").append(randomValue(r, depth + 1));
                }
                yield sb.append("]").toString();
            }
        };
    }

    private static String randomString(Random r) {
        String[] parts = {"a", "\\\"", "\\\\", "\\u00e9", "é", "€", "𝄞", "{", "}", "[", "]", ",", ":", " ", "\\n", "\\/"};
        StringBuilder sb = new StringBuilder("\"");
        int n = r.nextInt(8);
        for (int i = 0; i < n; i++) {
            sb.append(parts[r.nextInt(parts.length)]);
        }
        return sb.append('"').toString();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** An input stream that returns at most one byte per read, as a slow network might. */
    private static InputStream trickle(byte[] doc) {
        return new ByteArrayInputStream(doc) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1));
            }
        };
    }
}
