package genesyslake.local.genesys;

import com.fasterxml.jackson.databind.JsonNode;
import com.mypurecloud.sdk.v2.model.ApiUsageOrganizationQuery;
import com.mypurecloud.sdk.v2.model.AsyncConversationQuery;
import com.mypurecloud.sdk.v2.model.AsyncUserDetailsQuery;
import com.mypurecloud.sdk.v2.model.ConversationDetailQueryPredicate;
import com.mypurecloud.sdk.v2.model.ConversationQuery;
import com.mypurecloud.sdk.v2.model.PresenceDetailQueryPredicate;
import com.mypurecloud.sdk.v2.model.RoutingStatusDetailQueryPredicate;
import com.mypurecloud.sdk.v2.model.SegmentDetailQueryPredicate;
import com.mypurecloud.sdk.v2.model.UserDetailQueryPredicate;
import com.mypurecloud.sdk.v2.model.UserDetailsQuery;
import genesyslake.testsupport.FlowTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The local Genesys accepts every value the SDK's request enums have (read reflectively from the SDK classes, so
 * a newer SDK widens the test by itself) and refuses, with a 400 naming the field and the value, what they do not
 * have; metric and property predicates, order unordered and every orderBy work as documented.
 */
@FlowTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryValidationTest {

    private static final String HOUR = "2026-10-05T10:00:00.000Z/2026-10-05T11:00:00.000Z";
    private static final String DAY = "2026-10-05T00:00:00.000Z/2026-10-06T00:00:00.000Z";
    private static final String CONV_QUERY = "/api/v2/analytics/conversations/details/query";
    private static final String CONV_JOBS = "/api/v2/analytics/conversations/details/jobs";
    private static final String USER_QUERY = "/api/v2/analytics/users/details/query";
    private static final String USER_JOBS = "/api/v2/analytics/users/details/jobs";
    private LocalGenesys genesys;
    private GenesysHttpTestClient client;

    @BeforeAll
    void start() throws Exception {
        genesys = new LocalGenesys(LocalGenesysSettings.defaults()).start();
        client = new GenesysHttpTestClient(genesys);
    }

    @AfterAll
    void stop() {
        genesys.close();
    }

    /** The JSON values of an SDK enum, reflectively, without the SDK's OUTDATEDSDKVERSION placeholder. */
    private static List<String> sdkValues(Class<? extends Enum<?>> type) {
        List<String> out = new ArrayList<>();
        for (Enum<?> e : type.getEnumConstants()) {
            if (!e.name().equals("OUTDATEDSDKVERSION")) {
                out.add(e.toString());
            }
        }
        assertFalse(out.isEmpty(), type.getName());
        return out;
    }

    private int status(String path, String body) throws Exception {
        return client.send("POST", path, body).statusCode();
    }

    private void accepted(String path, String body) throws Exception {
        var r = client.send("POST", path, body);
        assertTrue(r.statusCode() == 200 || r.statusCode() == 202,
                path + " " + body + " -> " + r.statusCode() + " " + new String(r.body(), StandardCharsets.UTF_8));
    }

    private static String filter(String field, String predicate) {
        return ",\"" + field + "\":[{\"type\":\"and\",\"predicates\":[" + predicate + "]}]";
    }

    @Test
    void everySdkOrderAndOrderByIsAccepted() throws Exception {
        for (String order : sdkValues(ConversationQuery.OrderEnum.class)) {
            for (String orderBy : sdkValues(ConversationQuery.OrderByEnum.class)) {
                accepted(CONV_QUERY, "{\"interval\":\"" + HOUR + "\",\"order\":\"" + order + "\",\"orderBy\":\""
                        + orderBy + "\"}");
            }
        }
        for (String order : sdkValues(AsyncConversationQuery.OrderEnum.class)) {
            for (String orderBy : sdkValues(AsyncConversationQuery.OrderByEnum.class)) {
                accepted(CONV_JOBS, "{\"interval\":\"" + HOUR + "\",\"order\":\"" + order + "\",\"orderBy\":\""
                        + orderBy + "\"}");
            }
        }
        for (String order : sdkValues(UserDetailsQuery.OrderEnum.class)) {
            accepted(USER_QUERY, "{\"interval\":\"" + HOUR + "\",\"order\":\"" + order + "\"}");
        }
        for (String order : sdkValues(AsyncUserDetailsQuery.OrderEnum.class)) {
            accepted(USER_JOBS, "{\"interval\":\"" + HOUR + "\",\"order\":\"" + order + "\"}");
        }
        assertTrue(sdkValues(ConversationQuery.OrderEnum.class).contains("unordered"));
    }

    @Test
    void everySdkDimensionMetricAndOperatorIsAccepted() throws Exception {
        for (String op : sdkValues(SegmentDetailQueryPredicate.OperatorEnum.class)) {
            for (String d : sdkValues(SegmentDetailQueryPredicate.DimensionEnum.class)) {
                accepted(CONV_QUERY, "{\"interval\":\"" + HOUR + "\"" + filter("segmentFilters",
                        "{\"type\":\"dimension\",\"dimension\":\"" + d + "\",\"operator\":\"" + op
                                + "\",\"value\":\"x\"}") + "}");
            }
        }
        for (String m : sdkValues(SegmentDetailQueryPredicate.MetricEnum.class)) {
            accepted(CONV_QUERY, "{\"interval\":\"" + HOUR + "\"" + filter("segmentFilters",
                    "{\"type\":\"metric\",\"metric\":\"" + m + "\",\"range\":{\"gte\":1000}}") + "}");
        }
        for (String pt : sdkValues(SegmentDetailQueryPredicate.PropertyTypeEnum.class)) {
            accepted(CONV_QUERY, "{\"interval\":\"" + HOUR + "\"" + filter("segmentFilters",
                    "{\"type\":\"property\",\"propertyType\":\"" + pt + "\",\"property\":\"p\",\"operator\":\"exists\"}")
                    + "}");
        }
        for (String d : sdkValues(ConversationDetailQueryPredicate.DimensionEnum.class)) {
            accepted(CONV_JOBS, "{\"interval\":\"" + HOUR + "\"" + filter("conversationFilters",
                    "{\"type\":\"dimension\",\"dimension\":\"" + d + "\",\"value\":\"x\"}") + "}");
        }
        for (String m : sdkValues(ConversationDetailQueryPredicate.MetricEnum.class)) {
            accepted(CONV_QUERY, "{\"interval\":\"" + HOUR + "\"" + filter("conversationFilters",
                    "{\"type\":\"metric\",\"metric\":\"" + m + "\",\"range\":{\"gt\":0,\"lte\":3600000}}") + "}");
        }
        for (String d : sdkValues(UserDetailQueryPredicate.DimensionEnum.class)) {
            accepted(USER_QUERY, "{\"interval\":\"" + HOUR + "\"" + filter("userFilters",
                    "{\"dimension\":\"" + d + "\",\"value\":\"x\"}") + "}");
        }
        for (String d : sdkValues(PresenceDetailQueryPredicate.DimensionEnum.class)) {
            accepted(USER_JOBS, "{\"interval\":\"" + HOUR + "\"" + filter("presenceFilters",
                    "{\"dimension\":\"" + d + "\",\"value\":\"x\"}") + "}");
        }
        for (String d : sdkValues(RoutingStatusDetailQueryPredicate.DimensionEnum.class)) {
            accepted(USER_QUERY, "{\"interval\":\"" + HOUR + "\"" + filter("routingStatusFilters",
                    "{\"dimension\":\"" + d + "\",\"value\":\"x\"}") + "}");
        }
    }

    @Test
    void everySdkUsageGroupByMetricAndGranularityIsAccepted() throws Exception {
        List<String> groupBy = sdkValues(ApiUsageOrganizationQuery.GroupByEnum.class);
        List<String> metrics = sdkValues(ApiUsageOrganizationQuery.MetricsEnum.class);
        assertEquals(Set.copyOf(Usage.GROUP_BY), Set.copyOf(groupBy));
        assertEquals(Set.copyOf(Usage.METRICS), Set.copyOf(metrics));
        for (String g : sdkValues(ApiUsageOrganizationQuery.GranularityEnum.class)) {
            for (String by : groupBy) {
                for (String m : metrics) {
                    var r = client.send("POST", "/api/v2/usage/query", "{\"interval\":\"2026-10-01/2026-10-03\","
                            + "\"granularity\":\"" + g + "\",\"groupBy\":[\"" + by + "\"],\"metrics\":[\"" + m + "\"]}");
                    assertEquals(202, r.statusCode(), g + " " + by + " " + m);
                }
            }
        }
    }

    @Test
    void valuesTheSdkDoesNotHaveAreRefusedNamingFieldAndValue() throws Exception {
        String[][] cases = {
            {CONV_QUERY, "{\"interval\":\"" + HOUR + "\",\"order\":\"random\"}", "order", "random"},
            {CONV_QUERY, "{\"interval\":\"" + HOUR + "\",\"orderBy\":\"queueId\"}", "orderBy", "queueId"},
            {CONV_JOBS, "{\"interval\":\"" + HOUR + "\",\"orderBy\":\"conversationstart\"}", "orderBy",
                "conversationstart"},
            {CONV_QUERY, "{\"interval\":\"" + HOUR + "\"" + filter("segmentFilters",
                    "{\"dimension\":\"colour\",\"value\":\"red\"}") + "}",
                "segmentFilters[0].predicates[0].dimension", "colour"},
            {CONV_JOBS, "{\"interval\":\"" + HOUR + "\"" + filter("conversationFilters",
                    "{\"dimension\":\"mediaStatsMinConversationRFactor\",\"value\":\"80\"}") + "}",
                "conversationFilters[0].predicates[0].dimension", "mediaStatsMinConversationRFactor"},
            {CONV_QUERY, "{\"interval\":\"" + HOUR + "\"" + filter("conversationFilters",
                    "{\"type\":\"metric\",\"metric\":\"tBogus\",\"range\":{\"gt\":1}}") + "}",
                "conversationFilters[0].predicates[0].metric", "tBogus"},
            {CONV_QUERY, "{\"interval\":\"" + HOUR + "\"" + filter("segmentFilters",
                    "{\"type\":\"attribute\",\"dimension\":\"mediaType\",\"value\":\"voice\"}") + "}",
                "segmentFilters[0].predicates[0].type", "attribute"},
            {CONV_QUERY, "{\"interval\":\"" + HOUR + "\"" + filter("segmentFilters",
                    "{\"dimension\":\"mediaType\",\"operator\":\"like\",\"value\":\"v\"}") + "}",
                "segmentFilters[0].predicates[0].operator", "like"},
            {CONV_QUERY, "{\"interval\":\"" + HOUR + "\",\"segmentFilters\":[{\"type\":\"xor\",\"predicates\":[]}]}",
                "segmentFilters[0].type", "xor"},
            {USER_JOBS, "{\"interval\":\"" + HOUR + "\"" + filter("presenceFilters",
                    "{\"dimension\":\"userId\",\"value\":\"x\"}") + "}",
                "presenceFilters[0].predicates[0].dimension", "userId"},
            {USER_QUERY, "{\"interval\":\"" + HOUR + "\",\"order\":\"sideways\"}", "order", "sideways"},
            {"/api/v2/usage/query", "{\"interval\":\"2026-10-01/2026-10-03\",\"granularity\":\"Hour\"}",
                "granularity", "Hour"},
            {"/api/v2/usage/query", "{\"interval\":\"2026-10-01/2026-10-03\",\"groupBy\":[\"Queue\"]}",
                "groupBy[0]", "Queue"},
            {"/api/v2/usage/query", "{\"interval\":\"2026-10-01/2026-10-03\",\"metrics\":[\"Requests\",\"Status418\"]}",
                "metrics[1]", "Status418"},
        };
        for (String[] c : cases) {
            var r = client.send("POST", c[0], c[1]);
            String body = new String(r.body(), StandardCharsets.UTF_8);
            assertEquals(400, r.statusCode(), c[1] + " -> " + body);
            JsonNode error = GenesysHttpTestClient.MAPPER.readTree(body);
            assertEquals("bad.request", error.path("code").asText());
            String message = error.path("message").asText();
            assertTrue(message.contains(c[2] + ":") && message.contains("'" + c[3] + "'"),
                    "names " + c[2] + " and " + c[3] + ": " + message);
        }
    }

    private List<JsonNode> job(String body) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String r : client.jobRecords("conversations", body, 1000, null)) {
            out.add(GenesysHttpTestClient.MAPPER.readTree(r));
        }
        return out;
    }

    private static boolean anyMetric(JsonNode c, String name, long atLeast) {
        for (JsonNode p : c.path("participants")) {
            for (JsonNode s : p.path("sessions")) {
                for (JsonNode m : s.path("metrics")) {
                    if (m.path("name").asText().equals(name) && m.path("value").asLong() >= atLeast) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static boolean anySegmentLonger(JsonNode c, long ms) {
        for (JsonNode p : c.path("participants")) {
            for (JsonNode s : p.path("sessions")) {
                for (JsonNode g : s.path("segments")) {
                    long d = Instant.parse(g.path("segmentEnd").asText()).toEpochMilli()
                            - Instant.parse(g.path("segmentStart").asText()).toEpochMilli();
                    if (d >= ms) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static List<String> ids(List<JsonNode> records) {
        return records.stream().map(c -> c.path("conversationId").asText()).toList();
    }

    @Test
    void metricAndPropertyPredicatesSelectWhatTheyDescribe() throws Exception {
        List<JsonNode> all = job("{\"interval\":\"" + DAY + "\"}");

        List<JsonNode> longTalks = job("{\"interval\":\"" + DAY + "\"" + filter("conversationFilters",
                "{\"type\":\"metric\",\"metric\":\"tTalk\",\"operator\":\"matches\",\"range\":{\"gte\":600000}}") + "}");
        List<String> expected = ids(all.stream().filter(c -> anyMetric(c, "tTalk", 600_000)).toList());
        assertTrue(expected.size() > 10 && expected.size() < all.size() / 2, expected.size() + " of " + all.size());
        assertEquals(expected, ids(longTalks));

        List<JsonNode> longSegments = job("{\"interval\":\"" + DAY + "\"" + filter("segmentFilters",
                "{\"type\":\"metric\",\"metric\":\"tSegmentDuration\",\"range\":{\"gte\":900000}}") + "}");
        expected = ids(all.stream().filter(c -> anySegmentLonger(c, 900_000)).toList());
        assertTrue(expected.size() > 10 && expected.size() < all.size(), expected.size() + " of " + all.size());
        assertEquals(expected, ids(longSegments));

        // The local organization has no custom properties: matches finds nothing, notExists everything.
        assertEquals(List.of(), ids(job("{\"interval\":\"" + DAY + "\"" + filter("segmentFilters",
                "{\"type\":\"property\",\"propertyType\":\"string\",\"property\":\"tier\",\"value\":\"gold\"}") + "}")));
        assertEquals(ids(all), ids(job("{\"interval\":\"" + DAY + "\"" + filter("segmentFilters",
                "{\"type\":\"property\",\"propertyType\":\"string\",\"property\":\"tier\",\"operator\":\"notExists\"}")
                + "}")));
        // Nor evaluations: an evaluation filter leaves nothing.
        assertEquals(List.of(), ids(job("{\"interval\":\"" + DAY + "\",\"evaluationFilters\":[{\"type\":\"and\","
                + "\"predicates\":[{\"dimension\":\"evaluatorId\",\"value\":\"x\"}]}]}")));
    }

    @Test
    void unorderedAndEveryOrderByReturnTheSameConversations() throws Exception {
        JsonNode asc = client.json("POST", CONV_QUERY, "{\"interval\":\"" + HOUR + "\",\"order\":\"asc\","
                + "\"paging\":{\"pageSize\":100,\"pageNumber\":1}}");
        int total = asc.path("totalHits").asInt();
        assertTrue(total > 10 && total <= 100, "one page holds the hour: " + total);
        Set<String> ascIds = new HashSet<>();
        asc.path("conversations").forEach(c -> ascIds.add(c.path("conversationId").asText()));
        for (String orderBy : sdkValues(ConversationQuery.OrderByEnum.class)) {
            for (String order : sdkValues(ConversationQuery.OrderEnum.class)) {
                JsonNode page = client.json("POST", CONV_QUERY, "{\"interval\":\"" + HOUR + "\",\"order\":\"" + order
                        + "\",\"orderBy\":\"" + orderBy + "\",\"paging\":{\"pageSize\":100,\"pageNumber\":1}}");
                assertEquals(total, page.path("totalHits").asInt());
                Set<String> got = new HashSet<>();
                List<Instant> keys = new ArrayList<>();
                for (JsonNode c : page.path("conversations")) {
                    got.add(c.path("conversationId").asText());
                    keys.add(Instant.parse(c.path(orderBy.endsWith("End") ? "conversationEnd" : "conversationStart")
                            .asText()));
                }
                assertEquals(ascIds, got, order + " " + orderBy);
                for (int i = 1; i < keys.size(); i++) {
                    int cmp = keys.get(i - 1).compareTo(keys.get(i));
                    assertTrue(order.equals("desc") ? cmp >= 0 : cmp <= 0, order + " " + orderBy + " at " + i);
                }
            }
        }
    }
}
