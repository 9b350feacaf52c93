package genesyslake.lake;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
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
            return LocalDate.ofEpochDay(Math.floorDiv(epochMillis(isoInstant), 86_400_000L)).toString();
        } catch (DateTimeParseException e) {
            return java.time.OffsetDateTime.parse(isoInstant).atZoneSameInstant(ZoneOffset.UTC).toLocalDate().toString();
        }
    }

    /**
     * Epoch milliseconds of an ISO-8601 instant, as {@link Instant#parse} gives; the shapes Genesys sends
     * ({@code 2026-11-20T23:58:00Z}, {@code 2026-11-20T23:58:00.123Z}) are read without the formatter machinery,
     * which cost more than the rest of the flattening.
     *
     * @throws DateTimeParseException as Instant.parse does
     */
    public static long epochMillis(String iso) {
        int n = iso.length();
        if ((n == 20 || n == 24) && iso.charAt(n - 1) == 'Z' && iso.charAt(4) == '-' && iso.charAt(7) == '-'
                && iso.charAt(10) == 'T' && iso.charAt(13) == ':' && iso.charAt(16) == ':' && (n == 20 || iso.charAt(19) == '.')) {
            int year = digits(iso, 0, 4);
            int month = digits(iso, 5, 2);
            int day = digits(iso, 8, 2);
            int hour = digits(iso, 11, 2);
            int minute = digits(iso, 14, 2);
            int second = digits(iso, 17, 2);
            int millis = n == 24 ? digits(iso, 20, 3) : 0;
            if (year >= 0 && month >= 1 && month <= 12 && day >= 1
                    && (day <= 28 || day <= YearMonth.of(year, month).lengthOfMonth())
                    && hour <= 23 && minute <= 59 && second <= 59 && hour >= 0 && minute >= 0 && second >= 0 && millis >= 0) {
                long days = LocalDate.of(year, month, day).toEpochDay();
                return ((days * 24 + hour) * 60 + minute) * 60_000L + second * 1000L + millis;
            }
        }
        return Instant.parse(iso).toEpochMilli();
    }

    /** The non-negative number in s[from, from+count), or -1 when any of those chars is not a digit. */
    private static int digits(String s, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
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
