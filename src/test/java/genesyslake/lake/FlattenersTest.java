package genesyslake.lake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import genesyslake.testsupport.UnitTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ensures conversation and user-detail records flatten into rows with stable columns, nulls and computed durations. */
@UnitTest
class FlattenersTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    static final String CONVERSATION = """
            {"conversationId":"c-1","conversationStart":"2026-11-20T23:58:00.000Z",
             "conversationEnd":"2026-11-21T00:03:00.500Z","originatingDirection":"inbound","divisionIds":["d"],
             "futureField":{"x":1},
             "participants":[
              {"participantId":"p-cust","participantName":"Jane \\"JD\\" Doe","purpose":"customer",
               "sessions":[{"mediaType":"voice","sessionId":"s-1","direction":"inbound","ani":"tel:+1555","dnis":"tel:+1800",
                 "metrics":[{"name":"nConnected","value":1,"emitDate":"2026-11-20T23:58:01.000Z"}],
                 "segments":[
                   {"segmentStart":"2026-11-20T23:58:00.000Z","segmentEnd":"2026-11-20T23:58:30.250Z","segmentType":"system"},
                   {"segmentStart":"2026-11-20T23:58:30.250Z","segmentEnd":"2026-11-21T00:03:00.500Z","segmentType":"interact",
                    "disconnectType":"endpoint"}]}]},
              {"participantId":"p-agent","purpose":"agent","userId":"u-9",
               "sessions":[{"mediaType":"voice","sessionId":"s-2",
                 "segments":[
                   {"segmentStart":"2026-11-20T23:59:00.000Z","segmentEnd":"2026-11-21T00:02:00.000Z","segmentType":"interact",
                    "queueId":"q-1","direction":"outbound","wrapUpCode":"wc-1"},
                   {"segmentStart":"2026-11-21T00:02:00.000Z","segmentType":"brandNewSegmentType","queueId":"q-1"}]}]},
              {"participantId":"p-ivr","purpose":"ivr","sessions":[{"sessionId":"s-3"}]}]}
            """;

    static final String USER = """
            {"userId":"u-9","futureField":true,
             "primaryPresence":[
              {"startTime":"2021-04-26T15:55:52.163Z","endTime":"2021-04-26T16:26:20.851Z","systemPresence":"AVAILABLE",
               "organizationPresenceId":"6a3af858"},
              {"startTime":"2021-04-26T21:36:53.702Z","systemPresence":"SOME_NEW_PRESENCE","organizationPresenceId":"ccf3"}],
             "routingStatus":[
              {"startTime":"2021-04-26T23:59:59.000Z","endTime":"2021-04-27T00:00:01.000Z","routingStatus":"IDLE"},
              {"startTime":"2021-04-27T00:00:01.000Z","routingStatus":"INTERACTING"}]}
            """;

    record Row(String date, JsonNode json, String raw) {
    }

    private static RowSink collect(List<Row> rows) {
        return (date, buf, off, len) -> {
            String raw = new String(buf, off, len, StandardCharsets.UTF_8);
            rows.add(new Row(date, MAPPER.readTree(raw), raw));
        };
    }

    private static List<String> names(JsonNode row) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = row.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    @Test
    void oneRowPerSegmentWithAllColumnsInOrder() throws IOException {
        List<Row> rows = new ArrayList<>();
        int n = new ConversationFlattener().flatten(CONVERSATION.getBytes(StandardCharsets.UTF_8), collect(rows));
        assertEquals(4, n);
        assertEquals(4, rows.size());
        for (Row r : rows) {
            assertEquals(ConversationFlattener.COLUMNS, names(r.json()));
            assertEquals("2026-11-20", r.date());
            assertTrue(!r.raw().contains("\n") && !r.raw().contains(" :"), "compact single line: " + r.raw());
            assertEquals("c-1", r.json().get("conversationId").asText());
            assertEquals("2026-11-21T00:03:00.500Z", r.json().get("conversationEnd").asText());
            assertEquals("inbound", r.json().get("originatingDirection").asText());
        }
        JsonNode cust = rows.get(0).json();
        assertEquals("Jane \"JD\" Doe", cust.get("participantName").asText());
        assertEquals("tel:+1555", cust.get("ani").asText());
        assertEquals("inbound", cust.get("direction").asText());
        assertEquals(30_250, cust.get("segmentDurationMs").asLong());
        assertTrue(cust.get("userId").isNull());
        assertTrue(cust.get("queueId").isNull());
        assertEquals("endpoint", rows.get(1).json().get("disconnectType").asText());

        JsonNode agent = rows.get(2).json();
        assertEquals("u-9", agent.get("userId").asText());
        assertEquals("outbound", agent.get("direction").asText(), "segment direction used when the session has none");
        assertEquals("wc-1", agent.get("wrapUpCode").asText());
        assertEquals(180_000, agent.get("segmentDurationMs").asLong());
        assertTrue(agent.get("participantName").isNull());

        JsonNode open = rows.get(3).json();
        assertEquals("brandNewSegmentType", open.get("segmentType").asText(), "unknown enum values pass through");
        assertTrue(open.get("segmentEnd").isNull());
        assertTrue(open.get("segmentDurationMs").isNull());
    }

    @Test
    void partitionDateIsTheUtcDateOfConversationStart() throws IOException {
        byte[] rec = CONVERSATION.getBytes(StandardCharsets.UTF_8);
        assertEquals("2026-11-20", ConversationFlattener.partitionDate(rec));
        assertEquals("2026-11-21",
                ConversationFlattener.partitionDate("{\"conversationStart\":\"2026-11-20T20:00:00-05:00\"}".getBytes()));
        assertThrows(IOException.class, () -> ConversationFlattener.partitionDate("{\"x\":1}".getBytes()));
        assertThrows(IOException.class, () -> new ConversationFlattener().flatten("{\"x\":1}".getBytes(), (d, b, o, l) -> { }));
    }

    @Test
    void conversationWithoutParticipantsGivesNoRows() throws IOException {
        List<Row> rows = new ArrayList<>();
        assertEquals(0, new ConversationFlattener().flatten(
                "{\"conversationId\":\"c\",\"conversationStart\":\"2026-01-01T00:00:00Z\"}".getBytes(), collect(rows)));
        assertTrue(rows.isEmpty());
    }

    @Test
    void userDetailsGivePresenceAndRoutingRows() throws IOException {
        List<Row> presence = new ArrayList<>();
        List<Row> routing = new ArrayList<>();
        byte[] rec = USER.getBytes(StandardCharsets.UTF_8);
        assertEquals(4, new UserDetailsFlattener().flatten(rec, 0, rec.length, collect(presence), collect(routing)));

        assertEquals(2, presence.size());
        for (Row r : presence) {
            assertEquals(UserDetailsFlattener.PRESENCE_COLUMNS, names(r.json()));
            assertEquals("u-9", r.json().get("userId").asText());
            assertEquals("2021-04-26", r.date());
        }
        assertEquals(1_828_688, presence.get(0).json().get("durationMs").asLong());
        assertEquals("AVAILABLE", presence.get(0).json().get("systemPresence").asText());
        assertTrue(presence.get(1).json().get("endTime").isNull(), "open interval keeps endTime null");
        assertTrue(presence.get(1).json().get("durationMs").isNull());
        assertEquals("SOME_NEW_PRESENCE", presence.get(1).json().get("systemPresence").asText());

        assertEquals(2, routing.size());
        for (Row r : routing) {
            assertEquals(UserDetailsFlattener.ROUTING_COLUMNS, names(r.json()));
        }
        assertEquals("2021-04-26", routing.get(0).date());
        assertEquals(2_000, routing.get(0).json().get("durationMs").asLong());
        assertEquals("2021-04-27", routing.get(1).date());
        assertEquals("INTERACTING", routing.get(1).json().get("routingStatus").asText());
        assertTrue(routing.get(1).json().get("endTime").isNull());
    }

    @Test
    void userWithoutIntervalsGivesNoRows() throws IOException {
        List<Row> rows = new ArrayList<>();
        byte[] rec = "{\"userId\":\"u\"}".getBytes();
        UserDetailsFlattener f = new UserDetailsFlattener();
        assertEquals(0, f.presenceRows(rec, 0, rec.length, collect(rows)));
        assertEquals(0, f.routingStatusRows(rec, 0, rec.length, collect(rows)));
        assertTrue(rows.isEmpty());
    }
}
