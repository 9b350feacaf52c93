package genesyslake.lake;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** Small operations on one raw JSON record's bytes that avoid parsing (or fully parsing) it. */
public final class RawRecords {

    private static final JsonFactory FACTORY = new JsonFactory();

    private RawRecords() {
    }

    /**
     * The record with {@code ,"name":"value"} inserted before its final {@code }} (no comma for {@code {}}); name and
     * value are JSON-escaped. The caller makes sure the record does not already have that field.
     */
    public static byte[] stampField(byte[] buf, int off, int len, String name, String value) throws IOException {
        int close = off + len - 1;
        while (close >= off && isWhitespace(buf[close])) {
            close--;
        }
        if (close < off || buf[close] != '}') {
            throw new IOException("not a JSON object: no final '}'");
        }
        int last = close - 1;
        while (last >= off && isWhitespace(buf[last])) {
            last--;
        }
        if (last < off) {
            throw new IOException("not a JSON object: no opening '{'");
        }
        boolean empty = buf[last] == '{' && last == firstNonWhitespace(buf, off, close);
        JsonStringEncoder enc = JsonStringEncoder.getInstance();
        byte[] n = enc.quoteAsUTF8(name);
        byte[] v = enc.quoteAsUTF8(value);
        int head = close - off;
        int extra = (empty ? 0 : 1) + n.length + v.length + 5;
        byte[] out = new byte[len + extra];
        System.arraycopy(buf, off, out, 0, head);
        int p = head;
        if (!empty) {
            out[p++] = ',';
        }
        out[p++] = '"';
        System.arraycopy(n, 0, out, p, n.length);
        p += n.length;
        out[p++] = '"';
        out[p++] = ':';
        out[p++] = '"';
        System.arraycopy(v, 0, out, p, v.length);
        p += v.length;
        out[p++] = '"';
        System.arraycopy(buf, close, out, p, off + len - close);
        return out;
    }

    /** Value of a top-level string field, or null when absent or not a string; nested values are skipped unread. */
    public static String topLevelString(byte[] buf, int off, int len, String field) throws IOException {
        try (JsonParser p = FACTORY.createParser(buf, off, len)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                boolean wanted = field.equals(p.currentName());
                JsonToken value = p.nextToken();
                if (wanted) {
                    return value == JsonToken.VALUE_STRING ? p.getText() : null;
                }
                p.skipChildren();
            }
            return null;
        }
    }

    /** UTC calendar date (yyyy-MM-dd) of an ISO-8601 instant such as {@code 2026-11-20T23:59:59.123Z}. */
    public static String utcDate(String isoInstant) {
        if (isoInstant == null) {
            throw new IllegalArgumentException("no timestamp");
        }
        try {
            return Instant.parse(isoInstant).atOffset(ZoneOffset.UTC).toLocalDate().toString();
        } catch (DateTimeParseException e) {
            return java.time.OffsetDateTime.parse(isoInstant).atZoneSameInstant(ZoneOffset.UTC).toLocalDate().toString();
        }
    }

    private static int firstNonWhitespace(byte[] buf, int from, int to) {
        int i = from;
        while (i < to && isWhitespace(buf[i])) {
            i++;
        }
        return i;
    }

    private static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }
}
