package genesyslake.local.genesys;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.OutputStream;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * API usage rows of the local organization. The base grain is (day, OAuth client, template URI, HTTP method); each
 * client calls a seeded subset of endpoints with a seeded daily volume, and rate-limited clients collect 429s.
 * Queries aggregate that grain bucket by bucket, so memory stays bounded however long the interval.
 */
final class Usage {

    static final List<String> GROUP_BY = List.of("OAuthClientId", "OrganizationId", "UserId", "TemplateUri",
            "HttpMethod");
    static final List<String> METRICS = List.of("Status200", "Status300", "Status400", "Status500", "Status429",
            "Requests");
    private static final String[] METRIC_FIELDS = {"status200", "status300", "status400", "status500", "status429",
        "requests"};
    private static final JsonFactory JSON = JsonFactory.builder()
            .disable(com.fasterxml.jackson.core.StreamWriteFeature.AUTO_CLOSE_TARGET).build();

    record Endpoint(String templateUri, String method, double weight) {
    }

    static final List<Endpoint> ENDPOINTS;

    static {
        String[][] table = {
            {"/api/v2/users/{userId}", "GET,PATCH"},
            {"/api/v2/users", "GET,POST"},
            {"/api/v2/users/{userId}/presences/{sourceId}", "GET,PATCH"},
            {"/api/v2/users/{userId}/routingstatus", "GET,PUT"},
            {"/api/v2/analytics/conversations/details/query", "POST"},
            {"/api/v2/analytics/conversations/details/jobs", "POST"},
            {"/api/v2/analytics/conversations/details/jobs/{jobId}", "GET,DELETE"},
            {"/api/v2/analytics/conversations/details/jobs/{jobId}/results", "GET"},
            {"/api/v2/analytics/users/details/query", "POST"},
            {"/api/v2/analytics/conversations/aggregates/query", "POST"},
            {"/api/v2/analytics/queues/observations/query", "POST"},
            {"/api/v2/conversations/{conversationId}", "GET"},
            {"/api/v2/conversations/calls/{conversationId}", "GET,PATCH"},
            {"/api/v2/conversations/calls/{conversationId}/participants/{participantId}", "PATCH"},
            {"/api/v2/conversations/emails", "GET,POST"},
            {"/api/v2/conversations/chats/{conversationId}", "GET"},
            {"/api/v2/routing/queues", "GET,POST"},
            {"/api/v2/routing/queues/{queueId}", "GET,PUT,DELETE"},
            {"/api/v2/routing/queues/{queueId}/members", "GET,POST"},
            {"/api/v2/routing/skills", "GET"},
            {"/api/v2/routing/wrapupcodes", "GET"},
            {"/api/v2/notifications/channels", "POST"},
            {"/api/v2/notifications/channels/{channelId}/subscriptions", "GET,PUT"},
            {"/api/v2/externalcontacts/contacts", "GET,POST"},
            {"/api/v2/externalcontacts/contacts/{contactId}", "GET,PUT,DELETE"},
            {"/api/v2/workforcemanagement/businessunits/{businessUnitId}/weeks/{weekId}/schedules", "GET,POST"},
            {"/api/v2/workforcemanagement/managementunits/{managementUnitId}/users", "GET"},
            {"/api/v2/architect/flows", "GET"},
            {"/api/v2/groups", "GET"},
            {"/api/v2/authorization/divisions", "GET"},
            {"/api/v2/usage/query", "POST"},
            {"/api/v2/usage/query/{executionId}/results", "GET"},
            {"/api/v2/outbound/campaigns/{campaignId}", "GET,PUT"},
            {"/api/v2/organizations/me", "GET"},
        };
        List<Endpoint> list = new ArrayList<>();
        for (int i = 0; i < table.length; i++) {
            for (String m : table[i][1].split(",")) {
                double weight = (m.equals("GET") ? 1.6 : 0.5) * (0.2 + 2.8 * Det.unit(7, i, m.hashCode()));
                list.add(new Endpoint(table[i][0], m, weight));
            }
        }
        ENDPOINTS = List.copyOf(list);
    }

    /** A parsed, validated usage query; days are epoch days [firstDay, endDay). */
    record Query(long firstDay, long endDay, String granularity, boolean[] groupBy, boolean[] metrics) {
    }

    /** One output row; null strings mean "not grouped by" and are written as "". */
    record Row(String date, String clientId, String clientName, String organizationId, String userId,
            String templateUri, String httpMethod, long[] counts) {
    }

    private final Org org;

    Usage(Org org) {
        this.org = org;
    }

    static Query parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new BadRequest("The request body must be a usage query object");
        }
        SdkSchema.check(body, com.mypurecloud.sdk.v2.model.ApiUsageOrganizationQuery.class);
        Intervals.Span span = Intervals.parse(body.path("interval").asText(null), "interval");
        long firstDay = span.firstDay();
        long endDay = Math.floorDiv(span.endMs() + Det.DAY_MS - 1, Det.DAY_MS);
        JsonNode g = body.get("granularity");
        String granularity = null;
        if (g != null && !g.isNull() && !g.asText().isEmpty()) {
            granularity = switch (g.asText()) {
                case "Day", "Week", "Month" -> g.asText();
                default -> throw new BadRequest("Invalid granularity '" + g.asText() + "': expected Day, Week or Month");
            };
        }
        boolean[] groupBy = flags(body.get("groupBy"), "groupBy", GROUP_BY, false);
        boolean[] metrics = flags(body.get("metrics"), "metrics", METRICS, true);
        return new Query(firstDay, endDay, granularity, groupBy, metrics);
    }

    private static boolean[] flags(JsonNode node, String field, List<String> allowed, boolean allWhenEmpty) {
        boolean[] flags = new boolean[allowed.size()];
        if (node != null && !node.isNull()) {
            if (!node.isArray()) {
                throw new BadRequest(field + " must be an array");
            }
            for (JsonNode v : node) {
                int i = allowed.indexOf(v.asText());
                if (i < 0) {
                    throw new BadRequest("Invalid " + field + " value '" + v.asText() + "': expected one of "
                            + allowed);
                }
                flags[i] = true;
            }
        }
        if (allWhenEmpty && node == null || allWhenEmpty && node.isEmpty()) {
            java.util.Arrays.fill(flags, true);
        }
        return flags;
    }

    /** Counts [200, 300, 400, 500, 429, requests] of one base-grain cell (429 within 400); null = no row that day. */
    long[] cell(Org.Client c, int endpoint, long day) {
        if (!calls(c, endpoint)) {
            return null;
        }
        long[] counts = new long[6];
        return addCell(c, endpoint, day, counts) ? counts : null;
    }

    /** Whether the client calls the endpoint at all (on no day otherwise). */
    boolean calls(Org.Client c, int endpoint) {
        return Det.unit(org.seed, 60, c.index(), endpoint) < c.share();
    }

    /**
     * Adds the counts of the day's cell of an endpoint the client {@link #calls} to {@code acc}; false (nothing added)
     * when it has no row that day.
     */
    private boolean addCell(Org.Client c, int endpoint, long day, long[] acc) {
        if (Det.unit(org.seed, 61, c.index(), endpoint, day) < 0.12) {
            return false;
        }
        Endpoint e = ENDPOINTS.get(endpoint);
        // Epoch day 0 was a Thursday: (day + 3) mod 7 is 0 on Mondays, 5 and 6 at the weekend.
        boolean weekend = Math.floorMod(day + 3, 7) >= 5;
        double weekday = weekend ? (c.userId().isEmpty() ? 0.8 : 0.2) : 1;
        double noise = 0.5 + Det.unit(org.seed, 62, c.index(), endpoint, day);
        long requests = Math.round(c.dailyBase() * e.weight() * weekday * noise);
        if (requests <= 0) {
            return false;
        }
        long s429 = 0;
        if (c.rateLimited429() > 0 && Det.unit(org.seed, 63, c.index(), day) < (c.heavy() ? 0.9 : 0.5)) {
            s429 = Math.round(requests * c.rateLimited429() * (0.5 + Det.unit(org.seed, 64, c.index(), endpoint, day)));
        }
        // Genesys counts a 429 among the 4xx: status429 is part of status400, and
        // status200 + status300 + status400 + status500 = requests.
        long other4xx = Math.round(requests * 0.015 * Det.unit(org.seed, 65, c.index(), endpoint, day));
        long s500 = Det.unit(org.seed, 66, c.index(), endpoint, day) < 0.08 ? 1 + requests / 800 : 0;
        long s300 = e.method().equals("GET") && Det.unit(org.seed, 67, c.index(), endpoint, day) < 0.03 ? 1 : 0;
        s429 = Math.min(s429, requests);
        other4xx = Math.min(other4xx, requests - s429);
        s500 = Math.min(s500, requests - s429 - other4xx);
        s300 = Math.min(s300, requests - s429 - other4xx - s500);
        long s400 = other4xx + s429;
        long s200 = requests - s300 - s400 - s500;
        acc[0] += s200;
        acc[1] += s300;
        acc[2] += s400;
        acc[3] += s500;
        acc[4] += s429;
        acc[5] += requests;
        return true;
    }

    /** One date bucket [fromDay, toDay) of an interval; bucketStart is null without granularity. */
    interface BucketSink {
        void bucket(long fromDay, long toDay, LocalDate bucketStart);
    }

    /** Splits [firstDay, endDay) into Day, Week (Monday) or Month buckets, clipped to the interval; one without. */
    static void buckets(long firstDay, long endDay, String granularity, BucketSink sink) {
        long day = firstDay;
        while (day < endDay) {
            LocalDate d = LocalDate.ofEpochDay(day);
            LocalDate bucketStart;
            LocalDate next;
            if (granularity == null) {
                bucketStart = null;
                next = LocalDate.ofEpochDay(endDay);
            } else {
                switch (granularity) {
                    case "Day" -> {
                        bucketStart = d;
                        next = d.plusDays(1);
                    }
                    case "Week" -> {
                        bucketStart = d.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
                        next = bucketStart.plusWeeks(1);
                    }
                    default -> {
                        bucketStart = d.withDayOfMonth(1);
                        next = bucketStart.plusMonths(1);
                    }
                }
            }
            long bucketEnd = Math.min(next.toEpochDay(), endDay);
            sink.bucket(day, bucketEnd, bucketStart);
            day = bucketEnd;
        }
    }

    /** Streams the rows of a query, bucket by bucket (date ascending), each bucket in client/endpoint order. */
    void rows(Query q, Consumer<Row> sink) {
        buckets(q.firstDay(), q.endDay(), q.granularity(), (from, to, start) ->
                bucket(q, from, to, start == null ? null : start + "T00:00:00Z", sink));
    }

    private void bucket(Query q, long fromDay, long toDay, String date, Consumer<Row> sink) {
        boolean[] gb = q.groupBy();
        Map<List<Object>, long[]> groups = new LinkedHashMap<>();
        Map<List<Object>, Row> keys = new LinkedHashMap<>();
        long[] sum = new long[6];
        for (Org.Client c : org.clients) {
            for (int e = 0; e < ENDPOINTS.size(); e++) {
                if (!calls(c, e)) {
                    continue;
                }
                // The group of a cell never depends on its day: a client and endpoint's days are summed first and go
                // into their group at once (the same sums, rows in the same order: a group appears at its first cell).
                java.util.Arrays.fill(sum, 0);
                boolean any = false;
                for (long day = fromDay; day < toDay; day++) {
                    any |= addCell(c, e, day, sum);
                }
                if (!any) {
                    continue;
                }
                Endpoint ep = ENDPOINTS.get(e);
                List<Object> key = java.util.Arrays.asList(gb[0] ? c.index() : null, gb[1] ? 1 : null,
                        gb[2] ? c.userId() : null, gb[3] ? ep.templateUri() : null, gb[4] ? ep.method() : null);
                long[] acc = groups.get(key);
                if (acc == null) {
                    acc = new long[6];
                    groups.put(key, acc);
                    keys.put(key, new Row(date, gb[0] ? c.id() : null, gb[0] ? c.name() : null,
                            gb[1] ? org.organizationId : null, gb[2] ? c.userId() : null,
                            gb[3] ? ep.templateUri() : null, gb[4] ? ep.method() : null, acc));
                }
                for (int i = 0; i < 6; i++) {
                    acc[i] += sum[i];
                }
            }
        }
        keys.values().forEach(sink);
    }

    static void writeRow(Row row, boolean[] metrics, JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("clientId", Objects.toString(row.clientId(), ""));
        g.writeStringField("clientName", Objects.toString(row.clientName(), ""));
        g.writeStringField("organizationId", Objects.toString(row.organizationId(), ""));
        g.writeStringField("userId", Objects.toString(row.userId(), ""));
        g.writeStringField("templateUri", Objects.toString(row.templateUri(), ""));
        g.writeStringField("httpMethod", Objects.toString(row.httpMethod(), ""));
        for (int i = 0; i < METRIC_FIELDS.length; i++) {
            if (metrics[i]) {
                g.writeNumberField(METRIC_FIELDS[i], row.counts()[i]);
            }
        }
        if (row.date() != null) {
            g.writeStringField("date", row.date());
        }
        g.writeEndObject();
    }

    /** Writes {"results":[...],"queryStatus":"Complete"} for the query, streaming. */
    void writeComplete(Query q, OutputStream out) throws IOException {
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeArrayFieldStart("results");
            IOException[] failure = new IOException[1];
            rows(q, row -> {
                if (failure[0] == null) {
                    try {
                        writeRow(row, q.metrics(), g);
                    } catch (IOException e) {
                        failure[0] = e;
                    }
                }
            });
            if (failure[0] != null) {
                throw failure[0];
            }
            g.writeEndArray();
            g.writeStringField("queryStatus", "Complete");
            g.writeEndObject();
        }
    }
}
