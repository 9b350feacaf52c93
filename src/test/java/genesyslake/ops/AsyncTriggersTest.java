package genesyslake.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import genesyslake.management.OneRunAtATime;
import genesyslake.testsupport.FlowTest;
import genesyslake.testsupport.LocalDaemon;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures a flow triggered over Jolokia runs off the management port's threads: start* answers at once with a run id,
 * runStatus follows it, a second trigger of a running flow is refused at once, and health, /metrics and Jolokia reads
 * answer while flows run, even while a synchronous trigger waits for its run. The usage flow is made slow with a
 * local Genesys that answers "Running" to several polls one second apart.
 */
@FlowTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AsyncTriggersTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Generous: a behaviour check (answered while a flow runs, not after it), not a benchmark. */
    private static final long PROMPT_MS = 1000;

    private LocalDaemon daemon;
    private String base;

    @BeforeAll
    void start() {
        int port = Ops.freePort();
        daemon = LocalDaemon.start(Map.ofEntries(Map.entry("camel.management.enabled", "true"),
                Map.entry("camel.management.port", String.valueOf(port)), Map.entry("camel.metrics.enabled", "true"),
                Map.entry("camel.management.health-check-enabled", "true"),
                Map.entry("usage.query-files", "queries/usage-query.json"),
                Map.entry("lake.management.user", "operator"), Map.entry("lake.management.password", "test-password"),
                Map.entry("local.genesys.running-polls", "6"), Map.entry("usage.poll.delay", "1s"),
                Map.entry("details.max-days-per-run", "1"), Map.entry("lake.management.sync-timeout", "3s")));
        base = "http://127.0.0.1:" + port;
    }

    @AfterAll
    void stop() {
        if (daemon != null) {
            daemon.closeAndDelete();
        }
    }

    @Test
    void startAnswersAtOnceAndHealthMetricsReadsAndASecondTriggerAnswerPromptlyWhileTheFlowRuns() throws Exception {
        Timed<JsonNode> started = timed(() -> exec("startUsageExportFor", "2025-01-01/2025-02-01", "Month"));
        assertPrompt(started, "startUsageExportFor");
        String runId = started.value.path("runId").asText();
        assertFalse(runId.isBlank(), started.value.toString());
        assertTrue(List.of("queued", "running").contains(started.value.path("state").asText()), started.value.toString());
        assertEquals("usage-export", started.value.path("flow").asText());
        assertTrue(Ops.await(() -> usageRunning(), 5000), "the run starts");

        assertPrompt(timed(() -> get("/observe/health")), "health");
        assertPrompt(timed(() -> get("/metrics")), "metrics");
        assertPrompt(timed(() -> get("/observe/jolokia/read/genesyslake:type=Flows/Flows")), "a Jolokia read");

        Timed<JsonNode> again = timed(() -> exec("startFlow", "usage-export"));
        assertPrompt(again, "a second startFlow");
        assertEquals("refused", again.value.path("state").asText(), again.value.toString());
        assertTrue(again.value.path("summary").asText().contains("already running"), again.value.toString());

        Timed<JsonNode> sync = timed(() -> exec("runUsageExport"));
        assertPrompt(sync, "a synchronous trigger of the running flow");
        assertFalse(sync.value.path("success").asBoolean(), sync.value.toString());
        assertTrue(sync.value.path("summary").asText().contains("already running"), sync.value.toString());

        JsonNode during = exec("runStatus", runId);
        assertEquals("running", during.path("state").asText(), "all of the above happened while the flow ran: " + during);

        JsonNode done = awaitEnd(runId);
        assertEquals("succeeded", done.path("state").asText(), done.toString());
        assertTrue(done.path("records").asLong() > 0, done.toString());
        assertTrue(done.path("elapsedMillis").asLong() > 0, done.toString());
        assertFalse(done.path("started").asText().isBlank(), done.toString());
        assertTrue(daemon.lake().keys("granularity=month/usage_20250101T0000Z_20250201T0000Z").size() == 1,
                "the month landed in the lake");
        boolean listed = false;
        for (JsonNode r : exec("recentRuns")) {
            listed |= r.path("runId").asText().equals(runId) && r.path("state").asText().equals("succeeded");
        }
        assertTrue(listed, "recentRuns lists the run");
    }

    @Test
    void aSynchronousTriggerHoldsUpNoOtherRequestAndAnswersStillRunningAfterTheSyncTimeout() throws Exception {
        assertTrue(Ops.await(() -> !usageRunning(), 60_000), "no usage run in flight");
        CompletableFuture<JsonNode> sync = CompletableFuture.supplyAsync(() -> {
            try {
                return exec("runUsageExportFor", "2025-03-01/2025-04-01", "Month");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(Ops.await(() -> usageRunning(), 5000), "the synchronous trigger's run starts");
        assertFalse(sync.isDone(), "the synchronous trigger waits for its run");
        // Camel mounts Jolokia on Vert.x's *ordered* worker queue: these would wait for the trigger to answer.
        assertPrompt(timed(() -> get("/observe/health")), "health during a synchronous trigger");
        assertPrompt(timed(() -> get("/observe/jolokia/read/genesyslake:type=Flows/Flows")),
                "a Jolokia read during a synchronous trigger");
        assertPrompt(timed(() -> exec("startFlow", "usage-export")), "a trigger during a synchronous trigger");
        assertFalse(sync.isDone(), "all of the above happened while the synchronous trigger waited");

        JsonNode answer = sync.get(30, TimeUnit.SECONDS);
        assertFalse(answer.path("success").asBoolean(), answer.toString());
        assertTrue(answer.path("summary").asText().contains("still running"), answer.toString());
        JsonNode done = awaitEnd(answer.path("runId").asText());
        assertEquals("succeeded", done.path("state").asText(), "the run went on after the answer: " + done);
    }

    @Test
    void aBackfillStartsAtOnceAndReportsDaysDoneOfHowMany() throws Exception {
        JsonNode started = exec("startBackfill", "conversation-details", "2025-01-01", "2025-01-04");
        String runId = started.path("runId").asText();
        assertEquals(3, started.path("daysTotal").asInt() == 0 ? exec("runStatus", runId).path("daysTotal").asInt()
                : started.path("daysTotal").asInt(), started.toString());
        JsonNode done = awaitEnd(runId);
        assertEquals("succeeded", done.path("state").asText(), done.toString());
        assertEquals(3, done.path("daysDone").asInt(), done.toString());
        assertEquals(3, done.path("daysTotal").asInt(), done.toString());
        assertTrue(done.path("records").asLong() > 0, done.toString());
        assertTrue(done.path("operation").asText().contains("2025-01-01"), done.toString());
    }

    @Test
    void aLongBackfillNeedsConfirmOverJolokiaAndCancelRunStopsIt() throws Exception {
        JsonNode refused = exec("startBackfill", "conversation-details", "1926-01-01", "2026-01-01");
        assertEquals("refused", refused.path("state").asText(), refused.toString());
        assertTrue(refused.path("summary").asText().contains("36525 days, more than lake.backfill.confirm-days=92"),
                refused.toString());
        JsonNode started = exec("startBackfillConfirmed", "conversation-details", "1926-01-01", "2026-01-01", "true");
        String runId = started.path("runId").asText();
        assertTrue(List.of("queued", "running").contains(started.path("state").asText()), started.toString());
        JsonNode cancelled = exec("cancelRun", runId);
        assertEquals("cancelled", cancelled.path("state").asText(), cancelled.toString());
        assertEquals("cancelled", awaitEnd(runId).path("state").asText());
        assertEquals(36525, cancelled.path("daysTotal").asInt(), cancelled.toString());
        assertTrue(daemon.lake().keys("_manifests/conversation-details/1926").isEmpty(), "nothing of it was published");
    }

    @Test
    void aUsageRunCancelledWhileItsQueryRunsPublishesNothingAndARerunExportsItOnce() throws Exception {
        assertTrue(Ops.await(() -> !usageRunning(), 60_000), "no usage run in flight");
        String month = "granularity=month/usage_20250601T0000Z_20250701T0000Z";
        var genesys = daemon.local().genesys().stats();
        long polls = genesys.count("GET /api/v2/usage/query/{executionId}/results");
        JsonNode started = exec("startUsageExportFor", "2025-06-01/2025-07-01", "Month");
        String runId = started.path("runId").asText();
        assertTrue(Ops.await(() -> genesys.count("GET /api/v2/usage/query/{executionId}/results") > polls, 10_000),
                "the run polls its query");
        JsonNode cancelled = exec("cancelRun", runId);
        assertEquals("cancelled", cancelled.path("state").asText(), "stopped while Genesys still ran the query: "
                + cancelled);
        assertTrue(cancelled.path("summary").asText().contains("cancelled while usage query execution"), cancelled.toString());
        assertTrue(daemon.lake().keys(month).isEmpty(), "no object of the cancelled run");
        assertTrue(daemon.lake().keys("_manifests/usage-export/20250601T0000Z_20250701T0000Z").isEmpty(), "nor its manifest");

        JsonNode rerun = awaitEnd(exec("startUsageExportFor", "2025-06-01/2025-07-01", "Month").path("runId").asText());
        assertEquals("succeeded", rerun.path("state").asText(), rerun.toString());
        List<String> keys = daemon.lake().keys(month);
        assertEquals(1, keys.size(), keys.toString());
        assertEquals(rerun.path("records").asLong(), daemon.lake().lines(keys.get(0), true).size(),
                "the rerun's records, once");
    }

    @Test
    void badInputAndUnknownRunsAnswerAtOnce() throws Exception {
        JsonNode bad = exec("startFlowFor", "user-details", "2025-13-01/nope");
        assertEquals("refused", bad.path("state").asText(), bad.toString());
        assertTrue(bad.path("summary").asText().contains("2025-13-01/nope"), bad.toString());
        JsonNode unknownFlow = exec("startFlow", "no-such-flow");
        assertEquals("refused", unknownFlow.path("state").asText(), unknownFlow.toString());
        assertEquals("unknown", exec("runStatus", "nosuchid").path("state").asText());
        assertEquals("unknown", exec("cancelRun", "nosuchid").path("state").asText());
        JsonNode year0 = exec("startBackfill", "user-details", "0000-01-01", "0000-01-02");
        assertEquals("refused", year0.path("state").asText(), year0.toString());
        assertTrue(year0.path("summary").asText().contains("0000-01-01 is in year 0"), year0.toString());
        JsonNode year10000 = exec("startUsageExportFor", "9999-12-01T00:00:00Z/+10000-01-01T00:00:00Z", "Month");
        assertEquals("refused", year10000.path("state").asText(), year10000.toString());
        assertTrue(year10000.path("summary").asText().contains("is in year 10000"), year10000.toString());
    }

    private boolean usageRunning() {
        return daemon.bean("oneRunAtATime", OneRunAtATime.class).isRunning("usage-export");
    }

    private JsonNode awaitEnd(String runId) throws Exception {
        long deadline = System.currentTimeMillis() + 90_000;
        JsonNode s = exec("runStatus", runId);
        while (List.of("queued", "running").contains(s.path("state").asText())) {
            assertTrue(System.currentTimeMillis() < deadline, "run " + runId + " did not end: " + s);
            Thread.sleep(200);
            s = exec("runStatus", runId);
        }
        return s;
    }

    private JsonNode exec(String operation, String... arguments) throws Exception {
        String body = JSON.writeValueAsString(Map.of("type", "exec", "mbean", "genesyslake:type=Flows",
                "operation", operation, "arguments", List.of(arguments)));
        HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/observe/jolokia/"))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json").header("Origin", base)
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("operator:test-password".getBytes()))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, res.statusCode(), res.body());
        JsonNode json = JSON.readTree(res.body());
        assertEquals(200, json.path("status").asInt(), res.body());
        return json.path("value");
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("Origin", base).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, res.statusCode(), path + ": " + res.body());
        return JSON.createObjectNode().put("body", res.body());
    }

    private interface Call<T> {
        T call() throws Exception;
    }

    private record Timed<T>(T value, long millis) {
    }

    private static <T> Timed<T> timed(Call<T> call) throws Exception {
        long t0 = System.nanoTime();
        T value = call.call();
        return new Timed<>(value, (System.nanoTime() - t0) / 1_000_000);
    }

    private static void assertPrompt(Timed<?> t, String what) {
        assertTrue(t.millis < PROMPT_MS, what + " took " + t.millis + " ms while a flow ran");
    }
}
