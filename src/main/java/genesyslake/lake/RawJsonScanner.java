package genesyslake.lake;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Streams a JSON document whose top level is an object, handing the exact bytes of each element of the chosen
 * top-level arrays to a sink and returning every other top-level field; memory is bounded by the largest single
 * element, never the document.
 *
 * <p>Elements are passed through byte for byte. The one exception: an element that contains a line break between
 * tokens (pretty-printed input) has its whitespace outside strings removed, because an NDJSON line cannot hold a
 * line break; Genesys sends compact JSON, so this does not happen in practice. The outer structure is checked fully;
 * inside elements the scanner checks strings, escapes, control characters and bracket nesting (which is what
 * truncation breaks), and {@link #validating(boolean)} adds a full Jackson parse of every element.
 */
public final class RawJsonScanner {

    /** Receives one array element; the bytes are only valid during the call. */
    @FunctionalInterface
    public interface RecordSink {
        void record(byte[] buf, int off, int len) throws IOException;
    }

    /** What a scan saw besides the streamed elements: the other top-level fields and the element count per array. */
    public record Result(Map<String, JsonNode> fields, Map<String, Long> records) {

        /** The top-level field of that name, or null when absent. */
        public JsonNode field(String name) {
            return fields.get(name);
        }

        /** Text of a top-level field, or null when absent or JSON null. */
        public String text(String name) {
            JsonNode node = fields.get(name);
            return node == null || node.isNull() ? null : node.asText();
        }

        /** Elements streamed from that array (0 when the array was absent or empty). */
        public long records(String arrayField) {
            return records.getOrDefault(arrayField, 0L);
        }

        public long totalRecords() {
            return records.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int DEFAULT_BUFFER = 64 * 1024;
    /** Bytes that end a run of ordinary bytes inside a string: quote, backslash, control characters. */
    private static final byte[] STRING_STOP = new byte[256];
    /** Bytes that matter between strings inside a value: quote, brackets, line breaks. */
    private static final byte[] STRUCTURE_STOP = new byte[256];

    static {
        for (int i = 0; i < 0x20; i++) {
            STRING_STOP[i] = 1;
        }
        STRING_STOP['"'] = 1;
        STRING_STOP['\\'] = 1;
        for (char c : new char[] {'"', '{', '[', '}', ']', '\n', '\r'}) {
            STRUCTURE_STOP[c] = 1;
        }
    }

    private final Set<String> arrayFields;
    private final int bufferSize;
    private final boolean validating;

    public RawJsonScanner(Set<String> arrayFields) {
        this(arrayFields, DEFAULT_BUFFER, false);
    }

    public RawJsonScanner(Set<String> arrayFields, int bufferSize, boolean validating) {
        if (bufferSize < 16) {
            throw new IllegalArgumentException("bufferSize must be at least 16");
        }
        this.arrayFields = Set.copyOf(arrayFields);
        this.bufferSize = bufferSize;
        this.validating = validating;
    }

    public static RawJsonScanner of(String... arrayFields) {
        return new RawJsonScanner(Set.of(arrayFields));
    }

    /** A scanner like this one with a different initial buffer size (it still grows for a larger element). */
    public RawJsonScanner withBufferSize(int size) {
        return new RawJsonScanner(arrayFields, size, validating);
    }

    /** A scanner like this one that also parses every element with Jackson to reject malformed ones (slower). */
    public RawJsonScanner validating(boolean on) {
        return new RawJsonScanner(arrayFields, bufferSize, on);
    }

    /** Streams the elements of all configured arrays to one sink. */
    public Result scan(InputStream in, RecordSink sink) throws IOException {
        return scan(in, field -> sink);
    }

    /** Streams the elements of each configured array to the sink chosen for that array's field name. */
    public Result scan(InputStream in, Function<String, RecordSink> sinks) throws IOException {
        return new Pass(in, sinks).run();
    }

    /** State of one scan, so a scanner can be shared between threads. */
    private final class Pass {
        private final InputStream in;
        private final Function<String, RecordSink> sinks;
        private final Map<String, JsonNode> fields = new LinkedHashMap<>();
        private final Map<String, Long> counts = new LinkedHashMap<>();
        private byte[] buf = new byte[bufferSize];
        private int pos;
        private int limit;
        /** Document offset of buf[0]. */
        private long base;
        /** Start of the value being captured, kept in the buffer across refills; -1 when not capturing. */
        private int mark = -1;
        private boolean eof;
        private byte[] closers = new byte[32];
        private boolean lineBreakInValue;
        private byte[] compacted = new byte[0];

        Pass(InputStream in, Function<String, RecordSink> sinks) {
            this.in = in;
            this.sinks = sinks;
        }

        Result run() throws IOException {
            int c = nextNonWs();
            if (c != '{') {
                throw error(c < 0 ? "empty document" : "expected '{': the top level must be an object");
            }
            pos++;
            c = expectNonWs("a field name or '}'");
            if (c == '}') {
                pos++;
            } else {
                for (;;) {
                    if (c != '"') {
                        throw error("expected a field name");
                    }
                    String key = readKey();
                    if (expectNonWs("':'") != ':') {
                        throw error("expected ':' after field \"" + key + "\"");
                    }
                    pos++;
                    c = expectNonWs("a value");
                    if (c == '[' && arrayFields.contains(key)) {
                        streamArray(key);
                    } else {
                        captureValue();
                        fields.put(key, parseCaptured());
                        mark = -1;
                    }
                    c = expectNonWs("',' or '}'");
                    if (c == '}') {
                        pos++;
                        break;
                    }
                    if (c != ',') {
                        throw error("expected ',' or '}' after field \"" + key + "\"");
                    }
                    pos++;
                    c = expectNonWs("a field name");
                }
            }
            if (nextNonWs() >= 0) {
                throw error("unexpected data after the top-level object");
            }
            return new Result(Collections.unmodifiableMap(fields), Collections.unmodifiableMap(counts));
        }

        private void streamArray(String key) throws IOException {
            RecordSink sink = sinks.apply(key);
            long n = 0;
            pos++;
            int c = expectNonWs("an element or ']'");
            if (c == ']') {
                pos++;
            } else {
                do {
                    n++;
                } while (nextElement(sink, key));
            }
            counts.merge(key, n, Long::sum);
        }

        /**
         * Streams one element and consumes the separator after it; false after the closing ']'. This is a method of
         * its own so the JIT compiles the per-element work early instead of waiting to OSR-compile one long loop.
         */
        private boolean nextElement(RecordSink sink, String key) throws IOException {
            captureValue();
            emit(sink);
            int c = expectNonWs("',' or ']'");
            pos++;
            if (c == ']') {
                return false;
            }
            if (c != ',') {
                pos--;
                throw error("expected ',' or ']' in array \"" + key + "\"");
            }
            expectNonWs("an element");
            return true;
        }

        private void emit(RecordSink sink) throws IOException {
            int len = pos - mark;
            if (validating) {
                validate(mark, len);
            }
            if (lineBreakInValue) {
                int n = compact(mark, len);
                mark = -1;
                sink.record(compacted, 0, n);
            } else {
                int off = mark;
                mark = -1;
                sink.record(buf, off, len);
            }
        }

        /** Copies the value without whitespace outside strings into {@code compacted}; returns its length. */
        private int compact(int off, int len) {
            if (compacted.length < len) {
                compacted = new byte[len];
            }
            int n = 0;
            boolean inString = false;
            for (int i = off, end = off + len; i < end; i++) {
                byte ch = buf[i];
                if (inString) {
                    if (ch == '\\') {
                        compacted[n++] = ch;
                        ch = buf[++i];
                    } else if (ch == '"') {
                        inString = false;
                    }
                } else if (ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t') {
                    continue;
                } else if (ch == '"') {
                    inString = true;
                }
                compacted[n++] = ch;
            }
            return n;
        }

        private void validate(int off, int len) throws IOException {
            try (JsonParser p = MAPPER.getFactory().createParser(buf, off, len)) {
                while (p.nextToken() != null) {
                    // a full parse is the validation
                }
            } catch (JsonProcessingException e) {
                throw new MalformedJsonException("malformed element (" + e.getOriginalMessage() + ")", base + off);
            }
        }

        private JsonNode parseCaptured() throws IOException {
            try {
                return MAPPER.readTree(buf, mark, pos - mark);
            } catch (JsonProcessingException e) {
                throw new MalformedJsonException("malformed value (" + e.getOriginalMessage() + ")", base + mark);
            }
        }

        private String readKey() throws IOException {
            mark = pos;
            pos++;
            boolean escaped = scanStringBody();
            int off = mark;
            int len = pos - mark;
            mark = -1;
            if (!escaped) {
                return new String(buf, off + 1, len - 2, StandardCharsets.UTF_8);
            }
            try {
                return MAPPER.readValue(buf, off, len, String.class);
            } catch (JsonProcessingException e) {
                throw new MalformedJsonException("malformed field name (" + e.getOriginalMessage() + ")", base + off);
            }
        }

        /** Captures one value starting at pos into buf[mark, pos). */
        private void captureValue() throws IOException {
            mark = pos;
            lineBreakInValue = false;
            byte c = buf[pos];
            if (c == '{' || c == '[') {
                scanContainer();
            } else if (c == '"') {
                pos++;
                scanStringBody();
            } else {
                scanLiteral();
            }
        }

        /** From just after an opening quote to just after the closing one; returns whether it saw an escape. */
        private boolean scanStringBody() throws IOException {
            boolean escaped = false;
            for (;;) {
                byte[] b = buf;
                int p = pos;
                int lim = limit;
                while (p < lim) {
                    byte ch = b[p++];
                    if (ch == '"') {
                        pos = p;
                        return escaped;
                    }
                    if (ch == '\\') {
                        escaped = true;
                        if (p == lim) {
                            p--; // the escaped byte is not read yet: refill and look at the backslash again
                            break;
                        }
                        p++;
                    } else if (ch >= 0 && ch < 0x20) {
                        pos = p - 1;
                        throw error("unescaped control character in a string");
                    }
                }
                pos = p;
                if (!fill()) {
                    throw error("truncated document inside a string");
                }
            }
        }

        private void scanContainer() throws IOException {
            int depth = 0;
            boolean inString = false;
            boolean lineBreak = false;
            for (;;) {
                byte[] b = buf;
                int p = pos;
                int lim = limit;
                while (p < lim) {
                    if (inString) {
                        // Table lookups keep the common case (an ordinary byte) to one load and one branch.
                        while (p < lim && STRING_STOP[b[p] & 0xff] == 0) {
                            p++;
                        }
                        if (p == lim) {
                            break;
                        }
                        byte ch = b[p];
                        if (ch == '"') {
                            inString = false;
                            p++;
                        } else if (ch == '\\') {
                            if (p + 1 == lim) {
                                break; // the escaped byte is not read yet: refill and look at the backslash again
                            }
                            p += 2;
                        } else {
                            pos = p;
                            throw error("unescaped control character in a string");
                        }
                        continue;
                    }
                    while (p < lim && STRUCTURE_STOP[b[p] & 0xff] == 0) {
                        p++;
                    }
                    if (p == lim) {
                        break;
                    }
                    byte ch = b[p++];
                    switch (ch) {
                        case '"' -> inString = true;
                        case '{', '[' -> {
                            if (depth == closers.length) {
                                closers = Arrays.copyOf(closers, depth * 2);
                            }
                            closers[depth++] = (byte) (ch == '{' ? '}' : ']');
                        }
                        case '}', ']' -> {
                            if (depth == 0 || closers[--depth] != ch) {
                                pos = p - 1;
                                throw error("mismatched '" + (char) ch + "'");
                            }
                            if (depth == 0) {
                                pos = p;
                                lineBreakInValue = lineBreak;
                                return;
                            }
                        }
                        default -> lineBreak = true; // '\n' or '\r'
                    }
                }
                pos = p;
                if (!fill()) {
                    throw error("truncated document inside a value");
                }
            }
        }

        private void scanLiteral() throws IOException {
            for (;;) {
                while (pos < limit) {
                    byte ch = buf[pos];
                    if (ch == ',' || ch == ']' || ch == '}' || ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t') {
                        checkLiteral();
                        return;
                    }
                    pos++;
                }
                if (!fill()) {
                    throw error("truncated document after a literal");
                }
            }
        }

        private void checkLiteral() throws MalformedJsonException {
            int len = pos - mark;
            String text = new String(buf, mark, Math.min(len, 40), StandardCharsets.ISO_8859_1);
            boolean ok;
            if (len == 0) {
                ok = false;
            } else {
                byte first = buf[mark];
                if (first == 't' || first == 'f' || first == 'n') {
                    ok = text.equals("true") || text.equals("false") || text.equals("null");
                } else {
                    ok = true;
                    for (int i = mark; i < pos && ok; i++) {
                        byte ch = buf[i];
                        ok = (ch >= '0' && ch <= '9') || ch == '-' || ch == '+' || ch == '.' || ch == 'e' || ch == 'E';
                    }
                    ok &= first == '-' || (first >= '0' && first <= '9');
                }
            }
            if (!ok) {
                pos = mark;
                throw error("expected a value but found '" + text + "'");
            }
        }

        private int nextNonWs() throws IOException {
            for (;;) {
                while (pos < limit) {
                    byte ch = buf[pos];
                    if (ch != ' ' && ch != '\n' && ch != '\r' && ch != '\t') {
                        return ch & 0xff;
                    }
                    pos++;
                }
                if (!fill()) {
                    return -1;
                }
            }
        }

        private int expectNonWs(String what) throws IOException {
            int c = nextNonWs();
            if (c < 0) {
                throw error("truncated document: expected " + what);
            }
            return c;
        }

        /** Reads more input, keeping the captured value (or the unread bytes); false at end of input. */
        private boolean fill() throws IOException {
            if (eof) {
                return false;
            }
            int keep = mark >= 0 ? mark : pos;
            if (keep > 0) {
                System.arraycopy(buf, keep, buf, 0, limit - keep);
                base += keep;
                limit -= keep;
                pos -= keep;
                if (mark >= 0) {
                    mark = 0;
                }
            }
            if (limit == buf.length) {
                buf = Arrays.copyOf(buf, buf.length * 2); // one element is larger than the buffer
            }
            int n = in.read(buf, limit, buf.length - limit);
            if (n < 0) {
                eof = true;
                return false;
            }
            limit += n;
            return true;
        }

        private MalformedJsonException error(String problem) {
            return new MalformedJsonException(problem, base + pos);
        }
    }
}
