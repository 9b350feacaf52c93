package genesyslake.local.genesys;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A minimal compact JSON writer into a reusable byte array. For the values it offers it produces exactly the bytes
 * of Jackson's UTF-8 generator with default settings (so records keep their bytes), without Jackson's per-char
 * encoding work: field names are pre-encoded keys and timestamps are written as digits straight into the buffer.
 */
final class JsonBytes {

    private static final ThreadLocal<JsonBytes> LOCAL = ThreadLocal.withInitial(JsonBytes::new);

    private byte[] buf = new byte[16 * 1024];
    private int len;
    private boolean comma;
    private long isoDay = Long.MIN_VALUE;
    private final byte[] isoDate = new byte[10];

    /** This thread's writer, emptied. */
    static JsonBytes local() {
        JsonBytes w = LOCAL.get();
        w.reset();
        return w;
    }

    /** The pre-encoded form {@code "name":} of a field name. */
    static byte[] key(String name) {
        return ('"' + name + "\":").getBytes(StandardCharsets.UTF_8);
    }

    void reset() {
        len = 0;
        comma = false;
    }

    int size() {
        return len;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    void writeTo(OutputStream out) throws IOException {
        out.write(buf, 0, len);
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }

    private void separate() {
        if (comma) {
            ensure(1);
            buf[len++] = ',';
        }
    }

    void field(byte[] key) {
        separate();
        ensure(key.length);
        System.arraycopy(key, 0, buf, len, key.length);
        len += key.length;
        comma = false;
    }

    void startObject() {
        separate();
        ensure(1);
        buf[len++] = '{';
        comma = false;
    }

    void endObject() {
        ensure(1);
        buf[len++] = '}';
        comma = true;
    }

    void startArray() {
        separate();
        ensure(1);
        buf[len++] = '[';
        comma = false;
    }

    void endArray() {
        ensure(1);
        buf[len++] = ']';
        comma = true;
    }

    void string(String s) {
        separate();
        int n = s.length();
        ensure(n + 2);
        int p = len;
        buf[p++] = '"';
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7F || c == '"' || c == '\\') {
                escaped(s);
                return;
            }
            buf[p++] = (byte) c;
        }
        buf[p++] = '"';
        len = p;
        comma = true;
    }

    /** The slow path: Jackson's own generator writes a string that needs escaping or UTF-8 encoding. */
    private void escaped(String s) {
        ByteArrayOutputStream quoted = new ByteArrayOutputStream(s.length() * 3 + 2);
        try (JsonGenerator g = GenesysDataset.JSON.createGenerator(quoted)) {
            g.writeString(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ensure(quoted.size());
        System.arraycopy(quoted.toByteArray(), 0, buf, len, quoted.size());
        len += quoted.size();
        comma = true;
    }

    void number(long v) {
        ascii(Long.toString(v));
    }

    void number(double v) {
        ascii(Double.toString(v)); // what Jackson writes unless its fast double writer is enabled
    }

    private void ascii(String s) {
        separate();
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[len++] = (byte) s.charAt(i);
        }
        comma = true;
    }

    void stringField(byte[] key, String value) {
        field(key);
        string(value);
    }

    /** The field only when the value is not null. */
    void optional(byte[] key, String value) {
        if (value != null) {
            field(key);
            string(value);
        }
    }

    void numberField(byte[] key, long value) {
        field(key);
        number(value);
    }

    /** A quoted ISO-8601 UTC timestamp, the same text as {@link Det#iso(long)}. */
    void iso(long epochMs) {
        separate();
        ensure(26);
        long day = Math.floorDiv(epochMs, Det.DAY_MS);
        int msOfDay = (int) (epochMs - day * Det.DAY_MS);
        if (day != isoDay) {
            byte[] d = Det.iso(day * Det.DAY_MS).getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(d, 0, isoDate, 0, 10);
            isoDay = day;
        }
        byte[] b = buf;
        int p = len;
        b[p++] = '"';
        System.arraycopy(isoDate, 0, b, p, 10);
        p += 10;
        b[p++] = 'T';
        p = two(b, p, msOfDay / 3_600_000);
        b[p++] = ':';
        p = two(b, p, msOfDay / 60_000 % 60);
        b[p++] = ':';
        p = two(b, p, msOfDay / 1000 % 60);
        b[p++] = '.';
        int ms = msOfDay % 1000;
        b[p++] = (byte) ('0' + ms / 100);
        b[p++] = (byte) ('0' + ms / 10 % 10);
        b[p++] = (byte) ('0' + ms % 10);
        b[p++] = 'Z';
        b[p++] = '"';
        len = p;
        comma = true;
    }

    void isoField(byte[] key, long epochMs) {
        field(key);
        iso(epochMs);
    }

    private static int two(byte[] b, int p, int v) {
        b[p] = (byte) ('0' + v / 10);
        b[p + 1] = (byte) ('0' + v % 10);
        return p + 2;
    }
}
