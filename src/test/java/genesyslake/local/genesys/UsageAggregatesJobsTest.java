package genesyslake.local.genesys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mypurecloud.sdk.v2.model.ErrorBody;
import genesyslake.genesys.GenesysApiException;
import genesyslake.genesys.GenesysEndpoints;
import genesyslake.genesys.GenesysHttp;
import genesyslake.genesys.RateGovernor;
import genesyslake.genesys.RetryPolicy;
import genesyslake.testsupport.FlowTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The usage aggregates jobs API (POST /api/v2/usage/aggregates/query/jobs, GET …/jobs/{jobId} with pageSize and an
 * after cursor) over plain HTTP with the daemon's own client: Running per running-polls, then Succeeded pages that
 * add up to the dataset's entities, the same numbers as the legacy API plus Genesys' own clients, documented shapes.
 */
@FlowTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UsageAggregatesJobsTest {

    private static final String JOBS = "/api/v2/usage/aggregates/query/jobs";
    private static final Set<String> RESULT_FIELDS = Set.of("name", "queryStatus", "errorBody", "nextUri", "entities",
            "selfUri");
    private static final Set<String> ENTITY_FIELDS = Set.of("date", "platform", "httpMethod", "templateUri",
            "requestCount", "status200", "status300", "status400", "status429", "status500", "oauthClient", "user");
    private static final Set<String> STATUSES = Set.of("Queued", "Running", "Succeeded", "Failed", "Cancelled");
    private LocalGenesys genesys;
    private GenesysHttp http;
    private String interval;
    private LocalDate first;
    private LocalDate end;

    @BeforeAll
    void start() {
        genesys = new LocalGenesys(LocalGenesysSettings.defaults()).start();
        URI url = URI.create(genesys.baseUrl());
        http = new GenesysHttp(new GenesysEndpoints(url, url), "local-client", "local-secret", new RateGovernor(0),
                new RetryPolicy(1, Duration.ofMillis(10), Duration.ofMillis(10)), Duration.ofSeconds(60));
        // The API takes only the last year and at most 90 days: a 30-day window ending 10 days ago.
        end = LocalDate.now(ZoneOffset.UTC).minusDays(10);
        first = end.minusDays(30);
        interval = first + "T00:00:00.000Z/" + end + "T00:00:00.000Z";
    }

    @AfterAll
    void stop() {
        genesys.close();
    }

    @BeforeEach
    void reset() {
        genesys.faults().reset();
    }

    private record Run(List<JsonNode> documents, List<JsonNode> entities) {
    }

    /** Submits, polls through Running, pages to the end by nextUri's after cursor. */
    private Run run(String query, int pageSize) {
        JsonNode submitted = http.postJson(JOBS, query.getBytes(StandardCharsets.UTF_8));
        String id = submitted.path("id").asText();
        assertEquals(Set.of("id", "resultsUri", "selfUri"), fieldNames(submitted));
        assertEquals(JOBS + "/" + id, submitted.path("resultsUri").asText());
        List<JsonNode> documents = new ArrayList<>();
        List<JsonNode> entities = new ArrayList<>();
        Map<String, String> params = new HashMap<>(Map.of("pageSize", Integer.toString(pageSize)));
        while (true) {
            JsonNode doc = http.getJson(submitted.path("resultsUri").asText(), params);
            documents.add(doc);
            assertTrue(RESULT_FIELDS.containsAll(fieldNames(doc)), "documented fields only: " + fieldNames(doc));
            assertTrue(STATUSES.contains(doc.path("queryStatus").asText()), doc.toString());
            if (doc.path("queryStatus").asText().equals("Running")) {
                continue;
            }
            if (!doc.path("queryStatus").asText().equals("Succeeded")) {
                return new Run(documents, entities);
            }
            doc.path("entities").forEach(entities::add);
            if (!doc.hasNonNull("nextUri")) {
                return new Run(documents, entities);
            }
            URI next = URI.create(doc.path("nextUri").asText());
            assertEquals(JOBS + "/" + id, next.getPath());
            params.clear();
            for (String kv : next.getRawQuery().split("&")) {
                int eq = kv.indexOf('=');
                params.put(kv.substring(0, eq), URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
    }

    private static Set<String> fieldNames(JsonNode n) {
        Set<String> out = new HashSet<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void aJobRunsThenPagesExactlyTheDatasetsEntities() {
        String query = "{\"interval\":\"" + interval + "\",\"granularity\":\"Day\",\"groupBy\":[\"OauthClientId\","
                + "\"OauthClientName\"]}";
        Run run = run(query, 250);
        assertEquals("Running", run.documents().get(0).path("queryStatus").asText());
        assertEquals("Running", run.documents().get(1).path("queryStatus").asText());
        assertEquals("Succeeded", run.documents().get(2).path("queryStatus").asText());
        List<ObjectNode> expected = genesys.dataset().usageAggregateEntities(query);
        assertTrue(expected.size() > 600, "about 40 clients on 30 days: " + expected.size());
        assertEquals(2 + (expected.size() + 249) / 250, run.documents().size(), "Running twice, then full pages");
        assertEquals(expected, run.entities());
        for (JsonNode e : run.entities()) {
            assertTrue(ENTITY_FIELDS.containsAll(fieldNames(e)), "documented fields only: " + e);
            assertTrue(e.path("date").asText().matches("\\d{4}-\\d{2}-\\d{2}"), "a yyyy-MM-dd date: " + e);
            assertEquals(e.path("requestCount").asLong(), e.path("status200").asLong() + e.path("status300").asLong()
                    + e.path("status400").asLong() + e.path("status500").asLong(), e.toString());
            assertTrue(e.path("status429").asLong() <= e.path("status400").asLong(), e.toString());
            assertEquals("/api/v2/oauth/clients/" + e.path("oauthClient").path("id").asText(),
                    e.path("oauthClient").path("selfUri").asText());
        }
    }

    @Test
    void sameNumbersAsTheLegacyApiPlusGenesysOwnClients() {
        Run run = run("{\"interval\":\"" + interval + "\",\"granularity\":\"Week\",\"groupBy\":[\"OauthClientId\"]}",
                1000);
        Map<String, Long> jobs = new HashMap<>();
        for (JsonNode e : run.entities()) {
            jobs.put(e.path("date").asText() + " " + e.path("oauthClient").path("id").asText(),
                    e.path("requestCount").asLong());
        }
        Map<String, Long> legacy = new HashMap<>();
        for (ObjectNode r : genesys.dataset().usageRecords("{\"interval\":\"" + interval + "\",\"granularity\":\"Week\","
                + "\"groupBy\":[\"OAuthClientId\"]}")) {
            legacy.put(r.path("date").asText().substring(0, 10) + " " + r.path("clientId").asText(),
                    r.path("requests").asLong());
        }
        List<String> builtin = genesys.dataset().builtinOauthClientIds();
        Map<String, Long> withoutBuiltin = new HashMap<>(jobs);
        withoutBuiltin.keySet().removeIf(k -> builtin.stream().anyMatch(k::endsWith));
        assertEquals(legacy, withoutBuiltin, "the same cells as /api/v2/usage/query");
        for (String b : builtin) {
            assertTrue(jobs.keySet().stream().anyMatch(k -> k.endsWith(b)), "the jobs API reports " + b);
            assertFalse(legacy.keySet().stream().anyMatch(k -> k.endsWith(b)), "the legacy API hides " + b);
        }
    }

    @Test
    void withoutGroupByTheDataIsNotAggregatedAndFiltersAndSortApply() {
        Run grouped = run("{\"interval\":\"" + interval + "\",\"granularity\":\"Month\",\"groupBy\":[\"HttpMethod\"]}",
                1000);
        Run raw = run("{\"interval\":\"" + interval + "\",\"granularity\":\"Month\"}", 1000);
        assertTrue(raw.entities().size() > 10 * grouped.entities().size());
        JsonNode any = raw.entities().get(0);
        assertNotNull(any.get("oauthClient"));
        assertNotNull(any.get("templateUri"));
        assertNotNull(any.get("httpMethod"));
        long total = raw.entities().stream().mapToLong(e -> e.path("requestCount").asLong()).sum();
        assertEquals(total, grouped.entities().stream().mapToLong(e -> e.path("requestCount").asLong()).sum());

        Run posts = run("{\"interval\":\"" + interval + "\",\"httpMethods\":[\"POST\"],\"metrics\":[\"Requests\","
                + "\"Status429\"],\"sortBy\":[{\"fieldName\":\"requestCount\",\"order\":\"Desc\"}]}", 100);
        assertFalse(posts.entities().isEmpty());
        long previous = Long.MAX_VALUE;
        for (JsonNode e : posts.entities()) {
            assertEquals("POST", e.path("httpMethod").asText());
            assertEquals(Set.of("httpMethod", "templateUri", "requestCount", "status429", "oauthClient", "user"),
                    union(fieldNames(e), Set.of("user")), "only the asked metrics, no date without granularity");
            assertTrue(e.path("requestCount").asLong() <= previous, "sorted by requestCount descending");
            previous = e.path("requestCount").asLong();
        }
        assertTrue(run("{\"interval\":\"" + interval + "\",\"platforms\":[\"PublicApi\"]}", 100).entities().isEmpty(),
                "the local data has no platform");
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> out = new HashSet<>(a);
        out.addAll(b);
        return out;
    }

    @Test
    void aFailedJobCarriesAnErrorBody() {
        genesys.faults().failNextUsageQueries(1);
        Run run = run("{\"interval\":\"" + interval + "\"}", 100);
        JsonNode last = run.documents().get(run.documents().size() - 1);
        assertEquals("Failed", last.path("queryStatus").asText());
        ErrorBody error = StrictModelTest.read(last.path("errorBody").toString().getBytes(StandardCharsets.UTF_8),
                ErrorBody.class, "errorBody");
        assertEquals(500, error.getStatus());
    }

    @Test
    void refusesWhatTheApiRefuses() {
        String[][] cases = {
            {"{\"interval\":\"" + interval + "\",\"groupBy\":[\"OAuthClientId\"]}", "groupBy[0]", "OAuthClientId"},
            {"{\"interval\":\"" + interval + "\",\"metrics\":[\"Status418\"]}", "metrics[0]", "Status418"},
            {"{\"interval\":\"" + interval + "\",\"granularity\":\"Hour\"}", "granularity", "Hour"},
            {"{\"interval\":\"" + interval + "\",\"httpMethods\":[\"TRACE\"]}", "httpMethods[0]", "TRACE"},
            {"{\"interval\":\"" + interval + "\",\"sortBy\":[{\"fieldName\":\"colour\"}]}", "sortBy[0].fieldName",
                "colour"},
            {"{\"interval\":\"" + end.minusDays(91) + "T00:00:00Z/" + end + "T00:00:00Z\"}", "interval", "90 days"},
            {"{\"interval\":\"" + end.minusDays(400) + "T00:00:00Z/" + end.minusDays(380) + "T00:00:00Z\"}", "interval",
                "a year ago"},
        };
        for (String[] c : cases) {
            GenesysApiException e = assertThrows(GenesysApiException.class,
                    () -> http.postJson(JOBS, c[0].getBytes(StandardCharsets.UTF_8)), c[0]);
            assertEquals(400, e.status());
            assertEquals("bad.request", e.code());
            assertTrue(e.getMessage().contains(c[1]) && e.getMessage().contains(c[2]), e.getMessage());
        }
        String id = http.postJson(JOBS, ("{\"interval\":\"" + interval + "\"}").getBytes(StandardCharsets.UTF_8))
                .path("id").asText();
        assertEquals(400, assertThrows(GenesysApiException.class,
                () -> http.getJson(JOBS + "/" + id, Map.of("pageSize", "1001"))).status());
        assertEquals(404, assertThrows(GenesysApiException.class,
                () -> http.getJson(JOBS + "/nope", Map.of())).status());
    }
}
