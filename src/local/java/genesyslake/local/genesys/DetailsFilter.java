package genesyslake.local.genesys;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One Analytics filter as the Query Builder emits it: {@code {"type":"and"|"or","predicates":[...],"clauses":[...]}}.
 * Which dimensions, metrics and enum values a filter may use is checked against the SDK's models first
 * ({@link SdkSchema}); this class evaluates it. Predicates are of type {@code dimension} (the default),
 * {@code metric} or {@code property}, with operator {@code matches} (the default: {@code value} equal, or within
 * {@code range}), {@code exists} or {@code notExists}.
 * <p>
 * A lookup gives the value of a key in the record being tested: a dimension by its name, a metric as
 * {@code "metric:" + name}, a property as {@code "property:" + name}. It answers null (absent), a String, or a List
 * of Strings (the predicate holds when any element satisfies it). Dimensions and properties the local data does not
 * have are absent, so {@code matches} on them is false and {@code notExists} true.
 */
final class DetailsFilter {

    private record Predicate(String key, String operator, String value, JsonNode range) {
    }

    private final boolean and;
    private final List<Predicate> predicates;
    private final List<DetailsFilter> clauses;
    private final Boolean constant;

    private DetailsFilter(boolean and, List<Predicate> predicates, List<DetailsFilter> clauses) {
        this.and = and;
        this.predicates = predicates;
        this.clauses = clauses;
        this.constant = null;
    }

    private DetailsFilter(boolean constant) {
        this.and = true;
        this.predicates = List.of();
        this.clauses = List.of();
        this.constant = constant;
    }

    /**
     * Filters on data the local organization never has (evaluationFilters, surveyFilters, resolutionFilters): every
     * key is absent, so the outcome is the same for every record; folded into one filter that always or never matches.
     */
    static List<DetailsFilter> onAbsentData(JsonNode body, String... fields) {
        for (String field : fields) {
            if (!all(parseList(body, field), key -> null)) {
                return List.of(new DetailsFilter(false));
            }
        }
        return List.of();
    }

    /** Parses the array under {@code field} (absent or null = no filters); the body passed the SDK schema check. */
    static List<DetailsFilter> parseList(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new BadRequest(field + " must be an array of filters");
        }
        List<DetailsFilter> filters = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            filters.add(parse(node.get(i), field + "[" + i + "]"));
        }
        return List.copyOf(filters);
    }

    private static DetailsFilter parse(JsonNode f, String path) {
        if (!f.isObject()) {
            throw new BadRequest(path + " must be an object");
        }
        String type = f.path("type").asText("and");
        if (!type.equals("and") && !type.equals("or")) {
            throw new BadRequest("Invalid value '" + type + "' for " + path + ".type: expected and or or");
        }
        List<Predicate> predicates = new ArrayList<>();
        JsonNode ps = f.path("predicates");
        for (int i = 0; i < ps.size(); i++) {
            predicates.add(predicate(ps.get(i), path + ".predicates[" + i + "]"));
        }
        List<DetailsFilter> clauses = new ArrayList<>();
        JsonNode cs = f.path("clauses");
        for (int i = 0; i < cs.size(); i++) {
            clauses.add(parse(cs.get(i), path + ".clauses[" + i + "]"));
        }
        return new DetailsFilter(type.equals("and"), List.copyOf(predicates), List.copyOf(clauses));
    }

    private static Predicate predicate(JsonNode p, String path) {
        String ptype = p.path("type").asText("dimension");
        String key = switch (ptype) {
            case "dimension" -> required(p, "dimension", path);
            case "metric" -> "metric:" + required(p, "metric", path);
            case "property" -> "property:" + required(p, "property", path);
            default -> throw new BadRequest("Invalid value '" + ptype + "' for " + path
                    + ".type: expected dimension, property or metric");
        };
        String operator = p.path("operator").asText("matches");
        if (!operator.equals("matches") && !operator.equals("exists") && !operator.equals("notExists")) {
            throw new BadRequest("Invalid value '" + operator + "' for " + path + ".operator");
        }
        JsonNode value = p.get("value");
        JsonNode range = p.get("range");
        boolean hasValue = value != null && !value.isNull();
        boolean hasRange = range != null && !range.isNull();
        if (operator.equals("matches") && !hasValue && !hasRange) {
            throw new BadRequest(path + " (" + key + " matches) needs a value or a range");
        }
        if (hasValue && hasRange) {
            throw new BadRequest(path + " (" + key + ") has both a value and a range");
        }
        if (hasRange && (!range.isObject() || range.isEmpty())) {
            throw new BadRequest(path + ".range must be an object with gt, gte, lt or lte");
        }
        return new Predicate(key, operator, hasValue ? value.asText() : null, hasRange ? range : null);
    }

    private static String required(JsonNode p, String field, String path) {
        JsonNode v = p.get(field);
        if (v == null || v.isNull() || v.asText().isEmpty()) {
            throw new BadRequest(path + "." + field + " is required for a predicate of type " + p.path("type").asText());
        }
        return v.asText();
    }

    /** Whether the values the lookup gives satisfy this filter; an empty filter matches. */
    boolean matches(Function<String, ?> lookup) {
        if (constant != null) {
            return constant;
        }
        for (Predicate p : predicates) {
            boolean ok = test(p, lookup.apply(p.key));
            if (and != ok) {
                return ok;
            }
        }
        for (DetailsFilter c : clauses) {
            boolean ok = c.matches(lookup);
            if (and != ok) {
                return ok;
            }
        }
        return and || (predicates.isEmpty() && clauses.isEmpty());
    }

    private static boolean test(Predicate p, Object actual) {
        if (actual instanceof List<?> list) {
            if (p.operator.equals("notExists")) {
                return list.isEmpty();
            }
            for (Object a : list) {
                if (test(p, a)) {
                    return true;
                }
            }
            return false;
        }
        String s = actual == null ? null : actual.toString();
        return switch (p.operator) {
            case "exists" -> s != null;
            case "notExists" -> s == null;
            default -> s != null && (p.range == null ? s.equals(p.value) : inRange(s, p.range));
        };
    }

    private static boolean inRange(String actual, JsonNode range) {
        double v;
        try {
            v = Double.parseDouble(actual);
        } catch (NumberFormatException e) {
            return false;
        }
        return (!range.has("gt") || v > range.get("gt").asDouble())
                && (!range.has("gte") || v >= range.get("gte").asDouble())
                && (!range.has("lt") || v < range.get("lt").asDouble())
                && (!range.has("lte") || v <= range.get("lte").asDouble());
    }

    /** All filters of a list must match (the API ANDs the entries of a filter array). */
    static boolean all(List<DetailsFilter> filters, Function<String, ?> lookup) {
        for (DetailsFilter f : filters) {
            if (!f.matches(lookup)) {
                return false;
            }
        }
        return true;
    }
}
