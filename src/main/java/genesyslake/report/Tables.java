package genesyslake.report;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Text renderings of result rows: an aligned table for logs (values as they are, one line each), RFC 4180 lines for
 * CSV, where a cell a spreadsheet would evaluate as a formula is written as text (OWASP's CSV injection advice: a
 * leading {@code '}), numbers aside, so that a client name such as {@code =cmd|'/C calc'!A0} stays a name.
 */
public final class Tables {

    /** A plain number, which stays as it is even when it starts with - or +. */
    private static final java.util.regex.Pattern NUMBER =
            java.util.regex.Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

    private Tables() {
    }

    public static String render(List<String> columns, List<List<String>> rows) {
        int[] width = new int[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            width[i] = columns.get(i).length();
            for (List<String> r : rows) {
                width[i] = Math.max(width[i], oneLine(String.valueOf(r.get(i))).length());
            }
            width[i] = Math.min(width[i], 60);
        }
        StringBuilder sb = new StringBuilder();
        line(sb, columns, width);
        for (int i = 0; i < width.length; i++) {
            sb.append(i == 0 ? "" : "-+-").append("-".repeat(width[i]));
        }
        sb.append('\n');
        for (List<String> r : rows) {
            line(sb, r, width);
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, List<String> values, int[] width) {
        for (int i = 0; i < width.length; i++) {
            String v = oneLine(String.valueOf(values.get(i)));
            if (v.length() > width[i]) {
                v = v.substring(0, width[i] - 1) + "~";
            }
            sb.append(i == 0 ? "" : " | ").append(v).append(" ".repeat(width[i] - v.length()));
        }
        sb.append('\n');
    }

    /** A value on one line of the log: line breaks and tabs as \\n, \\r, \\t, other control characters as ?. */
    private static String oneLine(String v) {
        StringBuilder b = new StringBuilder(v.length());
        for (char c : v.toCharArray()) {
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> b.append(Character.isISOControl(c) ? '?' : c);
            }
        }
        return b.toString();
    }

    public static String csvLine(List<String> values) {
        return values.stream().map(Tables::csvField).collect(Collectors.joining(",")) + "\r\n";
    }

    /** Parses RFC 4180 text as {@link #csvLine} writes it: quoted fields may hold commas, quotes and line breaks. */
    public static List<List<String>> parseCsv(String text) {
        List<List<String>> rows = new java.util.ArrayList<>();
        List<String> row = new java.util.ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean any = false; // the current row has started (so a trailing line break adds no empty row)
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
                any = true;
            } else if (c == ',') {
                row.add(field.toString());
                field.setLength(0);
                any = true;
            } else if (c == '\r' || c == '\n') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                if (any || field.length() > 0) {
                    row.add(field.toString());
                    rows.add(row);
                }
                row = new java.util.ArrayList<>();
                field.setLength(0);
                any = false;
            } else {
                field.append(c);
                any = true;
            }
        }
        if (any || field.length() > 0) {
            row.add(field.toString());
            rows.add(row);
        }
        rows.replaceAll(r -> r.stream().map(Tables::asWritten).collect(Collectors.toList()));
        return rows;
    }

    /**
     * Whether a spreadsheet would evaluate the cell: it starts (after any leading quotes, so that a value that
     * itself starts with ' reads back exactly) with = + - @, a tab or a carriage return, and is not a plain number.
     */
    private static boolean formulaLike(String v) {
        int i = 0;
        while (i < v.length() && v.charAt(i) == '\'') {
            i++;
        }
        if (i == v.length()) {
            return false;
        }
        char c = v.charAt(i);
        return (c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r') && !NUMBER.matcher(v).matches();
    }

    /** The value a CSV cell of ours holds: the leading ' that {@link #csvLine} added is taken off again. */
    private static String asWritten(String cell) {
        return cell.startsWith("'") && formulaLike(cell.substring(1)) ? cell.substring(1) : cell;
    }

    private static String csvField(String value) {
        if (value == null) {
            return "";
        }
        String v = formulaLike(value) ? "'" + value : value;
        return v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")
                ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
    }
}
