package genesyslake.lake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import genesyslake.local.genesys.GenesysDataset;
import genesyslake.local.genesys.LocalGenesysSettings;
import genesyslake.testsupport.UnitTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The byte-level flattener gives the same rows as a straightforward Jackson-tree flattener (the reference below, the
 * shape the flattener first had) on generated conversations and on awkward hand-written ones.
 */
@UnitTest
class ConversationFlattenerOracleTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The reference: whole record as a tree, rows as ObjectNodes; text values via asText. */
    static List<String> reference(byte[] record) throws IOException {
        JsonNode conv = MAPPER.readTree(record);
        JsonNode start = conv.get("conversationStart");
        String date = RawRecords.utcDate(start.asText());
        List<String> rows = new ArrayList<>();
        for (JsonNode p : conv.path("participants")) {
            for (JsonNode s : p.path("sessions")) {
                for (JsonNode g : s.path("segments")) {
                    ObjectNode row = MAPPER.createObjectNode();
                    row.put("conversationId", text(conv.get("conversationId")));
                    row.put("conversationStart", text(start));
                    row.put("conversationEnd", text(conv.get("conversationEnd")));
                    row.put("originatingDirection", text(conv.get("originatingDirection")));
                    row.put("participantId", text(p.get("participantId")));
                    row.put("participantName", text(p.get("participantName")));
                    row.put("purpose", text(p.get("purpose")));
                    row.put("userId", text(p.get("userId")));
                    row.put("sessionId", text(s.get("sessionId")));
                    row.put("mediaType", text(s.get("mediaType")));
                    for (String f : List.of("direction", "ani", "dnis")) {
                        JsonNode v = s.get(f);
                        row.put(f, text(v == null || v.isNull() ? g.get(f) : v));
                    }
                    String segStart = text(g.get("segmentStart"));
                    String segEnd = text(g.get("segmentEnd"));
                    row.put("segmentType", text(g.get("segmentType")));
                    row.put("segmentStart", segStart);
                    row.put("segmentEnd", segEnd);
                    row.put("segmentDurationMs", ConversationFlattener.durationMs(segStart, segEnd));
                    row.put("queueId", text(g.get("queueId")));
                    row.put("disconnectType", text(g.get("disconnectType")));
                    row.put("wrapUpCode", text(g.get("wrapUpCode")));
                    rows.add(date + " " + MAPPER.writeValueAsString(row));
                }
            }
        }
        return rows;
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() || n.isContainerNode() ? null : n.asText();
    }

    /** The flattener's rows, parsed and re-serialised so escaping differences do not count, only values. */
    static List<String> flattened(byte[] record) throws IOException {
        List<String> rows = new ArrayList<>();
        new ConversationFlattener().flatten(record, (date, buf, off, len) ->
                rows.add(date + " " + MAPPER.writeValueAsString(MAPPER.readTree(buf, off, len))));
        return rows;
    }

    @Test
    void sameRowsAsTheTreeFlattenerOnGeneratedConversations() throws IOException {
        GenesysDataset data = new GenesysDataset(LocalGenesysSettings.defaults().withConversationsPerDay(3_000));
        LocalDate day = LocalDate.of(2026, 11, 20);
        int rows = 0;
        ConversationFlattener reused = new ConversationFlattener(); // one instance across records, as the router uses it
        for (int i = 0; i < 3_000; i++) {
            byte[] rec = data.conversation(day, i);
            List<String> expected = reference(rec);
            assertEquals(expected, flattened(rec), "conversation " + i);
            List<String> again = new ArrayList<>();
            reused.flatten(rec, (d, b, o, l) -> again.add(d + " " + MAPPER.writeValueAsString(MAPPER.readTree(b, o, l))));
            assertEquals(expected, again, "conversation " + i + " with a reused flattener");
            rows += expected.size();
        }
        assertTrue(rows > 3 * 3_000, "several segments per conversation: " + rows);
    }

    @Test
    void sameRowsOnAwkwardRecords() throws IOException {
        List<String> records = List.of(
                FlattenersTest.CONVERSATION,
                // escapes, non-ASCII, numbers and booleans where strings are expected, containers and nulls
                """
                { "participants" : [ { "participantName" : "Z\\u00e9 \\\\ \\"q\\" \\n \\ud834\\udd1e 中文", "purpose" : 7,
                    "userId" : {"nested":[1,2,{"a":"]"}]}, "sessions" : [ { "sessionId" : true, "direction" : null,
                    "ani" : [], "segments" : [ { "segmentStart" : "2026-11-20T10:00:00Z", "segmentEnd" : 12,
                    "direction" : "inbound", "ani" : "tel:1", "queueId" : -15, "wrapUpCode" : false } ] } ] } ],
                  "conversationStart" : "2026-11-20T10:00:00.000\\u005a", "conversationId" : "c-\\/1" }
                """,
                // participants not an array; elements that are not objects; sessions without segments
                "{\"conversationStart\":\"2026-11-20T00:00:00Z\",\"participants\":{\"participantId\":\"p\"}}",
                "{\"conversationStart\":\"2026-11-20T00:00:00Z\",\"participants\":[1,\"x\",null,[],"
                        + "{\"sessions\":[{\"segments\":[]},{\"segments\":null},{\"segments\":[{},{\"segmentType\":\"a\"}]}]}]}",
                // conversation fields after the participants, segment fields before session fields
                "{\"participants\":[{\"sessions\":[{\"segments\":[{\"dnis\":\"seg\"}],\"dnis\":\"session\"}],"
                        + "\"participantId\":\"late\"}],\"conversationEnd\":\"2026-11-21T00:00:00Z\","
                        + "\"conversationStart\":\"2026-11-20T23:00:00Z\"}");
        for (String r : records) {
            byte[] rec = r.getBytes(StandardCharsets.UTF_8);
            assertEquals(reference(rec), flattened(rec), r);
        }
    }

    @Test
    void aNumberKeepsTheDigitsGenesysSent() throws IOException {
        // The one intended difference from the tree flattener, which would have written "-1500.0".
        byte[] rec = ("{\"conversationStart\":\"2026-11-20T00:00:00Z\",\"participants\":[{\"sessions\":[{\"segments\":"
                + "[{\"queueId\":-1.5e3}]}]}]}").getBytes(StandardCharsets.UTF_8);
        List<String> rows = flattened(rec);
        assertEquals(1, rows.size());
        assertTrue(rows.get(0).contains("\"queueId\":\"-1.5e3\""), rows.get(0));
    }

    @Test
    void malformedRecordsAreRefusedWithTheOffset() {
        for (String bad : List.of("{\"conversationStart\":\"2026-11-20T00:00:00Z\",\"participants\":[{]}",
                "{\"conversationStart\":\"2026-11-20T00:00:00Z\" \"x\":1}",
                "{\"conversationStart\":\"2026-11-20T00:00:00Z\",\"participants\":[{\"sessions\":[",
                "{\"conversationStart\":\"2026-11-20T00:00:00Z\",\"x\":\"unterminated}",
                "{\"conversationStart\":\"2026-11-20T00:00:00Z\",\"x\":@}")) {
            IOException e = assertThrows(IOException.class,
                    () -> new ConversationFlattener().flatten(bad.getBytes(StandardCharsets.UTF_8), (d, b, o, l) -> { }), bad);
            assertTrue(e.getMessage().contains("conversation record"), e.getMessage());
        }
    }
}
