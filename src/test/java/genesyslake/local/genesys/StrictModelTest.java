package genesyslake.local.genesys;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.mypurecloud.sdk.v2.model.AnalyticsConversationAsyncQueryResponse;
import com.mypurecloud.sdk.v2.model.AnalyticsConversationQueryResponse;
import com.mypurecloud.sdk.v2.model.AnalyticsUserDetailsAsyncQueryResponse;
import com.mypurecloud.sdk.v2.model.AnalyticsUserDetailsQueryResponse;
import com.mypurecloud.sdk.v2.model.ApiUsageOrganizationQuery;
import com.mypurecloud.sdk.v2.model.ApiUsageQueryResult;
import com.mypurecloud.sdk.v2.model.AsyncQueryResponse;
import com.mypurecloud.sdk.v2.model.AsyncQueryStatus;
import com.mypurecloud.sdk.v2.model.ConversationQuery;
import com.mypurecloud.sdk.v2.model.DataAvailabilityResponse;
import com.mypurecloud.sdk.v2.model.ErrorBody;
import com.mypurecloud.sdk.v2.model.UsageExecutionResult;
import com.mypurecloud.sdk.v2.model.UserDetailsQuery;
import genesyslake.testsupport.FlowTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every kind of document the local Genesys serves, and every request body we ship, reads into the official SDK's
 * models with a strict mapper: no field the model lacks, no string where it has a number (or the other way), and no
 * enum value the SDK does not know (the SDK turns those into OUTDATEDSDKVERSION, which fails here). So the stand-in
 * never serves a field or value the real API does not have, and our queries use none either.
 */
@FlowTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StrictModelTest {

    static final ObjectMapper STRICT = strictMapper();
    private static final String DAY = "2026-10-05T00:00:00.000Z/2026-10-06T00:00:00.000Z";
    private static final String WEEKEND_DAY = "2026-10-04T00:00:00.000Z/2026-10-05T00:00:00.000Z";
    private LocalGenesys genesys;
    private GenesysHttpTestClient client;

    static ObjectMapper strictMapper() {
        ObjectMapper m = new ObjectMapper()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .disable(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_AS_NULL)
                .disable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY);
        // No silent coercion: a number where the model has a string fails, and so does a string for a number.
        m.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        for (LogicalType t : new LogicalType[] {LogicalType.Integer, LogicalType.Float, LogicalType.Boolean}) {
            m.coercionConfigFor(t).setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        }
        return m;
    }

    /** Reads JSON into the SDK model strictly and fails on any OUTDATEDSDKVERSION enum anywhere inside. */
    static <T> T read(byte[] json, Class<T> model, String what) {
        T value;
        try {
            value = STRICT.readValue(json, model);
        } catch (Exception e) {
            throw new AssertionError(what + " does not read into " + model.getSimpleName() + ": " + e.getMessage(), e);
        }
        List<String> outdated = new ArrayList<>();
        outdatedEnums(value, model.getSimpleName(), outdated);
        if (!outdated.isEmpty()) {
            fail(what + ": values the SDK does not know (OUTDATEDSDKVERSION) at " + outdated.subList(0,
                    Math.min(10, outdated.size())));
        }
        return value;
    }

    private static void outdatedEnums(Object o, String path, List<String> found) {
        if (o == null) {
            return;
        }
        if (o instanceof Enum<?> e) {
            if (e.name().equals("OUTDATEDSDKVERSION")) {
                found.add(path);
            }
            return;
        }
        if (o instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                outdatedEnums(list.get(i), path + "[" + i + "]", found);
            }
            return;
        }
        if (o instanceof Map<?, ?> map) {
            map.forEach((k, v) -> outdatedEnums(v, path + "." + k, found));
            return;
        }
        if (!o.getClass().getName().startsWith("com.mypurecloud.sdk.v2.model.")) {
            return;
        }
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() == 0 && m.getName().startsWith("get") && !m.getName().equals("getClass")
                    && !Modifier.isStatic(m.getModifiers())) {
                try {
                    outdatedEnums(m.invoke(o), path + "." + m.getName().substring(3), found);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    @BeforeAll
    void start() throws Exception {
        genesys = new LocalGenesys(LocalGenesysSettings.defaults().withOauthClients(60)).start();
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

    private byte[] ok(String method, String path, String body) throws Exception {
        var r = client.send(method, path, body);
        assertTrue(r.statusCode() == 200 || r.statusCode() == 202,
                method + " " + path + " -> " + r.statusCode() + " " + new String(r.body(), StandardCharsets.UTF_8));
        return r.body();
    }

    @Test
    void usageDocumentsReadIntoTheSdkModels() throws Exception {
        for (String granularity : new String[] {"Day", "Week", "Month"}) {
            String query = "{\"interval\":\"2026-09-01/2026-11-01\",\"granularity\":\"" + granularity + "\","
                    + "\"groupBy\":[\"OAuthClientId\",\"OrganizationId\",\"UserId\",\"TemplateUri\",\"HttpMethod\"],"
                    + "\"metrics\":[\"Status200\",\"Status300\",\"Status400\",\"Status500\",\"Status429\",\"Requests\"]}";
            read(query.getBytes(StandardCharsets.UTF_8), ApiUsageOrganizationQuery.class, "usage query");
            UsageExecutionResult ex = read(ok("POST", "/api/v2/usage/query", query), UsageExecutionResult.class,
                    "usage submit");
            String path = "/api/v2/usage/query/" + ex.getExecutionId() + "/results";
            ApiUsageQueryResult r;
            int polls = 0;
            do {
                r = read(ok("GET", path, null), ApiUsageQueryResult.class, "usage result " + granularity);
                polls++;
            } while (r.getQueryStatus() == ApiUsageQueryResult.QueryStatusEnum.RUNNING);
            assertEquals(ApiUsageQueryResult.QueryStatusEnum.COMPLETE, r.getQueryStatus());
            assertEquals(3, polls, "two Running documents read too");
            assertTrue(r.getResults().size() > 100, granularity + ": " + r.getResults().size());
            assertNotNull(r.getResults().get(0).getDate());
        }
        // No granularity: rows without a date.
        String id = read(ok("POST", "/api/v2/usage/query", "{\"interval\":\"2026-10-01/2026-10-08\"}"),
                UsageExecutionResult.class, "usage submit").getExecutionId();
        ApiUsageQueryResult r;
        do {
            r = read(ok("GET", "/api/v2/usage/query/" + id + "/results", null), ApiUsageQueryResult.class, "usage");
        } while (r.getQueryStatus() == ApiUsageQueryResult.QueryStatusEnum.RUNNING);
        assertEquals(1, r.getResults().size());
        genesys.faults().failNextUsageQueries(1);
        id = read(ok("POST", "/api/v2/usage/query", "{\"interval\":\"2026-10-01/2026-10-08\"}"),
                UsageExecutionResult.class, "usage submit").getExecutionId();
        do {
            r = read(ok("GET", "/api/v2/usage/query/" + id + "/results", null), ApiUsageQueryResult.class, "usage");
        } while (r.getQueryStatus() == ApiUsageQueryResult.QueryStatusEnum.RUNNING);
        assertEquals(ApiUsageQueryResult.QueryStatusEnum.FAILED, r.getQueryStatus());
    }

    @Test
    void conversationDocumentsReadIntoTheSdkModels() throws Exception {
        String body = "{\"interval\":\"" + DAY + "\"}";
        int pages = 0;
        int records = 0;
        for (int page = 1; ; page++) {
            AnalyticsConversationQueryResponse r = read(ok("POST", "/api/v2/analytics/conversations/details/query",
                    "{\"interval\":\"" + DAY + "\",\"paging\":{\"pageSize\":100,\"pageNumber\":" + page + "}}"),
                    AnalyticsConversationQueryResponse.class, "sync query page " + page);
            if (r.getConversations() == null || r.getConversations().isEmpty()) {
                break;
            }
            records += r.getConversations().size();
            pages++;
        }
        assertEquals(genesys.settings().conversationsPerDay(), records);
        assertEquals(5, pages);

        String jobs = "/api/v2/analytics/conversations/details/jobs";
        String jobId = read(ok("POST", jobs, body), AsyncQueryResponse.class, "job submit").getJobId();
        AsyncQueryStatus status;
        do {
            status = read(ok("GET", jobs + "/" + jobId, null), AsyncQueryStatus.class, "job status");
        } while (status.getState() != AsyncQueryStatus.StateEnum.FULFILLED);
        read(ok("GET", jobs + "/availability", null), DataAvailabilityResponse.class, "availability");
        String cursor = null;
        int jobRecords = 0;
        java.util.Set<String> media = new java.util.TreeSet<>();
        do {
            AnalyticsConversationAsyncQueryResponse r = read(ok("GET", jobs + "/" + jobId + "/results?pageSize=200"
                    + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)), null),
                    AnalyticsConversationAsyncQueryResponse.class, "job results");
            jobRecords += r.getConversations().size();
            r.getConversations().forEach(c -> c.getParticipants().forEach(p -> p.getSessions()
                    .forEach(s -> media.add(s.getMediaType().toString()))));
            cursor = r.getCursor();
        } while (cursor != null);
        assertTrue(jobRecords > records);
        assertEquals(new java.util.TreeSet<>(List.of("callback", "chat", "email", "message", "voice")), media,
                "every kind of conversation the generator makes was read");
    }

    @Test
    void userDocumentsReadIntoTheSdkModels() throws Exception {
        for (String interval : new String[] {DAY, WEEKEND_DAY}) {
            AnalyticsUserDetailsQueryResponse q = read(ok("POST", "/api/v2/analytics/users/details/query",
                    "{\"interval\":\"" + interval + "\",\"paging\":{\"pageSize\":100,\"pageNumber\":1}}"),
                    AnalyticsUserDetailsQueryResponse.class, "user query");
            assertTrue(q.getTotalHits() > 0);
            String jobs = "/api/v2/analytics/users/details/jobs";
            String jobId = read(ok("POST", jobs, "{\"interval\":\"" + interval + "\"}"), AsyncQueryResponse.class,
                    "job submit").getJobId();
            while (read(ok("GET", jobs + "/" + jobId, null), AsyncQueryStatus.class, "job status").getState()
                    != AsyncQueryStatus.StateEnum.FULFILLED) {
                // polling through QUEUED and PENDING, each document read strictly
            }
            read(ok("GET", jobs + "/availability", null), DataAvailabilityResponse.class, "availability");
            String cursor = null;
            int n = 0;
            do {
                AnalyticsUserDetailsAsyncQueryResponse r = read(ok("GET", jobs + "/" + jobId + "/results?pageSize=7"
                        + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)), null),
                        AnalyticsUserDetailsAsyncQueryResponse.class, "user job results");
                n += r.getUserDetails() == null ? 0 : r.getUserDetails().size();
                cursor = r.getCursor();
            } while (cursor != null);
            assertEquals(q.getTotalHits(), n);
        }
    }

    @Test
    void errorBodiesReadIntoErrorBody() throws Exception {
        var bad = client.send("POST", "/api/v2/analytics/conversations/details/query",
                "{\"interval\":\"" + DAY + "\",\"order\":\"random\"}");
        assertEquals(400, bad.statusCode());
        ErrorBody e = read(bad.body(), ErrorBody.class, "400 body");
        assertEquals(400, e.getStatus());
        genesys.faults().throttleNext(1, 2);
        var throttled = client.send("GET", "/api/v2/analytics/conversations/details/jobs/availability", null);
        assertEquals(429, throttled.statusCode());
        assertEquals("too.many.requests.retry.after", read(throttled.body(), ErrorBody.class, "429 body").getCode());
        assertEquals(404, read(client.send("GET", "/api/v2/usage/query/nope/results", null).body(), ErrorBody.class,
                "404 body").getStatus());
    }

    @Test
    void everyShippedRequestBodyReadsIntoItsSdkModel() throws Exception {
        List<Path> files;
        try (Stream<Path> top = Files.list(Path.of("queries")); Stream<Path> examples = Files.list(Path.of("queries",
                "examples"))) {
            files = Stream.concat(top, examples).filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertTrue(files.size() >= 6, "queries found: " + files);
        int usage = 0;
        int conversations = 0;
        int users = 0;
        for (Path f : files) {
            String name = f.getFileName().toString();
            byte[] json = Files.readAllBytes(f);
            if (name.startsWith("usage")) {
                read(json, ApiUsageOrganizationQuery.class, f.toString());
                usage++;
            } else if (name.contains("user")) {
                read(json, UserDetailsQuery.class, f.toString());
                users++;
            } else {
                read(json, ConversationQuery.class, f.toString());
                conversations++;
            }
        }
        assertTrue(usage >= 2 && users >= 2 && conversations >= 2, usage + " " + users + " " + conversations);
    }

    @Test
    void theStrictReadCatchesWhatTheSdkWouldHide() {
        // The checks have teeth: an unknown field, an unknown enum value and a mistyped number all fail.
        assertThrows(() -> read("{\"jobId\":\"a\",\"colour\":\"red\"}".getBytes(), AsyncQueryResponse.class, "x"));
        assertThrows(() -> read("{\"state\":\"DONE\"}".getBytes(), AsyncQueryStatus.class, "x"));
        assertThrows(() -> read("{\"totalHits\":\"12\"}".getBytes(), AnalyticsConversationQueryResponse.class, "x"));
        assertThrows(() -> read("{\"conversations\":[{\"participants\":[{\"purpose\":\"robot\"}]}]}".getBytes(),
                AnalyticsConversationQueryResponse.class, "x"));
        JsonNode ok = STRICT.valueToTree(read("{\"state\":\"FULFILLED\"}".getBytes(), AsyncQueryStatus.class, "x"));
        assertFalse(ok.isEmpty());
    }

    private static void assertThrows(Runnable r) {
        try {
            r.run();
        } catch (AssertionError expected) {
            return;
        }
        fail("the strict read accepted it");
    }
}
