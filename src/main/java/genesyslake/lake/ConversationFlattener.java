package genesyslake.lake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * Flattens one raw Genesys analytics conversation record into {@code conversation_segments} rows, one per segment
 * (participants[] → sessions[] → segments[]).
 *
 * <p>Every row has all {@link #COLUMNS} in the same order; a field Genesys did not send is JSON null, so Glue infers
 * one stable schema. Values are copied as text (unknown enum values pass through unchanged); segmentDurationMs is
 * segmentEnd − segmentStart in milliseconds, null while the segment is open. direction, ani and dnis come from the
 * session, falling back to the segment (older API versions put them there). Not thread-safe: one instance per thread.
 */
public final class ConversationFlattener {

    public static final List<String> COLUMNS = List.of("conversationId", "conversationStart", "conversationEnd",
            "originatingDirection", "participantId", "participantName", "purpose", "userId", "sessionId", "mediaType",
            "direction", "ani", "dnis", "segmentType", "segmentStart", "segmentEnd", "segmentDurationMs", "queueId",
            "disconnectType", "wrapUpCode");

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final RowWriter writer = new RowWriter();

    /** UTC date (yyyy-MM-dd) of the record's conversationStart; the record is not fully parsed. */
    public static String partitionDate(byte[] buf, int off, int len) throws IOException {
        String start = RawRecords.topLevelString(buf, off, len, "conversationStart");
        if (start == null) {
            throw new IOException("conversation record has no conversationStart");
        }
        return RawRecords.utcDate(start);
    }

    public static String partitionDate(byte[] record) throws IOException {
        return partitionDate(record, 0, record.length);
    }

    /** Emits one row per segment, each with the conversation's partition date; returns the number of rows. */
    public int flatten(byte[] buf, int off, int len, RowSink sink) throws IOException {
        JsonNode conv = MAPPER.readTree(buf, off, len);
        if (conv == null || !conv.isObject()) {
            throw new IOException("conversation record is not a JSON object");
        }
        JsonNode start = conv.get("conversationStart");
        if (start == null || !start.isTextual()) {
            throw new IOException("conversation record has no conversationStart");
        }
        String date = RawRecords.utcDate(start.asText());
        int rows = 0;
        for (JsonNode participant : conv.path("participants")) {
            for (JsonNode session : participant.path("sessions")) {
                for (JsonNode segment : session.path("segments")) {
                    String segStart = textOrNull(segment.get("segmentStart"));
                    String segEnd = textOrNull(segment.get("segmentEnd"));
                    writer.start()
                            .text("conversationId", conv.get("conversationId"))
                            .text("conversationStart", start)
                            .text("conversationEnd", conv.get("conversationEnd"))
                            .text("originatingDirection", conv.get("originatingDirection"))
                            .text("participantId", participant.get("participantId"))
                            .text("participantName", participant.get("participantName"))
                            .text("purpose", participant.get("purpose"))
                            .text("userId", participant.get("userId"))
                            .text("sessionId", session.get("sessionId"))
                            .text("mediaType", session.get("mediaType"))
                            .text("direction", either(session, segment, "direction"))
                            .text("ani", either(session, segment, "ani"))
                            .text("dnis", either(session, segment, "dnis"))
                            .text("segmentType", segment.get("segmentType"))
                            .text("segmentStart", segStart)
                            .text("segmentEnd", segEnd)
                            .number("segmentDurationMs", durationMs(segStart, segEnd))
                            .text("queueId", segment.get("queueId"))
                            .text("disconnectType", segment.get("disconnectType"))
                            .text("wrapUpCode", segment.get("wrapUpCode"))
                            .emit(sink, date);
                    rows++;
                }
            }
        }
        return rows;
    }

    public int flatten(byte[] record, RowSink sink) throws IOException {
        return flatten(record, 0, record.length, sink);
    }

    private static JsonNode either(JsonNode session, JsonNode segment, String field) {
        JsonNode v = session.get(field);
        return v == null || v.isNull() ? segment.get(field) : v;
    }

    static String textOrNull(JsonNode node) {
        return node == null || node.isNull() || node.isContainerNode() ? null : node.asText();
    }

    /** end − start in milliseconds; null when either is absent or not an ISO-8601 instant. */
    static Long durationMs(String start, String end) {
        if (start == null || end == null) {
            return null;
        }
        try {
            return RawRecords.epochMillis(end) - RawRecords.epochMillis(start);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
