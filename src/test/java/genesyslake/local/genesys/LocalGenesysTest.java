package genesyslake.local.genesys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mypurecloud.sdk.v2.ApiClient;
import com.mypurecloud.sdk.v2.ApiException;
import com.mypurecloud.sdk.v2.api.AnalyticsApi;
import com.mypurecloud.sdk.v2.api.UsageApi;
import com.mypurecloud.sdk.v2.model.AnalyticsConversationWithoutAttributes;
import com.mypurecloud.sdk.v2.model.AnalyticsConversationAsyncQueryResponse;
import com.mypurecloud.sdk.v2.model.AnalyticsConversationQueryResponse;
import com.mypurecloud.sdk.v2.model.AnalyticsUserDetailsQueryResponse;
import com.mypurecloud.sdk.v2.model.ApiUsageOrganizationQuery;
import com.mypurecloud.sdk.v2.model.ApiUsageQueryResult;
import com.mypurecloud.sdk.v2.model.ApiUsageRow;
import com.mypurecloud.sdk.v2.model.AsyncConversationQuery;
import com.mypurecloud.sdk.v2.model.ConversationQuery;
import com.mypurecloud.sdk.v2.model.PagingSpec;
import com.mypurecloud.sdk.v2.model.UserDetailsQuery;
import genesyslake.testsupport.FlowTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The local Genesys Cloud answers the official SDK and raw clients with the dataset's exact data and injected faults. */
@FlowTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LocalGenesysTest {

    private static final LocalDate DAY = LocalDate.parse("2026-10-05");
    private static final String DAY_INTERVAL = "2026-10-05T00:00:00.000Z/2026-10-06T00:00:00.000Z";
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

    @BeforeEach
    void reset() {
        genesys.faults().reset();
    }

    private ApiClient sdk() {
        ApiClient api = ApiClient.Builder.standard().withBasePath(genesys.baseUrl()).build();
        api.setAccessToken(client.token);
        return api;
    }

    @Test
    void wrongClientGetsInvalidClient() throws Exception {
        var r = GenesysHttpTestClient.tokenResponse(genesys, "local-client", "nope");
        assertEquals(401, r.statusCode());
        assertEquals("invalid_client", GenesysHttpTestClient.MAPPER.readTree(r.body()).path("error").asText());
        var ok = GenesysHttpTestClient.tokenResponse(genesys, "local-client", "local-secret");
        JsonNode t = GenesysHttpTestClient.MAPPER.readTree(ok.body());
        assertEquals("bearer", t.path("token_type").asText());
        assertEquals(86399, t.path("expires_in").asInt());
    }

    @Test
    void apiNeedsValidBearerToken() throws Exception {
        var r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(genesys.baseUrl() + "/api/v2/analytics/conversations/details/jobs/availability"))
                .header("Authorization", "Bearer forged").build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(401, r.statusCode());
        assertEquals("bad.credentials", GenesysHttpTestClient.MAPPER.readTree(r.body()).path("code").asText());
    }

    @Test
    void sdkRunsUsageQueryThroughRunningToComplete() throws Exception {
        UsageApi usage = new UsageApi(sdk());
        ApiUsageOrganizationQuery query = new ApiUsageOrganizationQuery().interval("2026-10-01/2026-10-08")
                .granularity(ApiUsageOrganizationQuery.GranularityEnum.DAY)
                .groupBy(List.of(ApiUsageOrganizationQuery.GroupByEnum.OAUTHCLIENTID))
                .metrics(List.of(ApiUsageOrganizationQuery.MetricsEnum.STATUS200,
                        ApiUsageOrganizationQuery.MetricsEnum.STATUS429,
                        ApiUsageOrganizationQuery.MetricsEnum.REQUESTS));
        String id = usage.postUsageQuery(query).getExecutionId();
        ApiUsageQueryResult result;
        int running = 0;
        while ((result = usage.getUsageQueryExecutionIdResults(id)).getQueryStatus()
                == ApiUsageQueryResult.QueryStatusEnum.RUNNING) {
            running++;
        }
        assertEquals(2, running);
        assertEquals(ApiUsageQueryResult.QueryStatusEnum.COMPLETE, result.getQueryStatus());
        List<ObjectNode> expected = genesys.dataset().usageRecords(
                "{\"interval\":\"2026-10-01/2026-10-08\",\"granularity\":\"Day\",\"groupBy\":[\"OAuthClientId\"],"
                        + "\"metrics\":[\"Status200\",\"Status429\",\"Requests\"]}");
        assertEquals(expected.size(), result.getResults().size());
        assertTrue(expected.size() > 40 * 5, "about 40 clients on 7 days");
        ApiUsageRow first = result.getResults().get(0);
        assertEquals(expected.get(0).path("clientId").asText(), first.getClientId());
        assertEquals(expected.get(0).path("clientName").asText(), first.getClientName());
        assertEquals(expected.get(0).path("requests").asLong(), first.getRequests());
        assertEquals("", first.getTemplateUri());
        assertEquals(null, first.getStatus500(), "only requested metrics appear");
        assertTrue(result.getResults().stream().anyMatch(r -> r.getStatus429() > 0), "some clients are rate limited");
        assertTrue(expected.stream().anyMatch(r -> r.path("clientName").asText().equals("WFM Sync")));
        assertEquals("2026-10-01T00:00:00Z", expected.get(0).path("date").asText());
    }

    @Test
    void usageRejectsUnknownGroupByAndFailsOnRequest() throws Exception {
        var bad = client.send("POST", "/api/v2/usage/query", "{\"interval\":\"2021-01/2021-02\",\"groupBy\":[\"Queue\"]}");
        assertEquals(400, bad.statusCode());
        assertTrue(new String(bad.body(), StandardCharsets.UTF_8).contains("groupBy"));
        genesys.faults().failNextUsageQueries(1);
        String id = client.json("POST", "/api/v2/usage/query", "{\"interval\":\"2021-01/2021-02\"}").path("executionId").asText();
        String status;
        do {
            status = client.json("GET", "/api/v2/usage/query/" + id + "/results", null).path("queryStatus").asText();
        } while (status.equals("Running"));
        assertEquals("Failed", status);
        assertEquals(404, client.send("GET", "/api/v2/usage/query/nope/results", null).statusCode());
    }

    @Test
    void sdkConversationQueryAndJobMatchDataset() throws Exception {
        AnalyticsApi analytics = new AnalyticsApi(sdk());
        AnalyticsConversationQueryResponse page = analytics.postAnalyticsConversationsDetailsQuery(new ConversationQuery()
                .interval(DAY_INTERVAL).order(ConversationQuery.OrderEnum.ASC)
                .orderBy(ConversationQuery.OrderByEnum.CONVERSATIONSTART)
                .paging(new PagingSpec().pageSize(10).pageNumber(2)));
        assertEquals(500, page.getTotalHits());
        List<byte[]> day = genesys.dataset().conversationsStartingOn(DAY).toList();
        for (int i = 0; i < 10; i++) {
            JsonNode expected = GenesysHttpTestClient.MAPPER.readTree(day.get(10 + i));
            AnalyticsConversationWithoutAttributes c = page.getConversations().get(i);
            assertEquals(expected.path("conversationId").asText(), c.getConversationId());
            assertEquals(expected.path("participants").size(), c.getParticipants().size());
            assertNotNull(c.getParticipants().get(0).getSessions().get(0).getSegments().get(0).getSegmentType());
            assertFalse(c.getParticipants().get(0).getPurpose().toString().contains("OUTDATED"));
        }

        String jobId = analytics.postAnalyticsConversationsDetailsJobs(new AsyncConversationQuery()
                .interval(DAY_INTERVAL)).getJobId();
        String state;
        do {
            state = analytics.getAnalyticsConversationsDetailsJob(jobId).getState().toString();
        } while (!state.equals("FULFILLED"));
        List<String> ids = new ArrayList<>();
        String cursor = null;
        do {
            AnalyticsConversationAsyncQueryResponse r = analytics.getAnalyticsConversationsDetailsJobResults(jobId,
                    cursor, 200);
            r.getConversations().forEach(c -> ids.add(c.getConversationId()));
            cursor = r.getCursor();
        } while (cursor != null);
        List<byte[]> expected = genesys.dataset().conversationsForJob(
                GenesysHttpTestClient.MAPPER.readTree("{\"interval\":\"" + DAY_INTERVAL + "\"}"));
        assertEquals(expected.size(), ids.size());
        assertTrue(ids.size() > 500, "overlap matching also picks up calls that started the evening before");
        assertEquals(new HashSet<>(ids).size(), ids.size());
        for (int i = 0; i < ids.size(); i++) {
            assertEquals(GenesysHttpTestClient.MAPPER.readTree(expected.get(i)).path("conversationId").asText(), ids.get(i));
        }
        assertNotNull(analytics.getAnalyticsConversationsDetailsJobsAvailability().getDataAvailabilityDate());
    }

    @Test
    void sdkUserDetailsQuery() throws Exception {
        AnalyticsApi analytics = new AnalyticsApi(sdk());
        AnalyticsUserDetailsQueryResponse r = analytics.postAnalyticsUsersDetailsQuery(new UserDetailsQuery()
                .interval(DAY_INTERVAL).paging(new PagingSpec().pageSize(100).pageNumber(1)));
        List<byte[]> expected = genesys.dataset().userDetailsFor(DAY);
        assertEquals(expected.size(), r.getTotalHits());
        assertTrue(expected.size() > 20, "most agents work on a Monday");
        JsonNode first = GenesysHttpTestClient.MAPPER.readTree(expected.get(0));
        assertEquals(first.path("userId").asText(), r.getUserDetails().get(0).getUserId());
        assertEquals(first.path("primaryPresence").size(), r.getUserDetails().get(0).getPrimaryPresence().size());
        assertEquals(first.path("routingStatus").get(0).path("routingStatus").asText(),
                r.getUserDetails().get(0).getRoutingStatus().get(0).getRoutingStatus().toString());
    }

    @Test
    void throttledResponseCarriesRetryAfterVerbatim() throws Exception {
        genesys.faults().throttleNext(1, 7);
        try (Socket s = new Socket("127.0.0.1", genesys.port())) {
            OutputStream out = s.getOutputStream();
            out.write(("GET /api/v2/analytics/conversations/details/jobs/availability HTTP/1.1\r\nHost: x\r\n"
                    + "Authorization: Bearer " + client.token + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(response.startsWith("HTTP/1.1 429"), response);
            assertTrue(response.contains("\r\nRetry-After: 7\r\n"), response);
            assertTrue(response.contains("\"code\":\"too.many.requests.retry.after\""), response);
            assertTrue(response.contains("Retry the request in [7] seconds"), response);
        }
        assertTrue(genesys.stats().throttled() >= 1);
    }

    @Test
    void faultsServerErrorsUnauthorizedAndRateLimit() throws Exception {
        String path = "/api/v2/analytics/users/details/jobs/availability";
        genesys.faults().serverErrorNext(1, 503).unauthorizedNext(1);
        assertEquals(401, client.send("GET", path, null).statusCode());
        assertEquals(503, client.send("GET", path, null).statusCode());
        assertEquals(200, client.send("GET", path, null).statusCode());
        genesys.faults().setRequestsPerMinute(2);
        GenesysHttpTestClient fresh = new GenesysHttpTestClient(genesys);
        assertEquals(200, fresh.send("GET", path, null).statusCode());
        assertEquals(200, fresh.send("GET", path, null).statusCode());
        var limited = fresh.send("GET", path, null);
        assertEquals(429, limited.statusCode());
        int retry = Integer.parseInt(limited.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retry >= 1 && retry <= 60, "seconds until a slot frees: " + retry);
    }

    @Test
    void inboundVoiceSegmentFilter() throws Exception {
        String body = "{\"interval\":\"" + DAY_INTERVAL + "\",\"segmentFilters\":[{\"type\":\"and\",\"predicates\":["
                + "{\"type\":\"dimension\",\"dimension\":\"mediaType\",\"operator\":\"matches\",\"value\":\"voice\"},"
                + "{\"type\":\"dimension\",\"dimension\":\"direction\",\"operator\":\"matches\",\"value\":\"inbound\"}]}]}";
        List<String> records = client.jobRecords("conversations", body, 1000, null);
        int all = genesys.dataset().conversationsForJob(GenesysHttpTestClient.MAPPER.readTree(
                "{\"interval\":\"" + DAY_INTERVAL + "\"}")).size();
        assertTrue(records.size() > all / 3 && records.size() < all, records.size() + " of " + all);
        for (String r : records) {
            JsonNode c = GenesysHttpTestClient.MAPPER.readTree(r);
            boolean voiceInbound = false;
            for (JsonNode p : c.path("participants")) {
                for (JsonNode s : p.path("sessions")) {
                    voiceInbound |= s.path("mediaType").asText().equals("voice")
                            && s.path("direction").asText().equals("inbound");
                }
            }
            assertTrue(voiceInbound, r);
        }
        assertEquals(genesys.dataset().conversationsForJob(GenesysHttpTestClient.MAPPER.readTree(body)).size(),
                records.size());
    }

    @Test
    void presenceAndRoutingFiltersKeepOnlyMatchingEntries() throws Exception {
        String available = "{\"interval\":\"" + DAY_INTERVAL + "\",\"presenceFilters\":[{\"type\":\"or\",\"predicates\":["
                + "{\"type\":\"dimension\",\"dimension\":\"systemPresence\",\"operator\":\"matches\",\"value\":\"AVAILABLE\"}]}]}";
        List<String> users = client.jobRecords("users", available, 7, null);
        assertFalse(users.isEmpty());
        for (String u : users) {
            JsonNode n = GenesysHttpTestClient.MAPPER.readTree(u);
            assertTrue(n.path("primaryPresence").size() > 0);
            n.path("primaryPresence").forEach(p -> assertEquals("AVAILABLE", p.path("systemPresence").asText()));
        }
        String interacting = "{\"interval\":\"" + DAY_INTERVAL + "\",\"routingStatusFilters\":[{\"type\":\"or\",\"predicates\":["
                + "{\"type\":\"dimension\",\"dimension\":\"routingStatus\",\"value\":\"INTERACTING\"}]}]}";
        JsonNode q = client.json("POST", "/api/v2/analytics/users/details/query", interacting);
        assertTrue(q.path("totalHits").asInt() > 0);
        for (JsonNode n : q.path("userDetails")) {
            assertTrue(n.path("routingStatus").size() > 0);
            n.path("routingStatus").forEach(r -> assertEquals("INTERACTING", r.path("routingStatus").asText()));
        }
    }

    @Test
    void unknownOperatorOrDimensionIsBadRequestNamingIt() throws Exception {
        var r = client.send("POST", "/api/v2/analytics/conversations/details/query", "{\"interval\":\"" + DAY_INTERVAL
                + "\",\"segmentFilters\":[{\"type\":\"and\",\"predicates\":[{\"dimension\":\"mediaType\",\"operator\":\"like\",\"value\":\"v\"}]}]}");
        assertEquals(400, r.statusCode());
        assertTrue(new String(r.body(), StandardCharsets.UTF_8).contains("'like'"));
        var d = client.send("POST", "/api/v2/analytics/conversations/details/jobs", "{\"interval\":\"" + DAY_INTERVAL
                + "\",\"segmentFilters\":[{\"type\":\"and\",\"predicates\":[{\"dimension\":\"colour\",\"value\":\"v\"}]}]}");
        assertEquals(400, d.statusCode());
        assertTrue(new String(d.body(), StandardCharsets.UTF_8).contains("bad.request"));
        assertTrue(new String(d.body(), StandardCharsets.UTF_8).contains("'colour'"));
    }

    @Test
    void syncQueryRefusesPagingPastOneHundredThousandResults() throws Exception {
        for (String kind : List.of("conversations", "users")) {
            String path = "/api/v2/analytics/" + kind + "/details/query";
            for (int[] paging : new int[][] {{100, 1001}, {25, 4001}, {1, 100_001}, {100, Integer.MAX_VALUE}}) {
                var r = client.send("POST", path, "{\"interval\":\"" + DAY_INTERVAL + "\",\"paging\":{\"pageSize\":"
                        + paging[0] + ",\"pageNumber\":" + paging[1] + "}}");
                assertEquals(400, r.statusCode(), kind + " " + paging[0] + "x" + paging[1]);
                JsonNode error = GenesysHttpTestClient.MAPPER.readTree(r.body());
                assertEquals(400, error.path("status").asInt());
                assertEquals("bad.request", error.path("code").asText());
                assertEquals("Pagination may not exceed 100000 results", error.path("message").asText());
            }
            for (int[] paging : new int[][] {{100, 1000}, {25, 4000}, {1, 100_000}}) {
                var r = client.send("POST", path, "{\"interval\":\"" + DAY_INTERVAL + "\",\"paging\":{\"pageSize\":"
                        + paging[0] + ",\"pageNumber\":" + paging[1] + "}}");
                assertEquals(200, r.statusCode(), kind + " " + paging[0] + "x" + paging[1] + " is at the limit");
                JsonNode page = GenesysHttpTestClient.MAPPER.readTree(r.body());
                assertTrue(page.path("totalHits").asInt() > 0);
                assertFalse(page.has(kind.equals("users") ? "userDetails" : "conversations"), "past the last hit");
            }
        }
        // The SDK sees the same refusal as an ApiException carrying the message.
        ApiException e = assertThrows(ApiException.class, () -> new AnalyticsApi(sdk())
                .postAnalyticsConversationsDetailsQuery(new ConversationQuery().interval(DAY_INTERVAL)
                        .paging(new PagingSpec().pageSize(100).pageNumber(1001))));
        assertEquals(400, e.getStatusCode());
        assertTrue(e.getRawBody().contains("Pagination may not exceed 100000 results"), e.getRawBody());
    }

    @Test
    void aLoweredQueryResultCapRefusesThePagesBeyondIt() throws Exception {
        // local.genesys.query.max-results: the same refusal at the cap a test sets, for both kinds.
        try (LocalGenesys capped = new LocalGenesys(LocalGenesysSettings.defaults().withMaxQueryResults(2_000)).start()) {
            GenesysHttpTestClient c = new GenesysHttpTestClient(capped);
            for (String kind : List.of("conversations", "users")) {
                String path = "/api/v2/analytics/" + kind + "/details/query";
                for (int[] paging : new int[][] {{100, 21}, {1, 2_001}}) {
                    var r = c.send("POST", path, "{\"interval\":\"" + DAY_INTERVAL + "\",\"paging\":{\"pageSize\":"
                            + paging[0] + ",\"pageNumber\":" + paging[1] + "}}");
                    assertEquals(400, r.statusCode(), kind + " " + paging[0] + "x" + paging[1]);
                    assertEquals("Pagination may not exceed 2000 results",
                            GenesysHttpTestClient.MAPPER.readTree(r.body()).path("message").asText());
                }
                var r = c.send("POST", path, "{\"interval\":\"" + DAY_INTERVAL + "\",\"paging\":{\"pageSize\":100,"
                        + "\"pageNumber\":20}}");
                assertEquals(200, r.statusCode(), kind + " 100x20 is at the cap");
            }
        }
    }

    @Test
    void aFailedJobCarriesItsErrorMessage() throws Exception {
        String message = "Query exceeded the maximum execution time";
        genesys.faults().failNextJob(message).failNextJob("second failure");
        AnalyticsApi analytics = new AnalyticsApi(sdk());
        String convJob = analytics.postAnalyticsConversationsDetailsJobs(new AsyncConversationQuery()
                .interval(DAY_INTERVAL)).getJobId();
        List<String> states = new ArrayList<>();
        com.mypurecloud.sdk.v2.model.AsyncQueryStatus status;
        do {
            status = analytics.getAnalyticsConversationsDetailsJob(convJob);
            states.add(status.getState().toString());
            if (!status.getState().toString().equals("FAILED")) {
                assertEquals(null, status.getErrorMessage(), "only a FAILED job has an errorMessage");
            }
        } while (states.size() < 10 && !status.getState().toString().equals("FAILED"));
        assertEquals(List.of("QUEUED", "QUEUED", "FAILED"), states);
        assertEquals(message, status.getErrorMessage());
        // The status stays FAILED with its message, read strictly too, and its results are refused.
        String path = "/api/v2/analytics/conversations/details/jobs/" + convJob;
        var raw = client.send("GET", path, null);
        assertEquals(message, StrictModelTest.read(raw.body(), com.mypurecloud.sdk.v2.model.AsyncQueryStatus.class,
                "FAILED job status").getErrorMessage());
        var results = client.send("GET", path + "/results", null);
        assertEquals(400, results.statusCode());
        assertTrue(new String(results.body(), StandardCharsets.UTF_8).contains(message));

        // Faults queue one message per job, users jobs included; then jobs succeed again.
        String usersJob = client.json("POST", "/api/v2/analytics/users/details/jobs",
                "{\"interval\":\"" + DAY_INTERVAL + "\"}").path("jobId").asText();
        JsonNode u;
        do {
            u = client.json("GET", "/api/v2/analytics/users/details/jobs/" + usersJob, null);
        } while (u.path("state").asText().equals("QUEUED"));
        assertEquals("FAILED", u.path("state").asText());
        assertEquals("second failure", u.path("errorMessage").asText());
        assertFalse(client.jobRecords("conversations", "{\"interval\":\"2026-10-05T00:00:00.000Z/"
                + "2026-10-05T12:00:00.000Z\"}", 1000, null).isEmpty(), "the next job is fulfilled");
    }

    @Test
    void cursorPagingReturnsEveryRecordOnceAndCursorsNeedEncoding() throws Exception {
        String body = "{\"interval\":\"2026-10-03T06:00:00.000Z/2026-10-04T18:00:00.000Z\"}";
        List<String> cursors = new ArrayList<>();
        List<String> records = client.jobRecords("conversations", body, 37, cursors);
        List<byte[]> expected = genesys.dataset().conversationsForJob(GenesysHttpTestClient.MAPPER.readTree(body));
        assertEquals(expected.size(), records.size());
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < records.size(); i++) {
            JsonNode got = GenesysHttpTestClient.MAPPER.readTree(records.get(i));
            assertEquals(GenesysHttpTestClient.MAPPER.readTree(expected.get(i)), got);
            assertTrue(ids.add(got.path("conversationId").asText()));
        }
        assertTrue(cursors.stream().allMatch(c -> c.contains("/") && c.contains("=")), cursors.toString());
        String id = client.json("POST", "/api/v2/analytics/conversations/details/jobs", body).path("jobId").asText();
        for (int i = 0; i < 5; i++) {
            client.json("GET", "/api/v2/analytics/conversations/details/jobs/" + id, null);
        }
        var raw = client.send("GET", "/api/v2/analytics/conversations/details/jobs/" + id + "/results?cursor="
                + java.net.URLEncoder.encode(cursors.get(0) + "AA", StandardCharsets.UTF_8), null);
        assertEquals(400, raw.statusCode());
    }

    @Test
    void expiredJobReportsExpiredAndRefusesResults() throws Exception {
        genesys.faults().expireJobsAfterPages(1);
        String jobs = "/api/v2/analytics/conversations/details/jobs";
        String id = client.json("POST", jobs, "{\"interval\":\"" + DAY_INTERVAL + "\"}").path("jobId").asText();
        while (!client.json("GET", jobs + "/" + id, null).path("state").asText().equals("FULFILLED")) {
            Thread.onSpinWait();
        }
        JsonNode page = client.json("GET", jobs + "/" + id + "/results?pageSize=10", null);
        assertEquals(10, page.path("conversations").size());
        assertEquals("EXPIRED", client.json("GET", jobs + "/" + id, null).path("state").asText());
        assertEquals(404, client.send("GET", jobs + "/" + id + "/results?pageSize=10&cursor="
                + java.net.URLEncoder.encode(page.path("cursor").asText(), StandardCharsets.UTF_8), null).statusCode());
    }

    @Test
    void sameSettingsGiveSameBytes() throws Exception {
        try (LocalGenesys other = new LocalGenesys(LocalGenesysSettings.defaults()).start()) {
            GenesysHttpTestClient otherClient = new GenesysHttpTestClient(other);
            String q = "{\"interval\":\"" + DAY_INTERVAL + "\",\"paging\":{\"pageSize\":100,\"pageNumber\":3}}";
            assertArrayEquals(client.send("POST", "/api/v2/analytics/conversations/details/query", q).body(),
                    otherClient.send("POST", "/api/v2/analytics/conversations/details/query", q).body());
            assertArrayEquals(client.send("POST", "/api/v2/analytics/users/details/query", q).body(),
                    otherClient.send("POST", "/api/v2/analytics/users/details/query", q).body());
            String usage = "{\"interval\":\"2026-09/2026-10\",\"granularity\":\"Week\",\"groupBy\":[\"OAuthClientId\",\"TemplateUri\",\"HttpMethod\"]}";
            ByteArrayOutputStream a = new ByteArrayOutputStream();
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            genesys.dataset().writeUsageResult(usage, a);
            other.dataset().writeUsageResult(usage, b);
            assertArrayEquals(a.toByteArray(), b.toByteArray());
            assertTrue(a.size() > 100_000, "a month of weekly rows per client/template/method: " + a.size());
        }
        GenesysDataset different = new GenesysDataset(new LocalGenesysSettings(0, "c", "s", 40, 500, 40, 2, 0, 43));
        assertFalse(java.util.Arrays.equals(different.conversation(DAY, 0), genesys.dataset().conversation(DAY, 0)));
    }

    @Test
    void conversationRecordsAreRealisticSize() throws Exception {
        long total = genesys.dataset().conversationsStartingOn(DAY).mapToLong(b -> b.length).sum();
        long avg = total / 500;
        assertTrue(avg > 1500 && avg < 4000, "average record size " + avg);
        long outbound = genesys.dataset().conversationsStartingOn(DAY)
                .filter(b -> new String(b, StandardCharsets.UTF_8).contains("\"originatingDirection\":\"outbound\"")).count();
        assertTrue(outbound > 10 && outbound < 150, "outbound " + outbound);
    }
}
