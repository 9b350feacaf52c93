package genesyslake.lake;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Flattens one raw Genesys analytics conversation record into {@code conversation_segments} rows, one per segment
 * (participants[] → sessions[] → segments[]).
 *
 * <p>Every row has all {@link #COLUMNS} in the same order; a field Genesys did not send (or sent as null, an object
 * or an array) is JSON null, so Glue infers one stable schema. Scalars are written as JSON strings holding exactly
 * the bytes Genesys sent (unknown enum values pass through unchanged; a number keeps its digits); segmentDurationMs
 * is segmentEnd − segmentStart in milliseconds, null while the segment is open. direction, ani and dnis come from
 * the session, falling back to the segment (older API versions put them there).
 *
 * <p>The record is walked once at byte level: only the fields above are located, as byte ranges copied straight into
 * the row (a Jackson tree per record plus re-encoding every string was most of the export's CPU). Everything else,
 * metrics included, is skipped. Not thread-safe: one instance per thread.
 */
public final class ConversationFlattener {

    public static final List<String> COLUMNS = List.of("conversationId", "conversationStart", "conversationEnd",
            "originatingDirection", "participantId", "participantName", "purpose", "userId", "sessionId", "mediaType",
            "direction", "ani", "dnis", "segmentType", "segmentStart", "segmentEnd", "segmentDurationMs", "queueId",
            "disconnectType", "wrapUpCode");

    private static final ObjectMapper MAPPER = new ObjectMapper();

    // Kinds of a located value.
    private static final int ABSENT = 0;
    private static final int NULL = 1;
    private static final int STRING = 2; // range is the content between the quotes, still escaped
    private static final int ESCAPED_STRING = 3; // as STRING, contains a backslash escape
    private static final int SCALAR = 4; // number, true or false: range is the literal
    private static final int CONTAINER = 5;

    private static final byte[][] CONVERSATION = names("conversationId", "conversationStart", "conversationEnd",
            "originatingDirection", "participants");
    private static final int C_ID = 0, C_START = 1, C_END = 2, C_DIRECTION = 3, C_PARTICIPANTS = 4;
    private static final byte[][] PARTICIPANT = names("participantId", "participantName", "purpose", "userId",
            "sessions");
    private static final int P_SESSIONS = 4;
    private static final byte[][] SESSION = names("sessionId", "mediaType", "direction", "ani", "dnis", "segments");
    private static final int S_ID = 0, S_MEDIA = 1, S_DIRECTION = 2, S_ANI = 3, S_DNIS = 4, S_SEGMENTS = 5;
    private static final byte[][] SEGMENT = names("segmentType", "segmentStart", "segmentEnd", "queueId",
            "disconnectType", "wrapUpCode", "direction", "ani", "dnis");
    private static final int G_TYPE = 0, G_START = 1, G_END = 2, G_QUEUE = 3, G_DISCONNECT = 4, G_WRAPUP = 5,
            G_DIRECTION = 6, G_ANI = 7, G_DNIS = 8;

    private static final byte[][] COLUMN_NAMES = COLUMNS.stream()
            .map(c -> ("\"" + c + "\":").getBytes(StandardCharsets.US_ASCII)).toArray(byte[][]::new);

    /** Located values of one JSON object: kind, start and end offset per wanted field. */
    private static final class Fields {
        final int[] kind;
        final int[] start;
        final int[] end;
        int parent;

        Fields(int n) {
            kind = new int[n];
            start = new int[n];
            end = new int[n];
        }

        void clear(int parent) {
            Arrays.fill(kind, ABSENT);
            this.parent = parent;
        }
    }

    /** Reused per record: objects are recycled, only the counts reset. */
    private static final class Pool {
        final int width;
        final List<Fields> all = new ArrayList<>();
        int used;

        Pool(int width) {
            this.width = width;
        }

        Fields next(int parent) {
            if (used == all.size()) {
                all.add(new Fields(width));
            }
            Fields f = all.get(used++);
            f.clear(parent);
            return f;
        }
    }

    private final RowWriter writer = new RowWriter();
    private final Fields conversation = new Fields(CONVERSATION.length);
    private final Pool participants = new Pool(PARTICIPANT.length);
    private final Pool sessions = new Pool(SESSION.length);
    private final Pool segments = new Pool(SEGMENT.length);
    private byte[] b;
    private int pos;
    private int limit;

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
        b = buf;
        pos = off;
        limit = off + len;
        participants.used = 0;
        sessions.used = 0;
        segments.used = 0;
        conversation.clear(-1);
        if (ws() != '{') {
            throw new IOException("conversation record is not a JSON object");
        }
        readObject(conversation, CONVERSATION, 0);
        if (conversation.kind[C_START] != STRING && conversation.kind[C_START] != ESCAPED_STRING) {
            throw new IOException("conversation record has no conversationStart");
        }
        String date = RawRecords.utcDate(text(conversation, C_START));
        for (int i = 0; i < segments.used; i++) {
            Fields seg = segments.all.get(i);
            Fields ses = sessions.all.get(seg.parent);
            Fields par = participants.all.get(ses.parent);
            Long duration = durationMs(text(seg, G_START), text(seg, G_END));
            writer.start();
            value(0, conversation, C_ID);
            value(1, conversation, C_START);
            value(2, conversation, C_END);
            value(3, conversation, C_DIRECTION);
            value(4, par, 0);
            value(5, par, 1);
            value(6, par, 2);
            value(7, par, 3);
            value(8, ses, S_ID);
            value(9, ses, S_MEDIA);
            either(10, ses, S_DIRECTION, seg, G_DIRECTION);
            either(11, ses, S_ANI, seg, G_ANI);
            either(12, ses, S_DNIS, seg, G_DNIS);
            value(13, seg, G_TYPE);
            value(14, seg, G_START);
            value(15, seg, G_END);
            writer.column(COLUMN_NAMES[16]).number(duration);
            value(17, seg, G_QUEUE);
            value(18, seg, G_DISCONNECT);
            value(19, seg, G_WRAPUP);
            writer.emit(sink, date);
        }
        return segments.used;
    }

    public int flatten(byte[] record, RowSink sink) throws IOException {
        return flatten(record, 0, record.length, sink);
    }

    private void value(int column, Fields f, int i) {
        writer.column(COLUMN_NAMES[column]);
        switch (f.kind[i]) {
            case STRING, ESCAPED_STRING, SCALAR -> writer.quoted(b, f.start[i], f.end[i]);
            default -> writer.nullValue();
        }
    }

    /** The session's value unless absent or null there, then the segment's. */
    private void either(int column, Fields session, int si, Fields segment, int gi) {
        int k = session.kind[si];
        if (k == ABSENT || k == NULL) {
            value(column, segment, gi);
        } else {
            value(column, session, si);
        }
    }

    /** The value as text (escapes decoded), null when it is absent, null or a container. */
    private String text(Fields f, int i) throws IOException {
        return switch (f.kind[i]) {
            case STRING, SCALAR -> new String(b, f.start[i], f.end[i] - f.start[i], StandardCharsets.UTF_8);
            case ESCAPED_STRING -> MAPPER.readValue(b, f.start[i] - 1, f.end[i] - f.start[i] + 2, String.class);
            default -> null;
        };
    }

    // ---- byte-level walk

    /** Reads an object whose '{' was just consumed, locating the wanted fields; depth picks the level. */
    private void readObject(Fields into, byte[][] wanted, int depth) throws IOException {
        int c = ws();
        if (c == '}') {
            return;
        }
        while (true) {
            if (c != '"') {
                throw malformed("expected a field name");
            }
            int nameStart = pos;
            boolean escaped = skipStringBody();
            int field = escaped ? -1 : match(wanted, nameStart, pos - 1);
            if (ws() != ':') {
                throw malformed("expected ':'");
            }
            c = ws();
            boolean children = field >= 0 && isChildArray(depth, field);
            if (children && c == '[') {
                readChildren(depth);
            } else if (field >= 0 && !children) {
                locate(into, field, c);
            } else {
                skipValue(c);
            }
            c = ws();
            if (c == '}') {
                return;
            }
            if (c != ',') {
                throw malformed("expected ',' or '}'");
            }
            c = ws();
        }
    }

    private static boolean isChildArray(int depth, int field) {
        return (depth == 0 && field == C_PARTICIPANTS) || (depth == 1 && field == P_SESSIONS)
                || (depth == 2 && field == S_SEGMENTS);
    }

    /** Reads the participants, sessions or segments array whose '[' was just consumed. */
    private void readChildren(int depth) throws IOException {
        // The parent is the object being read one level up: the last participant or session taken from its pool.
        int parent = depth == 0 ? -1 : depth == 1 ? participants.used - 1 : sessions.used - 1;
        int c = ws();
        if (c == ']') {
            return;
        }
        while (true) {
            if (c == '{') {
                switch (depth) {
                    case 0 -> readObject(participants.next(parent), PARTICIPANT, 1);
                    case 1 -> readObject(sessions.next(parent), SESSION, 2);
                    default -> readObject(segments.next(parent), SEGMENT, 3);
                }
            } else {
                skipValue(c); // not an object: no rows, as a missing node would give none
            }
            c = ws();
            if (c == ']') {
                return;
            }
            if (c != ',') {
                throw malformed("expected ',' or ']'");
            }
            c = ws();
        }
    }

    /** Records where the value starting with c lies, and consumes it. */
    private void locate(Fields into, int field, int c) throws IOException {
        if (c == '"') {
            into.start[field] = pos;
            boolean escaped = skipStringBody();
            into.end[field] = pos - 1;
            into.kind[field] = escaped ? ESCAPED_STRING : STRING;
        } else if (c == '{' || c == '[') {
            skipValue(c);
            into.kind[field] = CONTAINER;
        } else {
            pos--;
            into.start[field] = pos;
            skipScalar();
            into.end[field] = pos;
            boolean isNull = into.end[field] - into.start[field] == 4 && b[into.start[field]] == 'n';
            into.kind[field] = isNull ? NULL : SCALAR;
        }
    }

    /** Consumes a value whose first byte c was already read. */
    private void skipValue(int c) throws IOException {
        if (c == '"') {
            skipStringBody();
        } else if (c == '{' || c == '[') {
            int depth = 1;
            while (depth > 0) {
                if (pos >= limit) {
                    throw malformed("unterminated object or array");
                }
                byte x = b[pos++];
                if (x == '"') {
                    skipStringBody();
                } else if (x == '{' || x == '[') {
                    depth++;
                } else if (x == '}' || x == ']') {
                    depth--;
                }
            }
        } else {
            pos--;
            skipScalar();
        }
    }

    private void skipScalar() throws IOException {
        int from = pos;
        while (pos < limit) {
            byte x = b[pos];
            if (x == ',' || x == '}' || x == ']' || x == ' ' || x == '\n' || x == '\r' || x == '\t') {
                break;
            }
            pos++;
        }
        if (pos == from) {
            throw malformed("expected a value");
        }
        byte first = b[from];
        if (!(first == '-' || (first >= '0' && first <= '9') || first == 't' || first == 'f' || first == 'n')) {
            throw malformed("unexpected character '" + (char) first + "'");
        }
    }

    /** Consumes a string whose opening quote was read, up to and including the closing quote; true if escaped. */
    private boolean skipStringBody() throws IOException {
        boolean escaped = false;
        while (pos < limit) {
            byte x = b[pos++];
            if (x == '"') {
                return escaped;
            }
            if (x == '\\') {
                escaped = true;
                pos++;
            } else if (x >= 0 && x < 0x20) {
                throw malformed("control character in a string");
            }
        }
        throw malformed("unterminated string");
    }

    /** The next non-whitespace byte, consumed; -1 at the end. */
    private int ws() {
        while (pos < limit) {
            byte x = b[pos++];
            if (x != ' ' && x != '\n' && x != '\r' && x != '\t') {
                return x;
            }
        }
        return -1;
    }

    private int match(byte[][] wanted, int from, int to) {
        int n = to - from;
        for (int i = 0; i < wanted.length; i++) {
            byte[] w = wanted[i];
            if (w.length == n && Arrays.equals(b, from, to, w, 0, n)) {
                return i;
            }
        }
        return -1;
    }

    private MalformedJsonException malformed(String problem) {
        return new MalformedJsonException("conversation record: " + problem, pos);
    }

    private static byte[][] names(String... names) {
        byte[][] out = new byte[names.length][];
        for (int i = 0; i < names.length; i++) {
            out[i] = names[i].getBytes(StandardCharsets.UTF_8);
        }
        return out;
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
