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
 * Ensures a flow triggered over Jolokia runs off the management port's threads: start* answers while its run is still
 * running with a run id, runStatus follows it, a second trigger of a running flow is refused while the first runs, and
 * health, /metrics and Jolokia reads answer while flows run, even while a synchronous trigger waits for its run. The
 * usage flow is made slow with a local Genesys that answers "Running" to several polls one second apart; "at once" is
 * asserted as behaviour (answered before the run or the waiting trigger ended), never as a time.
 */
@FlowTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AsyncTriggersTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
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
                Map.entry("details.max-days-per-run", "1"), Map.entry("lake.management.sync-timeout", "3s"),
                // The client's rate governor off (0, as for a stand-in): the backfill's days waited a quarter second a
                // request at the shipped 240 requests/min (3 s a day); the usage runs stay slow by their polls above.
                Map.entry("genesys.rate-limit.requests-per-minute", "0")));
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
        JsonNode started = exec("startUsageExportFor", "2025-01-01/2025-02-01", "Month");
        String runId = started.path("runId").asText();
        assertFalse(runId.isBlank(), started.toString());
        assertTrue(List.of("queued", "running").contains(started.path("state").asText()),
                "startUsageExportFor answered before its run ended: " + started);
        assertEquals("usage-export", started.path("flow").asText());
        assertTrue(Ops.await(() -> usageRunning(), 5000), "the run starts");
        java.util.function.BooleanSupplier stillRunning = () -> isRunning(runId);

        answeredWhile(stillRunning, () -> get("/observe/health"), "health", "the run");
        answeredWhile(stillRunning, () -> get("/metrics"), "metrics", "the run");
        answeredWhile(stillRunning, () -> get("/observe/jolokia/read/genesyslake:type=Flows/Flows"), "a Jolokia read", "the run");

        JsonNode again = answeredWhile(stillRunning, () -> exec("startFlow", "usage-export"), "a second startFlow", "the run");
        assertEquals("refused", again.path("state").asText(), again.toString());
        assertTrue(again.path("summary").asText().contains("already running"), again.toString());

        JsonNode sync = answeredWhile(stillRunning, () -> exec("runUsageExport"),
                "a synchronous trigger of the running flow", "the run");
        assertFalse(sync.path("success").asBoolean(), sync.toString());
        assertTrue(sync.path("summary").asText().contains("already running"), sync.toString());

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
        java.util.function.BooleanSupplier waiting = () -> !sync.isDone();
        answeredWhile(waiting, () -> get("/observe/health"), "health during a synchronous trigger", "the trigger");
        answeredWhile(waiting, () -> get("/observe/jolokia/read/genesyslake:type=Flows/Flows"),
                "a Jolokia read during a synchronous trigger", "the trigger");
        answeredWhile(waiting, () -> exec("startFlow", "usage-export"), "a trigger during a synchronous trigger", "the trigger");

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

    /** Whether the run is still queued or running by its own status (not by the caller's clock). */
    private boolean isRunning(String runId) {
        try {
            return List.of("queued", "running").contains(exec("runStatus", runId).path("state").asText());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Makes the call and asserts it answered while {@code during} still held (the run still running, the synchronous
     * trigger still waiting): a call held up until the run or the trigger ended fails here, whatever the machine's speed.
     */
    private static <T> T answeredWhile(java.util.function.BooleanSupplier during, Call<T> call, String what, String whose)
            throws Exception {
        T value = call.call();
        assertTrue(during.getAsBoolean(), what + " answered only after " + whose + " ended: " + value);
        return value;
    }
}
