package genesyslake.query;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The folder query files live in ({@value #SETTING}): a file is read only when it lies inside that folder once its
 * path is normalised and its links resolved. What a file holds never appears in an error, since errors reach health,
 * the status page and recentRuns: they name the file, where in it (line and column) and what was expected there.
 */
public final class QueryFiles {

    public static final String SETTING = "lake.queries-dir";
    /** The shipped folder, relative to the working directory (for callers without settings: tests, tools). */
    public static final QueryFiles SHIPPED = new QueryFiles(Path.of("queries"));
    /** A query file is one small JSON object (the Query Builder's are a few kB); anything bigger is not one. */
    static final int MAX_BYTES = 1 << 20;

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * What Jackson's message says was expected, in our words: its message quotes the text it could not read, so only
     * these fixed phrases of it are used (first match wins), never the message itself.
     */
    private static final List<Map.Entry<String, String>> EXPECTED = List.of(
            Map.entry("end-of-input", "the file ends before the JSON does"),
            Map.entry("trailing token", "expected nothing after the JSON object"),
            Map.entry("colon to separate", "expected a colon after the field name"),
            Map.entry("comma to separate object", "expected a comma or } after a field"),
            Map.entry("comma to separate array", "expected a comma or ] after an array item"),
            Map.entry("double-quote to start field name", "expected a field name in double quotes"),
            Map.entry("close marker", "a closing bracket does not match the one it closes"),
            Map.entry("ctrl-char", "a control character (a line break, a tab) inside a string must be escaped"),
            Map.entry("character escape", "an invalid backslash escape inside a string"),
            Map.entry("utf-8", "the file is not UTF-8 text"),
            Map.entry("utf8", "the file is not UTF-8 text"),
            Map.entry("numeric value", "an invalid number"),
            Map.entry("leading zero", "an invalid number"),
            Map.entry("unrecognized token", "expected a value: a string, number, object, array, true, false or null"),
            Map.entry("non-standard token", "expected a value: a string, number, object, array, true, false or null"),
            Map.entry("expecting (json string", "expected a value: a string, number, object, array, true, false or null"),
            Map.entry("expected a valid value", "expected a value: a string, number, object, array, true, false or null"));

    /** What an interval field must hold (Interval's own message quotes the value, so it is not passed on). */
    static final String INTERVAL_EXPECTED = "is not an interval: use start/end with the end after the start, each an "
            + "ISO-8601 date (2026-10-01), month (2026-10) or instant (2026-10-01T00:00:00Z), or one of: last full month, "
            + "last full week, last full day, yesterday, today";

    private final Path root;

    public QueryFiles(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** Reads and checks a detail query file of this folder. */
    public DetailsQuery details(Path file, DetailsQuery.Kind kind) {
        return DetailsQuery.load(this, file, kind);
    }

    /** Reads and checks a usage query file of this folder. */
    public UsageQuery usage(Path file, Clock clock) {
        return UsageQuery.load(this, file, clock);
    }

    /** A query file's text and its tree, so that a check can say where in the file a field is. */
    record Source(Path file, byte[] bytes, ObjectNode root) {

        /** A field at fault, named by its path in the query ({@code segmentFilters[0].predicates[1].operator}). */
        QueryFileException fault(String field, String problem) {
            return new QueryFileException(file, field, locate(bytes, pointer(field)), problem);
        }

        /** A top-level field at fault whose name is not ours to repeat: only where it is. */
        QueryFileException unnamedFault(String name, String problem) {
            return new QueryFileException(file, null, locate(bytes, JsonPointer.empty().appendProperty(name)), problem);
        }
    }

    /** Reads a file of this folder that must hold one JSON object ({@code expected} says which). */
    Source read(Path file, String expected) {
        Path real = confine(file);
        byte[] bytes;
        try {
            if (!Files.isRegularFile(real)) {
                throw new QueryFileException(file, "is not a regular file");
            }
            try (InputStream in = Files.newInputStream(real)) {
                bytes = in.readNBytes(MAX_BYTES + 1);
            }
        } catch (IOException e) {
            throw new QueryFileException(file, "cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        if (bytes.length > MAX_BYTES) {
            throw new QueryFileException(file, "is larger than 1 MiB: a query file is one JSON object of a few kB");
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new QueryFileException(file, "is not valid JSON" + (at == null || at.getLineNr() < 1 ? ""
                    : " at line " + at.getLineNr() + ", column " + at.getColumnNr()) + " (" + expected(e) + ")");
        } catch (IOException e) {
            throw new QueryFileException(file, "cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        if (!(tree instanceof ObjectNode object)) {
            throw new QueryFileException(file, "must hold " + expected + " (it holds " + kindOf(tree) + ")");
        }
        return new Source(file, bytes, object);
    }

    /**
     * The file's real path when it lies inside the folder; otherwise a one-line refusal naming the folder and
     * {@value #SETTING}. A file that does not exist is judged by its normalised path.
     */
    Path confine(Path file) {
        Path rootReal;
        try {
            rootReal = root.toRealPath();
        } catch (IOException e) {
            throw new QueryFileException(file, "the query folder " + root.toAbsolutePath().normalize() + " (" + SETTING
                    + ") does not exist");
        }
        Path real;
        try {
            real = file.toRealPath();
        } catch (NoSuchFileException e) {
            Path normal = file.toAbsolutePath().normalize();
            if (!normal.startsWith(rootReal) && !normal.startsWith(root.toAbsolutePath().normalize())) {
                throw outside(file, rootReal);
            }
            throw new QueryFileException(file, "file not found (working directory " + Path.of("").toAbsolutePath() + ")");
        } catch (IOException e) {
            throw new QueryFileException(file, "cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        if (!real.startsWith(rootReal)) {
            throw outside(file, rootReal);
        }
        return real;
    }

    private static QueryFileException outside(Path file, Path rootReal) {
        return new QueryFileException(file, "outside the query folder " + rootReal + " (" + SETTING + "), so not read: "
                + "move it into that folder, or point " + SETTING + " at the folder that holds it");
    }

    private static String expected(JsonProcessingException e) {
        String m = String.valueOf(e.getOriginalMessage()).toLowerCase(Locale.ROOT);
        for (Map.Entry<String, String> phrase : EXPECTED) {
            if (m.contains(phrase.getKey())) {
                return phrase.getValue();
            }
        }
        return "expected JSON";
    }

    private static String kindOf(JsonNode tree) {
        if (tree == null || tree.isMissingNode()) {
            return "nothing";
        }
        return switch (tree.getNodeType()) {
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "true or false";
            case NULL -> "null";
            default -> "something else";
        };
    }

    /** {@code a.b[0].c} as a JSON pointer; our field paths hold only names of our own vocabulary and indexes. */
    static JsonPointer pointer(String field) {
        StringBuilder p = new StringBuilder();
        for (String part : field.split("\\.")) {
            int bracket = part.indexOf('[');
            p.append('/').append(bracket < 0 ? part : part.substring(0, bracket));
            while (bracket >= 0) {
                int close = part.indexOf(']', bracket);
                p.append('/').append(part, bracket + 1, close);
                bracket = part.indexOf('[', close);
            }
        }
        return JsonPointer.compile(p.toString());
    }

    /** "line L, column C" of the first token at the pointer (a field's name, or an array item), or null. */
    static String locate(byte[] bytes, JsonPointer at) {
        try (JsonParser p = JSON.getFactory().createParser(bytes)) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (p.getParsingContext().pathAsPointer().equals(at)) { // a field's name, or an array item's start
                    JsonLocation l = p.currentTokenLocation();
                    return "line " + l.getLineNr() + ", column " + l.getColumnNr();
                }
            }
        } catch (IOException e) {
            return null; // it parsed once already; a location is a courtesy
        }
        return null;
    }
}
