package genesyslake.local.genesys;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * One Analytics filter as the Query Builder emits it: {@code {"type":"and"|"or","predicates":[...],"clauses":[...]}}
 * with dimension predicates (operators matches, exists, notExists). Parsing checks every dimension against the
 * set allowed where the filter is used, so an unknown dimension or operator is a 400 naming it.
 */
final class DetailsFilter {

    /** Dimensions a segmentFilter may use (segment, session, participant and conversation context). */
    static final Set<String> SEGMENT_DIMENSIONS = Set.of("mediaType", "direction", "purpose", "queueId", "userId",
            "segmentType", "disconnectType", "wrapUpCode", "ani", "dnis", "provider", "sessionId", "participantId",
            "participantName", "conversationId", "divisionId", "flowId", "requestedRoutings", "usedRouting",
            "edgeId");
    static final Set<String> CONVERSATION_DIMENSIONS = Set.of("conversationId", "originatingDirection", "divisionId",
            "conversationEnd", "mediaStatsMinConversationMos", "mediaStatsMinConversationRFactor");
    static final Set<String> USER_DIMENSIONS = Set.of("userId");
    static final Set<String> PRESENCE_DIMENSIONS = Set.of("systemPresence", "organizationPresenceId", "userId");
    static final Set<String> ROUTING_DIMENSIONS = Set.of("routingStatus", "userId");

    private record Predicate(String dimension, String operator, String value) {
    }

    private final boolean and;
    private final List<Predicate> predicates;
    private final List<DetailsFilter> clauses;

    private DetailsFilter(boolean and, List<Predicate> predicates, List<DetailsFilter> clauses) {
        this.and = and;
        this.predicates = predicates;
        this.clauses = clauses;
    }

    /** Parses the array under {@code field} (absent or null = no filters). */
    static List<DetailsFilter> parseList(JsonNode body, String field, Set<String> dimensions) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new BadRequest(field + " must be an array of filters");
        }
        List<DetailsFilter> filters = new ArrayList<>();
        for (JsonNode f : node) {
            filters.add(parse(f, field, dimensions));
        }
        return List.copyOf(filters);
    }

    private static DetailsFilter parse(JsonNode f, String field, Set<String> dimensions) {
        if (!f.isObject()) {
            throw new BadRequest(field + " entries must be objects");
        }
        String type = f.path("type").asText("and");
        if (!type.equals("and") && !type.equals("or")) {
            throw new BadRequest("Unknown filter type '" + type + "' in " + field + " (expected and/or)");
        }
        List<Predicate> predicates = new ArrayList<>();
        for (JsonNode p : f.path("predicates")) {
            String ptype = p.path("type").asText("dimension");
            if (!ptype.equals("dimension")) {
                throw new BadRequest("Unsupported predicate type '" + ptype + "' in " + field);
            }
            String dimension = p.path("dimension").asText(null);
            if (dimension == null || !dimensions.contains(dimension)) {
                throw new BadRequest("Unknown dimension '" + dimension + "' in " + field);
            }
            String operator = p.path("operator").asText("matches");
            if (!operator.equals("matches") && !operator.equals("exists") && !operator.equals("notExists")) {
                throw new BadRequest("Unknown operator '" + operator + "' in " + field);
            }
            JsonNode value = p.get("value");
            if (operator.equals("matches") && (value == null || value.isNull())) {
                throw new BadRequest("Predicate on '" + dimension + "' in " + field + " needs a value");
            }
            predicates.add(new Predicate(dimension, operator, value == null || value.isNull() ? null : value.asText()));
        }
        List<DetailsFilter> clauses = new ArrayList<>();
        for (JsonNode c : f.path("clauses")) {
            clauses.add(parse(c, field, dimensions));
        }
        return new DetailsFilter(type.equals("and"), List.copyOf(predicates), List.copyOf(clauses));
    }

    /** Whether the values the lookup gives (null = absent) satisfy this filter; an empty filter matches. */
    boolean matches(Function<String, String> lookup) {
        for (Predicate p : predicates) {
            boolean ok = test(p, lookup.apply(p.dimension));
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

    private static boolean test(Predicate p, String actual) {
        return switch (p.operator) {
            case "exists" -> actual != null;
            case "notExists" -> actual == null;
            default -> actual != null && actual.equals(p.value);
        };
    }

    /** All filters of a list must match (the API ANDs the entries of a filter array). */
    static boolean all(List<DetailsFilter> filters, Function<String, String> lookup) {
        for (DetailsFilter f : filters) {
            if (!f.matches(lookup)) {
                return false;
            }
        }
        return true;
    }
}
