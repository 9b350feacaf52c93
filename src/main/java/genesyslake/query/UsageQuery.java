package genesyslake.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A Usage API query read from a JSON file (the blueprint's query-file.json: interval, granularity, groupBy,
 * metrics), validated field by field. The interval may be relative and is resolved for each run.
 */
public record UsageQuery(Path file, String intervalExpression, String granularity, List<String> groupBy,
        List<String> metrics) {

    public static final Set<String> GRANULARITIES = Set.of("Day", "Week", "Month");
    public static final Set<String> GROUP_BY = Set.of("OAuthClientId", "OrganizationId", "UserId", "TemplateUri", "HttpMethod");
    public static final Set<String> METRICS = Set.of("Status200", "Status300", "Status400", "Status500", "Status429", "Requests");

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The fields of a usage query file. */
    static final Set<String> FIELDS = Set.of("interval", "granularity", "groupBy", "metrics");

    /** A usage query file of the shipped query folder (queries/); the daemon uses {@link QueryFiles#usage}. */
    public static UsageQuery load(Path file, Clock clock) {
        return load(QueryFiles.SHIPPED, file, clock);
    }

    /**
     * Reads and checks a usage query file of the given folder. A fault names the field, where it is and what is
     * allowed, never the value it holds: failure messages reach health and the status page.
     */
    static UsageQuery load(QueryFiles folder, Path file, Clock clock) {
        QueryFiles.Source source = folder.read(file, "a JSON object like {\"interval\":..., \"granularity\":...}");
        JsonNode root = source.root();
        for (var it = root.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                String problem = "unknown field (allowed: granularity, groupBy, interval, metrics)";
                throw DetailsQuery.Kind.CONVERSATIONS.fields.contains(f) || DetailsQuery.Kind.USERS.fields.contains(f)
                        ? source.fault(f, problem + "; that is a detail query field: is this the usage query file?")
                        : source.unnamedFault(f, "a field that is not one of a usage query's: " + problem);
            }
        }
        JsonNode interval = root.path("interval");
        if (!interval.isTextual() || interval.asText().isBlank()) {
            throw source.fault("interval", "is required, e.g. \"last full month\" or \"2026-10-01/2026-11-01\"");
        }
        try {
            Interval.parse(interval.asText(), clock);
        } catch (IllegalArgumentException e) {
            throw source.fault("interval", QueryFiles.INTERVAL_EXPECTED);
        }
        String granularity = "Month";
        if (root.has("granularity") && !root.get("granularity").asText().isEmpty()) {
            granularity = canonical(source, "granularity", root.get("granularity"), GRANULARITIES);
        }
        return new UsageQuery(file, interval.asText(), granularity, values(source, "groupBy", root.path("groupBy"), GROUP_BY),
                values(source, "metrics", root.path("metrics"), METRICS));
    }

    private static List<String> values(QueryFiles.Source source, String field, JsonNode node, Set<String> allowed) {
        List<String> out = new ArrayList<>();
        if (node.isMissingNode() || node.isNull()) {
            return out;
        }
        if (!node.isArray()) {
            throw source.fault(field, "must be an array of " + sorted(allowed));
        }
        for (int i = 0; i < node.size(); i++) {
            out.add(canonical(source, field + "[" + i + "]", node.get(i), allowed));
        }
        return List.copyOf(out);
    }

    private static String canonical(QueryFiles.Source source, String field, JsonNode v, Set<String> allowed) {
        for (String a : allowed) {
            if (v.isTextual() && a.equalsIgnoreCase(v.asText())) {
                return a;
            }
        }
        throw source.fault(field, "must be one of " + sorted(allowed) + " (any case)");
    }

    private static List<String> sorted(Set<String> s) {
        return s.stream().sorted().toList();
    }

    /** The partition value: day, week or month. */
    public String partition() {
        return granularity.toLowerCase(Locale.ROOT);
    }

    public Interval resolve(Clock clock) {
        return Interval.parse(intervalExpression, clock);
    }

    /** The request body for one run over the given interval. */
    public byte[] body(Interval interval) {
        return body(interval, groupBy);
    }

    /**
     * The same query as a body of the usage aggregates jobs API (since 2025-03-31): its groupBy names differ
     * (OauthClientId), and it has no organization grouping (a job is the organization's).
     */
    public byte[] aggregatesBody(Interval interval) {
        return body(interval, groupBy.stream().filter(x -> !x.equals("OrganizationId"))
                .map(x -> x.equals("OAuthClientId") ? "OauthClientId" : x).toList());
    }

    private byte[] body(Interval interval, List<String> groups) {
        ObjectNode body = JSON.createObjectNode();
        body.put("interval", interval.toGenesys());
        body.put("granularity", granularity);
        ArrayNode g = body.putArray("groupBy");
        groups.forEach(g::add);
        ArrayNode m = body.putArray("metrics");
        metrics.forEach(m::add);
        try {
            return JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The same query at another granularity (Day, Week or Month, any case). */
    public UsageQuery withGranularity(String g) {
        String canonical = GRANULARITIES.stream().filter(x -> x.equalsIgnoreCase(g.trim())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("granularity '" + g + "' is not one of Day, Week, Month"));
        return new UsageQuery(file, intervalExpression, canonical, groupBy, metrics);
    }

    /** A short hash of groupBy and metrics: queries of different shapes never share an object. */
    public String shape() {
        return shortHash(String.join(",", groupBy) + "|" + String.join(",", metrics));
    }

    /**
     * The S3 key of this query's object for an interval: deterministic, so a rerun replaces instead of duplicating.
     * Queries that differ in groupBy or metrics get different objects.
     */
    public String objectKey(Interval interval) {
        return "granularity=" + partition() + "/usage_" + interval.label() + "_" + shape() + ".json.gz";
    }

    /** A short hash of the query as submitted, for manifests. */
    public String hash() {
        return shortHash(intervalExpression + "|" + granularity + "|" + String.join(",", groupBy) + "|" + String.join(",", metrics));
    }

    static String shortHash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
