package genesyslake.local.genesys;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Usage API's successor (since 2025-03-31): {@code POST /api/v2/usage/aggregates/query/jobs} with an
 * OrganizationPublicApiUsageQueryRequest, results paged by {@code GET /api/v2/usage/aggregates/query/jobs/{jobId}}
 * ({@code pageSize} 1-1000, default 100; {@code after} cursor) as OrganizationPublicApiUsageResultsResponse with
 * OrganizationPublicApiUsage entities. Shapes from the Genesys platform-client-sdk-java docs (v259-264:
 * UsageApi.md, OrganizationPublicApiUsageQueryRequest.md, OrganizationUsageQueryResponse.md,
 * OrganizationPublicApiUsageResultsResponse.md, OrganizationPublicApiUsage.md, UsageQuerySortBy.md); SDK 198 lacks
 * them, so the enums are those documents' values.
 * <p>
 * Same deterministic cells as the legacy /api/v2/usage/query, plus Genesys' own clients ({@link Org#builtinClients}),
 * which the legacy API hides. Without groupBy the data is not aggregated: one entity per (bucket, client, user,
 * template URI, method). The local data has no platform: entities carry none, and a platforms filter matches nothing.
 */
final class UsageAggregates {

    static final List<String> GROUP_BY = List.of("OauthClientName", "OauthClientId", "UserId", "HttpMethod",
            "TemplateUri", "Platform");
    static final List<String> METRICS = List.of("Requests", "Status200", "Status300", "Status400", "Status429",
            "Status500");
    static final List<String> HTTP_METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD");
    static final List<String> GRANULARITIES = List.of("Day", "Week", "Month");
    static final List<String> SORT_ORDERS = List.of("Asc", "Desc");
    /** Entity fields a sortBy may name. */
    static final List<String> SORT_FIELDS = List.of("date", "httpMethod", "templateUri", "requestCount", "status200",
            "status300", "status400", "status429", "status500");
    static final int DEFAULT_PAGE = 100;
    static final int MAX_PAGE = 1000;
    private static final long MAX_SPAN_DAYS = 90;
    private static final long MAX_AGE_DAYS = 366;
    /** Metric name → index in a cell's counts {200, 300, 400, 500, 429, requests}. */
    private static final Map<String, Integer> METRIC_INDEX = Map.of("Requests", 5, "Status200", 0, "Status300", 1,
            "Status400", 2, "Status429", 4, "Status500", 3);

    record SortBy(String field, boolean descending) {
    }

    /** A parsed query; days are epoch days [firstDay, endDay); empty filter sets mean no filter. */
    record Query(long firstDay, long endDay, String granularity, boolean[] groupBy, boolean[] metrics,
            Set<String> templateUris, Set<String> httpMethods, Set<String> userIds, Set<String> oauthClientIds,
            boolean platformFiltered, List<SortBy> sortBy) {
    }

    /** One entity; null fields are not grouped by. */
    record Entity(String date, Org.Client client, boolean withClientId, boolean withClientName, String userId,
            String templateUri, String httpMethod, long[] counts) {
    }

    private final Org org;
    private final Usage usage;

    UsageAggregates(Org org, Usage usage) {
        this.org = org;
        this.usage = usage;
    }

    static Query parse(JsonNode body, LocalDate today) {
        if (body == null || !body.isObject()) {
            throw new BadRequest("The request body must be an OrganizationPublicApiUsageQueryRequest object");
        }
        JsonNode interval = body.get("interval");
        if (interval == null || !interval.isTextual()) {
            throw new BadRequest("interval is required (ISO-8601 start/end)");
        }
        Intervals.Span span = Intervals.parse(interval.asText(), "interval");
        long firstDay = span.firstDay();
        long endDay = Math.floorDiv(span.endMs() + Det.DAY_MS - 1, Det.DAY_MS);
        if (endDay - firstDay > MAX_SPAN_DAYS) {
            throw new BadRequest("Invalid interval '" + interval.asText()
                    + "': the end date cannot be more than 90 days after the start");
        }
        if (firstDay < today.toEpochDay() - MAX_AGE_DAYS) {
            throw new BadRequest("Invalid interval '" + interval.asText()
                    + "': the start date cannot be more than a year ago");
        }
        String granularity = null;
        JsonNode g = body.get("granularity");
        if (g != null && !g.isNull()) {
            granularity = oneOf(g, "granularity", GRANULARITIES);
        }
        boolean[] groupBy = flags(body.get("groupBy"), "groupBy", GROUP_BY);
        boolean[] metrics = flags(body.get("metrics"), "metrics", METRICS);
        if (body.get("metrics") == null || body.get("metrics").isNull() || body.get("metrics").isEmpty()) {
            Arrays.fill(metrics, true); // "all will be returned by default"
        }
        Set<String> methods = new HashSet<>();
        JsonNode hm = array(body.get("httpMethods"), "httpMethods");
        for (int i = 0; i < hm.size(); i++) {
            methods.add(oneOf(hm.get(i), "httpMethods[" + i + "]", HTTP_METHODS));
        }
        List<SortBy> sortBy = new ArrayList<>();
        JsonNode sb = array(body.get("sortBy"), "sortBy");
        for (int i = 0; i < sb.size(); i++) {
            JsonNode s = sb.get(i);
            if (!s.isObject()) {
                throw new BadRequest("sortBy[" + i + "] must be an object with fieldName and order");
            }
            String field = oneOf(s.get("fieldName"), "sortBy[" + i + "].fieldName", SORT_FIELDS);
            JsonNode o = s.get("order");
            boolean desc = o != null && !o.isNull() && oneOf(o, "sortBy[" + i + "].order", SORT_ORDERS).equals("Desc");
            sortBy.add(new SortBy(field, desc));
        }
        return new Query(firstDay, endDay, granularity, groupBy, metrics, strings(body, "templateUris"), methods,
                strings(body, "userIds"), strings(body, "oauthClientIds"), !strings(body, "platforms").isEmpty(),
                List.copyOf(sortBy));
    }

    private static JsonNode array(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
        }
        if (!node.isArray()) {
            throw new BadRequest(field + " must be an array, not " + node);
        }
        return node;
    }

    private static Set<String> strings(JsonNode body, String field) {
        JsonNode a = array(body.get(field), field);
        Set<String> out = new HashSet<>();
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).isTextual()) {
                throw new BadRequest(field + "[" + i + "] must be a string, not " + a.get(i));
            }
            out.add(a.get(i).asText());
        }
        return out;
    }

    private static String oneOf(JsonNode v, String path, List<String> allowed) {
        if (v == null || !v.isTextual() || !allowed.contains(v.asText())) {
            throw new BadRequest("Invalid value " + (v != null && v.isTextual() ? "'" + v.asText() + "'" : v)
                    + " for " + path + ": expected one of " + allowed);
        }
        return v.asText();
    }

    private static boolean[] flags(JsonNode node, String field, List<String> allowed) {
        boolean[] flags = new boolean[allowed.size()];
        JsonNode a = array(node, field);
        for (int i = 0; i < a.size(); i++) {
            flags[allowed.indexOf(oneOf(a.get(i), field + "[" + i + "]", allowed))] = true;
        }
        return flags;
    }

    static LocalDate today() {
        return LocalDate.ofInstant(Instant.now(), ZoneOffset.UTC);
    }

    /** Every entity of the query, in bucket order (then client/endpoint order, or sortBy). */
    List<Entity> entities(Query q) {
        List<Entity> out = new ArrayList<>();
        if (q.platformFiltered()) {
            return out; // no request of the local organization has a platform
        }
        boolean[] gb = q.groupBy();
        boolean all = !(gb[0] || gb[1] || gb[2] || gb[3] || gb[4] || gb[5]);
        boolean byName = all || gb[0];
        boolean byId = all || gb[1];
        boolean byUser = all || gb[2];
        boolean byMethod = all || gb[3];
        boolean byUri = all || gb[4];
        List<Org.Client> clients = new ArrayList<>(org.clients);
        clients.addAll(org.builtinClients);
        Usage.buckets(q.firstDay(), q.endDay(), q.granularity(), (from, to, start) -> {
            String date = start == null ? null : start.toString();
            Map<List<Object>, Entity> groups = new LinkedHashMap<>();
            for (Org.Client c : clients) {
                if (!q.oauthClientIds().isEmpty() && !q.oauthClientIds().contains(c.id())
                        || !q.userIds().isEmpty() && !q.userIds().contains(c.userId())) {
                    continue;
                }
                for (int e = 0; e < Usage.ENDPOINTS.size(); e++) {
                    Usage.Endpoint ep = Usage.ENDPOINTS.get(e);
                    if (!q.templateUris().isEmpty() && !q.templateUris().contains(ep.templateUri())
                            || !q.httpMethods().isEmpty() && !q.httpMethods().contains(ep.method())) {
                        continue;
                    }
                    for (long day = from; day < to; day++) {
                        long[] cell = usage.cell(c, e, day);
                        if (cell == null) {
                            continue;
                        }
                        List<Object> key = Arrays.asList(byId ? c.id() : null, byName ? c.name() : null,
                                byUser ? c.userId() : null, byUri ? ep.templateUri() : null,
                                byMethod ? ep.method() : null);
                        Entity acc = groups.get(key);
                        if (acc == null) {
                            acc = new Entity(date, byId || byName ? c : null, byId, byName, byUser ? c.userId() : null,
                                    byUri ? ep.templateUri() : null, byMethod ? ep.method() : null, new long[6]);
                            groups.put(key, acc);
                        }
                        for (int i = 0; i < 6; i++) {
                            acc.counts()[i] += cell[i];
                        }
                    }
                }
            }
            out.addAll(groups.values());
        });
        if (!q.sortBy().isEmpty()) {
            Comparator<Entity> order = null;
            for (SortBy s : q.sortBy()) {
                Comparator<Entity> c = comparator(s.field());
                c = s.descending() ? c.reversed() : c;
                order = order == null ? c : order.thenComparing(c);
            }
            out.sort(order); // stable: ties keep the generated order
        }
        return out;
    }

    private static Comparator<Entity> comparator(String field) {
        Comparator<String> text = Comparator.nullsFirst(Comparator.naturalOrder());
        return switch (field) {
            case "date" -> Comparator.comparing(Entity::date, text);
            case "httpMethod" -> Comparator.comparing(Entity::httpMethod, text);
            case "templateUri" -> Comparator.comparing(Entity::templateUri, text);
            default -> Comparator.comparingLong(e -> e.counts()[metricIndex(field)]);
        };
    }

    private static int metricIndex(String field) {
        return switch (field) {
            case "requestCount" -> 5;
            case "status200" -> 0;
            case "status300" -> 1;
            case "status400" -> 2;
            case "status500" -> 3;
            default -> 4; // status429
        };
    }

    /** Writes one OrganizationPublicApiUsage entity. */
    static void write(Entity e, boolean[] metrics, JsonGenerator g) throws IOException {
        g.writeStartObject();
        if (e.date() != null) {
            g.writeStringField("date", e.date());
        }
        if (e.httpMethod() != null) {
            g.writeStringField("httpMethod", e.httpMethod());
        }
        if (e.templateUri() != null) {
            g.writeStringField("templateUri", e.templateUri());
        }
        String[] fields = {"requestCount", "status200", "status300", "status400", "status429", "status500"};
        for (int m = 0; m < METRICS.size(); m++) {
            if (metrics[m]) {
                g.writeNumberField(fields[m], e.counts()[METRIC_INDEX.get(METRICS.get(m))]);
            }
        }
        if (e.client() != null) {
            g.writeObjectFieldStart("oauthClient");
            if (e.withClientId()) {
                g.writeStringField("id", e.client().id());
            }
            if (e.withClientName()) {
                g.writeStringField("name", e.client().name());
            }
            if (e.withClientId()) {
                g.writeStringField("selfUri", "/api/v2/oauth/clients/" + e.client().id());
            }
            g.writeEndObject();
        }
        if (e.userId() != null && !e.userId().isEmpty()) {
            g.writeObjectFieldStart("user");
            g.writeStringField("id", e.userId());
            g.writeStringField("selfUri", "/api/v2/users/" + e.userId());
            g.writeEndObject();
        }
        g.writeEndObject();
    }
}
