package genesyslake.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * An Analytics detail query exactly as the Analytics Query Builder emits it (conversation detail or user detail),
 * checked against the fields and filter grammar of its kind. The body is sent unchanged except for the interval
 * (set for each run) and paging (owned by the pager; async jobs take none).
 */
public record DetailsQuery(Path file, Kind kind, ObjectNode body) {

    /** Which detail records a query asks for. */
    public enum Kind {
        CONVERSATIONS("conversations", "conversations",
                Set.of("interval", "order", "orderBy", "paging", "segmentFilters", "conversationFilters",
                        "evaluationFilters", "surveyFilters", "resolutionFilters", "startOfDayIntervalMatching"),
                Set.of("segmentFilters", "conversationFilters", "evaluationFilters", "surveyFilters", "resolutionFilters")),
        USERS("users", "userDetails",
                Set.of("interval", "order", "paging", "userFilters", "presenceFilters", "routingStatusFilters",
                        "presenceAggregations", "routingStatusAggregations"),
                Set.of("userFilters", "presenceFilters", "routingStatusFilters"));

        public final String path;
        public final String recordsField;
        final Set<String> fields;
        final Set<String> filterFields;

        Kind(String path, String recordsField, Set<String> fields, Set<String> filterFields) {
            this.path = path;
            this.recordsField = recordsField;
            this.fields = fields;
            this.filterFields = filterFields;
        }
    }

    static final Set<String> FILTER_TYPES = Set.of("and", "or");
    static final Set<String> PREDICATE_TYPES = Set.of("dimension", "property", "metric");
    static final Set<String> OPERATORS = Set.of("matches", "exists", "notExists");

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A detail query file of the shipped query folder (queries/); the daemon uses {@link QueryFiles#details}. */
    public static DetailsQuery load(Path file, Kind kind) {
        return load(QueryFiles.SHIPPED, file, kind);
    }

    /**
     * Reads and checks a detail query file of the given folder. A fault names the field (in our vocabulary), where it
     * is and what is allowed, never the value it holds: failure messages reach health and the status page.
     */
    static DetailsQuery load(QueryFiles folder, Path file, Kind kind) {
        QueryFiles.Source source = folder.read(file, "the JSON object copied from the Analytics Query Builder");
        ObjectNode body = source.root();
        Kind other = kind == Kind.CONVERSATIONS ? Kind.USERS : Kind.CONVERSATIONS;
        for (var it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!kind.fields.contains(f)) {
                String allowed = "; allowed: " + kind.fields.stream().sorted().toList();
                if (other.fields.contains(f)) {
                    throw source.fault(f, "is not a field of a " + kind.path + " detail query (that is a " + other.path
                            + " detail query field: is this the " + other.path + " query file?)" + allowed);
                }
                if (UsageQuery.FIELDS.contains(f)) {
                    throw source.fault(f, "is not a field of a " + kind.path + " detail query (an aggregate or usage "
                            + "query field?)" + allowed);
                }
                throw source.unnamedFault(f, "a field that is not one of a " + kind.path + " detail query" + allowed);
            }
        }
        if (body.has("interval")) {
            try {
                Interval.parse(body.get("interval").asText(), java.time.Clock.systemUTC());
            } catch (IllegalArgumentException e) {
                throw source.fault("interval", QueryFiles.INTERVAL_EXPECTED);
            }
        }
        if (body.has("order") && !Set.of("asc", "desc", "unordered").contains(body.get("order").asText())) {
            throw source.fault("order", "must be asc, desc or unordered");
        }
        for (String f : kind.filterFields) {
            JsonNode filters = body.get(f);
            if (filters == null) {
                continue;
            }
            if (!filters.isArray()) {
                throw source.fault(f, "must be an array of filters");
            }
            for (int i = 0; i < filters.size(); i++) {
                checkFilter(source, f + "[" + i + "]", filters.get(i));
            }
        }
        return new DetailsQuery(file, kind, body);
    }

    private static void checkFilter(QueryFiles.Source source, String at, JsonNode filter) {
        String type = filter.path("type").asText("");
        if (!FILTER_TYPES.contains(type)) {
            throw source.fault(at + ".type", "must be and or or");
        }
        JsonNode predicates = filter.path("predicates");
        for (int i = 0; i < predicates.size(); i++) {
            JsonNode p = predicates.get(i);
            String pAt = at + ".predicates[" + i + "]";
            String pType = p.path("type").asText("dimension");
            if (!PREDICATE_TYPES.contains(pType)) {
                throw source.fault(pAt + ".type", "must be one of " + PREDICATE_TYPES.stream().sorted().toList());
            }
            String op = p.path("operator").asText("matches");
            if (!OPERATORS.contains(op)) {
                throw source.fault(pAt + ".operator", "must be one of " + OPERATORS.stream().sorted().toList());
            }
            if (!p.hasNonNull(pType) && !p.hasNonNull("dimension")) {
                throw source.fault(pAt, "names no " + pType); // one of PREDICATE_TYPES: our word, not the file's
            }
        }
        JsonNode clauses = filter.path("clauses");
        for (int i = 0; i < clauses.size(); i++) {
            checkFilter(source, at + ".clauses[" + i + "]", clauses.get(i));
        }
    }

    /** Body of a synchronous details query for one page. */
    public byte[] pageBody(Interval interval, int pageSize, int pageNumber) {
        ObjectNode b = body.deepCopy();
        b.put("interval", interval.toGenesys());
        ObjectNode paging = b.putObject("paging");
        paging.put("pageSize", pageSize);
        paging.put("pageNumber", pageNumber);
        return bytes(b);
    }

    /** Body of an async job: the same query, without paging (jobs page by cursor). */
    public byte[] jobBody(Interval interval) {
        ObjectNode b = body.deepCopy();
        b.put("interval", interval.toGenesys());
        b.remove("paging");
        return bytes(b);
    }

    /**
     * A short hash of what decides which records come back: the body without the interval and paging (those the
     * daemon sets per day and page). Manifests carry it; a changed hash means a changed filter.
     */
    public String hash() {
        ObjectNode b = body.deepCopy();
        b.remove("interval");
        b.remove("paging");
        return UsageQuery.shortHash(b.toString());
    }

    /** The file's own interval, if it has one (the Query Builder writes one). */
    public java.util.Optional<String> ownInterval() {
        return body.hasNonNull("interval") ? java.util.Optional.of(body.get("interval").asText()) : java.util.Optional.empty();
    }

    /** A short name for object keys: the file name without extension. */
    public String name() {
        String n = file.getFileName().toString();
        return n.endsWith(".json") ? n.substring(0, n.length() - 5) : n;
    }

    private static byte[] bytes(ObjectNode b) {
        try {
            return JSON.writeValueAsBytes(b);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
