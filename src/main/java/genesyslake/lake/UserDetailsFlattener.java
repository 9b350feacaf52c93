package genesyslake.lake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.List;

/**
 * Flattens one raw Genesys {@code userDetails} record into {@code user_presence} rows (from primaryPresence[]) and
 * {@code user_routing_status} rows (from routingStatus[]).
 *
 * <p>Every row has all columns of its table in a fixed order, JSON null where Genesys sent nothing; an open interval
 * (no endTime) keeps endTime and durationMs null. Each row's partition date is the UTC date of its startTime.
 * Status values are copied as text, so values unknown today pass through. Not thread-safe: one instance per thread.
 */
public final class UserDetailsFlattener {

    public static final List<String> PRESENCE_COLUMNS = List.of("userId", "startTime", "endTime", "durationMs",
            "systemPresence", "organizationPresenceId");
    public static final List<String> ROUTING_COLUMNS = List.of("userId", "startTime", "endTime", "durationMs",
            "routingStatus");

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final RowWriter writer = new RowWriter();

    /** Rows of both tables from one record; returns the number of rows. */
    public int flatten(byte[] buf, int off, int len, RowSink presence, RowSink routing) throws IOException {
        JsonNode user = parse(buf, off, len);
        return presence(user, presence) + routing(user, routing);
    }

    public int presenceRows(byte[] buf, int off, int len, RowSink sink) throws IOException {
        return presence(parse(buf, off, len), sink);
    }

    public int routingStatusRows(byte[] buf, int off, int len, RowSink sink) throws IOException {
        return routing(parse(buf, off, len), sink);
    }

    private int presence(JsonNode user, RowSink sink) throws IOException {
        int rows = 0;
        for (JsonNode p : user.path("primaryPresence")) {
            String start = interval(p);
            String end = textOrNull(p.get("endTime"));
            writer.start()
                    .text("userId", user.get("userId"))
                    .text("startTime", start)
                    .text("endTime", end)
                    .number("durationMs", ConversationFlattener.durationMs(start, end))
                    .text("systemPresence", p.get("systemPresence"))
                    .text("organizationPresenceId", p.get("organizationPresenceId"))
                    .emit(sink, RawRecords.utcDate(start));
            rows++;
        }
        return rows;
    }

    private int routing(JsonNode user, RowSink sink) throws IOException {
        int rows = 0;
        for (JsonNode r : user.path("routingStatus")) {
            String start = interval(r);
            String end = textOrNull(r.get("endTime"));
            writer.start()
                    .text("userId", user.get("userId"))
                    .text("startTime", start)
                    .text("endTime", end)
                    .number("durationMs", ConversationFlattener.durationMs(start, end))
                    .text("routingStatus", r.get("routingStatus"))
                    .emit(sink, RawRecords.utcDate(start));
            rows++;
        }
        return rows;
    }

    private static String interval(JsonNode entry) throws IOException {
        String start = textOrNull(entry.get("startTime"));
        if (start == null) {
            throw new IOException("userDetails interval without startTime: " + entry);
        }
        return start;
    }

    private static JsonNode parse(byte[] buf, int off, int len) throws IOException {
        JsonNode user = MAPPER.readTree(buf, off, len);
        if (user == null || !user.isObject()) {
            throw new IOException("userDetails record is not a JSON object");
        }
        return user;
    }

    private static String textOrNull(JsonNode node) {
        return node == null || node.isNull() || node.isContainerNode() ? null : node.asText();
    }
}
