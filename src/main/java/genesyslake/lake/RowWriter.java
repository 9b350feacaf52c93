package genesyslake.lake;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes flat rows as compact JSON objects with a fixed column list; a column without a value is written as null.
 * Bytes go straight into one reused buffer (a Jackson generator per row was the flatteners' largest cost).
 */
final class RowWriter {

    private static final byte[] NULL = {'n', 'u', 'l', 'l'};
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private byte[] buf = new byte[1024];
    private int len;
    private boolean first;

    RowWriter start() {
        len = 0;
        first = true;
        put((byte) '{');
        return this;
    }

    /** Writes the node's text when it is a scalar, null when it is missing, null or a container. */
    RowWriter text(String column, JsonNode node) {
        name(column);
        if (node == null || node.isNull() || node.isContainerNode() || node.isMissingNode()) {
            putAll(NULL);
        } else {
            string(node.asText());
        }
        return this;
    }

    RowWriter text(String column, String value) {
        name(column);
        if (value == null) {
            putAll(NULL);
        } else {
            string(value);
        }
        return this;
    }

    RowWriter number(String column, Long value) {
        name(column);
        return number(value);
    }

    /** Starts a column from its pre-encoded {@code "name":} bytes; a value method must follow. */
    RowWriter column(byte[] quotedNameAndColon) {
        if (!first) {
            put((byte) ',');
        }
        first = false;
        putAll(quotedNameAndColon);
        return this;
    }

    /** A JSON string whose content is src[from, to), already valid escaped JSON string content, copied as is. */
    RowWriter quoted(byte[] src, int from, int to) {
        int n = to - from;
        ensure(n + 2);
        buf[len++] = '"';
        System.arraycopy(src, from, buf, len, n);
        len += n;
        buf[len++] = '"';
        return this;
    }

    RowWriter nullValue() {
        putAll(NULL);
        return this;
    }

    RowWriter number(Long value) {
        if (value == null) {
            putAll(NULL);
        } else {
            String digits = Long.toString(value);
            ensure(digits.length());
            for (int i = 0; i < digits.length(); i++) {
                buf[len++] = (byte) digits.charAt(i);
            }
        }
        return this;
    }

    void emit(RowSink sink, String partitionDate) throws IOException {
        put((byte) '}');
        sink.row(partitionDate, buf, 0, len);
    }

    private void name(String column) {
        if (!first) {
            put((byte) ',');
        }
        first = false;
        string(column);
        put((byte) ':');
    }

    /** A JSON string: ASCII copied, quote, backslash and control characters escaped, the rest as UTF-8. */
    private void string(String s) {
        int n = s.length();
        ensure(n * 6 + 2); // worst case: a six-byte escape per char (UTF-8 needs at most 3 bytes per char)
        byte[] b = buf;
        int p = len;
        b[p++] = '"';
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (c >= 0x20 && c != '"' && c != '\\') {
                    b[p++] = (byte) c;
                } else if (c >= 0x20) {
                    b[p++] = '\\';
                    b[p++] = (byte) c;
                } else {
                    p = control(b, p, c);
                }
            } else if (c < 0x800) {
                b[p++] = (byte) (0xc0 | (c >> 6));
                b[p++] = (byte) (0x80 | (c & 0x3f));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                b[p++] = (byte) (0xf0 | (cp >> 18));
                b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
                b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
                b[p++] = (byte) (0x80 | (cp & 0x3f));
            } else if (Character.isSurrogate(c)) {
                b[p++] = '?'; // a lone surrogate has no UTF-8 form; String.getBytes does the same
            } else {
                b[p++] = (byte) (0xe0 | (c >> 12));
                b[p++] = (byte) (0x80 | ((c >> 6) & 0x3f));
                b[p++] = (byte) (0x80 | (c & 0x3f));
            }
        }
        b[p++] = '"';
        len = p;
    }

    private static int control(byte[] b, int p, char c) {
        b[p++] = '\\';
        switch (c) {
            case '\n' -> b[p++] = 'n';
            case '\r' -> b[p++] = 'r';
            case '\t' -> b[p++] = 't';
            case '\b' -> b[p++] = 'b';
            case '\f' -> b[p++] = 'f';
            default -> {
                b[p++] = 'u';
                b[p++] = '0';
                b[p++] = '0';
                b[p++] = HEX[c >> 4];
                b[p++] = HEX[c & 0xf];
            }
        }
        return p;
    }

    private void put(byte c) {
        ensure(1);
        buf[len++] = c;
    }

    private void putAll(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, len, bytes.length);
        len += bytes.length;
    }

    private void ensure(int extra) {
        if (len + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
        }
    }
}
