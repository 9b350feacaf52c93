package genesyslake.local.aws;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Parses DuckDB type names (as DESCRIBE prints them) and renders them as Glue types or as string-only DuckDB types. */
final class DuckTypes {

    /** A parsed type: a scalar name, a STRUCT (fields), a LIST (element) or a MAP (key, value). */
    record Type(String name, List<Field> fields, Type element, Type key, Type value) {

        static Type scalar(String name) {
            return new Type(name, List.of(), null, null, null);
        }
    }

    record Field(String name, Type type) {
    }

    private final String text;
    private int pos;

    private DuckTypes(String text) {
        this.text = text;
    }

    static Type parse(String text) {
        DuckTypes parser = new DuckTypes(text);
        Type type = parser.type();
        parser.skipSpaces();
        if (parser.pos != text.length()) {
            throw new IllegalArgumentException("Unexpected text in DuckDB type at " + parser.pos + ": " + text);
        }
        return type;
    }

    /** Glue's name for a type a crawler would infer from JSON. */
    static String glue(Type t) {
        if (t.element() != null) {
            return "array<" + glue(t.element()) + ">";
        }
        if (t.key() != null) {
            return "map<" + glue(t.key()) + "," + glue(t.value()) + ">";
        }
        if (!t.fields().isEmpty()) {
            return t.fields().stream().map(f -> f.name() + ":" + glue(f.type()))
                    .collect(Collectors.joining(",", "struct<", ">"));
        }
        String n = t.name().toUpperCase(Locale.ROOT);
        if (n.matches("(U)?(BIGINT|INTEGER|SMALLINT|TINYINT|HUGEINT)")) {
            return "bigint";
        }
        if (n.equals("DOUBLE") || n.equals("FLOAT") || n.startsWith("DECIMAL")) {
            return "double";
        }
        if (n.equals("BOOLEAN")) {
            return "boolean";
        }
        return "string";
    }

    /**
     * Glue's name for a Parquet column's type, as a crawler registers it: Parquet keeps the real types (int32 is
     * {@code int}, timestamps are {@code timestamp}, decimals keep precision and scale), unlike JSON.
     */
    static String glueParquet(Type t) {
        if (t.element() != null) {
            return "array<" + glueParquet(t.element()) + ">";
        }
        if (t.key() != null) {
            return "map<" + glueParquet(t.key()) + "," + glueParquet(t.value()) + ">";
        }
        if (!t.fields().isEmpty()) {
            return t.fields().stream().map(f -> f.name() + ":" + glueParquet(f.type()))
                    .collect(Collectors.joining(",", "struct<", ">"));
        }
        String n = t.name().toUpperCase(Locale.ROOT);
        if (n.startsWith("DECIMAL")) {
            return n.toLowerCase(Locale.ROOT).replace(" ", "");
        }
        if (n.startsWith("TIMESTAMP")) {
            return "timestamp";
        }
        return switch (n) {
            case "BIGINT", "UBIGINT", "HUGEINT", "UINTEGER" -> "bigint";
            case "INTEGER", "USMALLINT" -> "int";
            case "SMALLINT", "UTINYINT" -> "smallint";
            case "TINYINT" -> "tinyint";
            case "DOUBLE" -> "double";
            case "FLOAT" -> "float";
            case "BOOLEAN" -> "boolean";
            case "DATE" -> "date";
            case "BLOB" -> "binary";
            default -> "string";
        };
    }

    /** The DuckDB type with dates, timestamps, times and UUIDs read as VARCHAR, as Glue's JSON tables see them. */
    static String stringly(Type t) {
        if (t.element() != null) {
            return stringly(t.element()) + "[]";
        }
        if (t.key() != null) {
            return "MAP(" + stringly(t.key()) + ", " + stringly(t.value()) + ")";
        }
        if (!t.fields().isEmpty()) {
            return t.fields().stream().map(f -> "\"" + f.name().replace("\"", "\"\"") + "\" " + stringly(f.type()))
                    .collect(Collectors.joining(", ", "STRUCT(", ")"));
        }
        String n = t.name().toUpperCase(Locale.ROOT);
        if (n.startsWith("DATE") || n.startsWith("TIME") || n.equals("UUID") || n.equals("NULL")) {
            return "VARCHAR";
        }
        return t.name();
    }

    private Type type() {
        skipSpaces();
        Type base;
        if (peekWord("STRUCT")) {
            pos += "STRUCT".length();
            expect('(');
            List<Field> fields = new ArrayList<>();
            do {
                skipSpaces();
                String name = identifier();
                fields.add(new Field(name, type()));
                skipSpaces();
            } while (accept(','));
            expect(')');
            base = new Type("STRUCT", fields, null, null, null);
        } else if (peekWord("MAP")) {
            pos += "MAP".length();
            expect('(');
            Type key = type();
            expect(',');
            Type value = type();
            expect(')');
            base = new Type("MAP", List.of(), null, key, value);
        } else {
            int start = pos;
            int depth = 0;
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (c == '(') {
                    depth++;
                } else if (c == ')') {
                    if (depth == 0) {
                        break;
                    }
                    depth--;
                } else if ((c == ',' || c == '[') && depth == 0) {
                    break;
                }
                pos++;
            }
            base = Type.scalar(text.substring(start, pos).trim());
        }
        skipSpaces();
        while (pos < text.length() && text.charAt(pos) == '[') {
            int close = text.indexOf(']', pos);
            pos = close + 1;
            base = new Type("LIST", List.of(), base, null, null);
            skipSpaces();
        }
        return base;
    }

    private String identifier() {
        if (text.charAt(pos) == '"') {
            StringBuilder sb = new StringBuilder();
            pos++;
            while (true) {
                char c = text.charAt(pos++);
                if (c == '"') {
                    if (pos < text.length() && text.charAt(pos) == '"') {
                        sb.append('"');
                        pos++;
                    } else {
                        return sb.toString();
                    }
                } else {
                    sb.append(c);
                }
            }
        }
        int start = pos;
        while (pos < text.length() && text.charAt(pos) != ' ') {
            pos++;
        }
        return text.substring(start, pos);
    }

    private boolean peekWord(String word) {
        if (!text.regionMatches(true, pos, word, 0, word.length())) {
            return false;
        }
        int after = pos + word.length();
        while (after < text.length() && text.charAt(after) == ' ') {
            after++;
        }
        return after < text.length() && text.charAt(after) == '(';
    }

    private boolean accept(char c) {
        skipSpaces();
        if (pos < text.length() && text.charAt(pos) == c) {
            pos++;
            return true;
        }
        return false;
    }

    private void expect(char c) {
        if (!accept(c)) {
            throw new IllegalArgumentException("Expected '" + c + "' at " + pos + " in DuckDB type " + text);
        }
    }

    private void skipSpaces() {
        while (pos < text.length() && text.charAt(pos) == ' ') {
            pos++;
        }
    }
}
