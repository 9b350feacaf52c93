package genesyslake.local.aws;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A partition filter of Glue's GetPartitions ({@code Expression}), parsed as Glue documents it: comparisons
 * ({@code =, <>, !=, <, <=, >, >=}), {@code IN (…)}, {@code BETWEEN … AND …}, {@code LIKE}, {@code IS [NOT] NULL},
 * joined with AND, OR, NOT and parentheses; keys bare or in backticks (Trino quotes reserved words), values quoted
 * strings or numbers. Our partition keys are strings, so values compare as strings, as Glue compares string keys.
 * An empty expression keeps every partition. Anything else is Glue's InvalidInputException naming the expression.
 */
final class GlueExpression {

    private final String text;
    private final List<String> tokens;
    private final List<String> keys;
    private int at;

    private GlueExpression(String text, List<String> keys) {
        this.text = text;
        this.keys = keys;
        this.tokens = tokenize(text);
    }

    /** The filter {@code expression} means over partitions of the given keys (their values in key order). */
    static Predicate<List<String>> parse(String expression, List<String> partitionKeys) {
        if (expression == null || expression.isBlank()) {
            return values -> true;
        }
        GlueExpression p = new GlueExpression(expression, partitionKeys.stream()
                .map(k -> k.toLowerCase(Locale.ROOT)).toList());
        Predicate<List<String>> filter = p.or();
        if (p.at != p.tokens.size()) {
            throw p.invalid("unexpected '" + p.tokens.get(p.at) + "'");
        }
        return filter;
    }

    private Predicate<List<String>> or() {
        Predicate<List<String>> left = and();
        while (word("OR")) {
            left = left.or(and());
        }
        return left;
    }

    private Predicate<List<String>> and() {
        Predicate<List<String>> left = not();
        while (word("AND")) {
            left = left.and(not());
        }
        return left;
    }

    private Predicate<List<String>> not() {
        if (word("NOT")) {
            return not().negate();
        }
        if (symbol("(")) {
            Predicate<List<String>> inner = or();
            expect(")");
            return inner;
        }
        return comparison();
    }

    private Predicate<List<String>> comparison() {
        int key = key();
        if (word("IS")) {
            boolean negated = word("NOT");
            if (!word("NULL")) {
                throw invalid("IS must be followed by [NOT] NULL");
            }
            return values -> (values.get(key) == null) != negated;
        }
        boolean negated = word("NOT");
        if (word("IN")) {
            expect("(");
            List<String> list = new ArrayList<>();
            do {
                list.add(value());
            } while (symbol(","));
            expect(")");
            return values -> list.contains(values.get(key)) != negated;
        }
        if (word("BETWEEN")) {
            String low = value();
            if (!word("AND")) {
                throw invalid("BETWEEN needs AND");
            }
            String high = value();
            return values -> within(values.get(key), low, high) != negated;
        }
        if (word("LIKE")) {
            String regex = likeRegex(value());
            return values -> (values.get(key) != null && values.get(key).matches(regex)) != negated;
        }
        if (negated) {
            throw invalid("NOT must be followed by IN, BETWEEN or LIKE here");
        }
        String op = at < tokens.size() ? tokens.get(at++) : "";
        String value = value();
        Map<String, Predicate<Integer>> ops = Map.of("=", c -> c == 0, "<>", c -> c != 0, "!=", c -> c != 0,
                "<", c -> c < 0, "<=", c -> c <= 0, ">", c -> c > 0, ">=", c -> c >= 0);
        Predicate<Integer> test = ops.get(op);
        if (test == null) {
            throw invalid("unknown operator '" + op + "'");
        }
        return values -> values.get(key) != null && test.test(values.get(key).compareTo(value));
    }

    private static boolean within(String v, String low, String high) {
        return v != null && v.compareTo(low) >= 0 && v.compareTo(high) <= 0;
    }

    private static String likeRegex(String like) {
        StringBuilder out = new StringBuilder();
        for (char c : like.toCharArray()) {
            out.append(c == '%' ? ".*" : c == '_' ? "." : java.util.regex.Pattern.quote(String.valueOf(c)));
        }
        return out.toString();
    }

    private int key() {
        if (at >= tokens.size()) {
            throw invalid("a partition key is missing");
        }
        String token = tokens.get(at++);
        String name = (token.startsWith("`") ? token.substring(1, token.length() - 1) : token).toLowerCase(Locale.ROOT);
        int index = keys.indexOf(name);
        if (index < 0) {
            throw invalid("'" + name + "' is not a partition key (keys: " + String.join(", ", keys) + ")");
        }
        return index;
    }

    private String value() {
        if (at >= tokens.size()) {
            throw invalid("a value is missing");
        }
        String token = tokens.get(at++);
        if (token.startsWith("'")) {
            return token.substring(1, token.length() - 1).replace("''", "'");
        }
        if (token.matches("-?[0-9]+(\\.[0-9]+)?")) {
            return token;
        }
        throw invalid("'" + token + "' is not a value");
    }

    private boolean word(String w) {
        if (at < tokens.size() && tokens.get(at).equalsIgnoreCase(w)) {
            at++;
            return true;
        }
        return false;
    }

    private boolean symbol(String s) {
        if (at < tokens.size() && tokens.get(at).equals(s)) {
            at++;
            return true;
        }
        return false;
    }

    private void expect(String s) {
        if (!symbol(s)) {
            throw invalid("'" + s + "' expected");
        }
    }

    private List<String> tokenize(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '\'' || c == '`') {
                int j = i + 1;
                while (true) {
                    if (j >= s.length()) {
                        throw invalid("unterminated " + c);
                    }
                    if (s.charAt(j) == c) {
                        if (c == '\'' && j + 1 < s.length() && s.charAt(j + 1) == '\'') {
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    j++;
                }
                out.add(s.substring(i, j + 1));
                i = j + 1;
            } else if ("(),".indexOf(c) >= 0) {
                out.add(String.valueOf(c));
                i++;
            } else if ("<>=!".indexOf(c) >= 0) {
                int j = i + 1;
                while (j < s.length() && "<>=".indexOf(s.charAt(j)) >= 0) {
                    j++;
                }
                out.add(s.substring(i, j));
                i = j;
            } else {
                int j = i;
                while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || "_.-".indexOf(s.charAt(j)) >= 0)) {
                    j++;
                }
                if (j == i) {
                    throw invalid("unexpected character '" + c + "'");
                }
                out.add(s.substring(i, j));
                i = j;
            }
        }
        return out;
    }

    private AwsServiceException invalid(String why) {
        return new AwsServiceException("InvalidInputException", "Unsupported expression '" + text + "': " + why);
    }
}
