package genesyslake.flows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import genesyslake.genesys.GenesysHttp;
import genesyslake.local.genesys.LocalGenesys;
import genesyslake.management.FlowOutcome;
import genesyslake.query.Interval;
import genesyslake.query.UsageQuery;
import genesyslake.testsupport.FlowTest;
import genesyslake.testsupport.LocalDaemon;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ensures the usage-export flow takes a Usage API query from submission to NDJSON objects in S3, against the real local servers. */
@FlowTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UsageFlowTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RESULTS = "GET /api/v2/usage/query/{executionId}/results";

    private LocalDaemon daemon;
    private LocalGenesys genesys;

    @BeforeAll
    void start() {
        daemon = LocalDaemon.start(Map.of("usage.query-files", "queries/usage-query.json", "usage.poll.max-wait", "2s",
                "local.genesys.running-polls", "3", "usage.aggregates.page-size", "10"));
        genesys = daemon.local().genesys();
    }

    @AfterAll
    void stop() {
        daemon.closeAndDelete();
    }

    @BeforeEach
    void resetFaults() {
        genesys.faults().reset();
        genesys.stats().reset();
    }

    private final UsageQuery query = UsageQuery.load(Path.of("queries/usage-query.json"), Clock.systemUTC());

    private List<ObjectNode> expectedRecords() {
        Interval interval = query.resolve(Clock.systemUTC());
        return genesys.dataset().usageRecords(new String(query.body(interval), StandardCharsets.UTF_8));
    }

    private String key() {
        return query.objectKey(query.resolve(Clock.systemUTC()));
    }

    @Test
    void pollsUntilCompleteAndLandsEveryRecordOnceWithItsGranularity() throws Exception {
        FlowOutcome outcome = daemon.run("usage-export", Map.of());
        assertTrue(outcome.success(), outcome.toString());
        assertEquals(4, genesys.stats().count(RESULTS), "3 Running answers, then Complete");

        List<ObjectNode> expected = expectedRecords();
        List<String> lines = daemon.lake().lines(key());
        assertFalse(expected.isEmpty());
        assertEquals(expected.size(), lines.size());
        assertEquals(expected.size(), outcome.getRecords());
        for (int i = 0; i < expected.size(); i++) {
            ObjectNode want = expected.get(i).deepCopy();
            want.put("granularity", "month");
            assertEquals(want, JSON.readTree(lines.get(i)), "line " + i);
        }
        assertTrue(daemon.lake().keys("_manifests/usage-export/").size() >= 1, "a run manifest is written");
    }

    @Test
    void rerunningTheSameQueryReplacesItsObjects() {
        assertTrue(daemon.run("usage-export", Map.of()).success());
        List<String> keys = daemon.lake().keys("granularity=month/");
        int lines = daemon.lake().lines(key()).size();
        assertTrue(daemon.run("usage-export", Map.of()).success());
        assertEquals(keys, daemon.lake().keys("granularity=month/"));
        assertEquals(lines, daemon.lake().lines(key()).size());
        assertEquals(expectedRecords().size(), lines);
    }

    @Test
    void aFailedExecutionEndsTheRunNamingItAndWritesNothing() {
        String interval = "2025-01-01/2025-02-01";
        genesys.faults().failNextUsageQueries(1);
        FlowOutcome outcome = daemon.run("usage-export", Map.of("lakeInterval", interval));
        assertFalse(outcome.success());
        assertTrue(outcome.getSummary().matches(".*Usage query execution [0-9a-f-]{36} .*ended Failed.*"), outcome.getSummary());
        assertTrue(daemon.lake().keys("granularity=month/usage_20250101").isEmpty());
    }

    @Test
    void anExecutionThatNeverCompletesTimesOut() {
        genesys.faults().usageNeverCompletes(true);
        FlowOutcome outcome = daemon.run("usage-export", Map.of("lakeInterval", "2025-03-01/2025-04-01"));
        assertFalse(outcome.success());
        assertTrue(outcome.getSummary().contains("did not complete within usage.poll.max-wait"), outcome.getSummary());
        assertTrue(daemon.lake().keys("granularity=month/usage_20250301").isEmpty());
    }

    @Test
    void a429IsWaitedOutForItsRetryAfter() {
        GenesysHttp client = daemon.bean("genesysClient", GenesysHttp.class);
        long waitedBefore = client.stats().retryWaitMillis.get();
        genesys.faults().throttleNext(2, 1);
        FlowOutcome outcome = daemon.run("usage-export", Map.of("lakeInterval", "2025-05-01/2025-06-01"));
        assertTrue(outcome.success(), outcome.toString());
        assertEquals(2, genesys.stats().throttled());
        assertTrue(client.stats().retryWaitMillis.get() - waitedBefore >= 2000, "both Retry-After: 1 were honoured");
        assertFalse(daemon.lake().keys("granularity=month/usage_20250501").isEmpty());
    }

    @Test
    void aServerErrorBurstIsRetried() {
        genesys.faults().serverErrorNext(3, 503);
        FlowOutcome outcome = daemon.run("usage-export", Map.of("lakeInterval", "2025-07-01/2025-08-01"));
        assertTrue(outcome.success(), outcome.toString());
        assertEquals(3, genesys.stats().serverErrors());
    }

    @Test
    void a401RefreshesTheTokenAndTheRunCarriesOn() {
        GenesysHttp client = daemon.bean("genesysClient", GenesysHttp.class);
        long tokensBefore = client.stats().tokenRequests.get();
        genesys.faults().unauthorizedNext(1);
        FlowOutcome outcome = daemon.run("usage-export", Map.of("lakeInterval", "2025-09-01/2025-10-01"));
        assertTrue(outcome.success(), outcome.toString());
        assertEquals(1, genesys.stats().unauthorized());
        assertEquals(tokensBefore + 1, client.stats().tokenRequests.get(), "exactly one new token");
    }

    @Test
    void aBadIntervalTriggerIsRejectedWithTheInput() {
        FlowOutcome outcome = daemon.run("usage-export", Map.of("lakeInterval", "2025-13-01/2025-14-01"));
        assertFalse(outcome.success());
        assertTrue(outcome.getSummary().contains("2025-13-01"), outcome.getSummary());
    }

    @Test
    void theAggregatesJobsApiFlowPagesTheJobAndLandsEveryEntityAsSent() throws Exception {
        java.time.YearMonth month = java.time.YearMonth.now(java.time.ZoneOffset.UTC).minusMonths(1);
        String interval = month.atDay(1) + "/" + month.plusMonths(1).atDay(1);
        FlowOutcome outcome = daemon.run("usage-aggregates", Map.of("lakeInterval", interval, "lakeGranularity", "Month"));
        assertTrue(outcome.success(), outcome.toString());
        String label = genesyslake.query.Interval.parse(interval, java.time.Clock.systemUTC()).label();
        List<String> keys = daemon.lake().keys("usage_aggregates/granularity=month/usage_" + label);
        assertEquals(1, keys.size(), keys.toString());
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        List<com.fasterxml.jackson.databind.JsonNode> landed = new java.util.ArrayList<>();
        for (String line : daemon.lake().lines(keys.get(0))) {
            com.fasterxml.jackson.databind.node.ObjectNode row = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(line);
            assertEquals("month", row.remove("granularity").asText());
            landed.add(row);
        }
        var query = genesyslake.query.UsageQuery.load(java.nio.file.Path.of("queries/usage-query.json"), java.time.Clock.systemUTC());
        List<com.fasterxml.jackson.databind.node.ObjectNode> expected = genesys.dataset().usageAggregateEntities(
                new String(query.aggregatesBody(genesyslake.query.Interval.parse(interval, java.time.Clock.systemUTC())),
                        java.nio.charset.StandardCharsets.UTF_8));
        assertTrue(expected.size() > 10, "more entities than one page of 10: " + expected.size());
        assertEquals(expected, landed, "every entity, in order, as the API sent it");
        assertTrue(genesys.stats().count("GET /api/v2/usage/aggregates/query/jobs/{jobId}") >= 2 + expected.size() / 10,
                "paged by cursor, 10 a page: " + genesys.stats());
    }

    @Test
    void aSubmissionAnswered500IsNotRetriedSoNoSecondQueryIsCreated() {
        long before = genesys.stats().count("POST /api/v2/usage/query");
        genesys.faults().serverErrorNext(1, 500);
        FlowOutcome outcome = daemon.run("usage-export", Map.of("lakeInterval", "2025-10-01/2025-11-01"));
        assertFalse(outcome.success());
        assertTrue(outcome.getSummary().contains("not retried"), outcome.getSummary());
        assertEquals(before + 1, genesys.stats().count("POST /api/v2/usage/query"), "one submission, not two");
    }

    @Test
    void aGranularityPicksTheQueryFilesOfThatGranularityAndNeverRewritesOne() throws Exception {
        LocalDaemon both = LocalDaemon.start(Map.of("usage.query-files",
                "queries/usage-query.json,queries/usage-query-daily.json"));
        try {
            FlowOutcome month = both.run("usage-export", Map.of("lakeInterval", "2025-11-01/2025-12-01", "lakeGranularity", "Month"));
            assertTrue(month.success(), month.toString());
            assertEquals(1, both.lake().keys("granularity=month/").size(), "only the monthly file ran");
            assertTrue(both.lake().keys("granularity=day/").isEmpty(), "the daily per-URI query was not run as Month");
            var manifest = new com.fasterxml.jackson.databind.ObjectMapper().readTree(String.join("\n",
                    both.lake().lines(both.lake().keys("_manifests/usage-export/").get(0), false)));
            assertEquals("queries/usage-query.json", manifest.path("queries").get(0).path("file").asText());
            assertTrue(manifest.path("queries").get(0).path("hash").asText().matches("[0-9a-f]{8}"), manifest.toString());

            FlowOutcome week = both.run("usage-export", Map.of("lakeInterval", "2025-11-01/2025-12-01", "lakeGranularity", "Week"));
            assertFalse(week.success());
            assertTrue(week.getSummary().contains("no usage query file has granularity 'Week'")
                    && week.getSummary().contains("usage-query-daily.json Day"), week.getSummary());
        } finally {
            both.closeAndDelete();
        }
    }

    @Test
    void aBadQueryFileIsNamedAndTheOtherFilesStillLand(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path bad = java.nio.file.Files.writeString(dir.resolve("bad.json"),
                "{\"interval\":\"last full month\",\"granularity\":\"Hour\"}");
        java.nio.file.Path good = java.nio.file.Files.copy(java.nio.file.Path.of("queries/usage-query.json"),
                dir.resolve("usage-query.json"));
        LocalDaemon two = LocalDaemon.start(Map.of("usage.query-files", bad + "," + good, "lake.queries-dir", dir.toString()));
        try {
            FlowOutcome outcome = two.run("usage-export", Map.of("lakeInterval", "2025-12-01/2026-01-01"));
            assertFalse(outcome.success(), "one file failed");
            // The field is named, not its value (failure messages never show what a query file holds).
            assertTrue(outcome.getSummary().contains("bad.json, field 'granularity'"), outcome.getSummary());
            assertEquals(1, two.lake().keys("granularity=month/usage_20251201").size(), "the good file's rows landed");
        } finally {
            two.closeAndDelete();
        }
    }
}
