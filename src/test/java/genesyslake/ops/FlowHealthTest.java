package genesyslake.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import genesyslake.management.FlowOutcome;
import genesyslake.management.FlowRunner;
import genesyslake.management.ManagementPort;
import genesyslake.testsupport.FlowTest;
import genesyslake.testsupport.LocalDaemon;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures each flow has a readiness check on the management port ({@code flow-<id>}): UP on a fresh start ("no run
 * yet"), DOWN with the reason and time when its last run failed or its watermark lags beyond lake.health.max-lag
 * (readiness 503, liveness still 200), and UP again after the next good run. The management port is 0 here: the
 * test finds the port Vert.x picked.
 */
@FlowTest
class FlowHealthTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static LocalDaemon start(Path data, Map<String, String> more) {
        Map<String, String> p = new HashMap<>(Map.of("camel.management.enabled", "true", "camel.management.port", "0",
                "camel.management.health-check-enabled", "true",
                // The client's rate governor off (0, as for a stand-in): a run's days and the scheduled flows' runs
                // waited a quarter second a request at the shipped 240 requests/min; health reads the same without it.
                "genesys.rate-limit.requests-per-minute", "0"));
        p.putAll(more);
        return LocalDaemon.start(data, p);
    }

    private static String base(LocalDaemon daemon) {
        int port = ManagementPort.actual(daemon.context()).orElseThrow();
        assertTrue(port > 0, "camel.management.port=0 took a free port: " + port);
        return "http://127.0.0.1:" + port;
    }

    /** GET a health URL; answers {http status, body}. */
    private static JsonNode health(String url, int expectedStatus) throws Exception {
        HttpResponse<String> res = Ops.get(url);
        assertEquals(expectedStatus, res.statusCode(), url + " answered " + res.body());
        return JSON.readTree(res.body());
    }

    private static JsonNode check(JsonNode health, String name) {
        for (JsonNode c : health.path("checks")) {
            if (c.path("name").asText().equals(name)) {
                return c;
            }
        }
        return null;
    }

    @Test
    void aFailedRunMakesReadinessDownWithReasonAndTimeLivenessStaysUpAndTheNextGoodRunClearsIt(@TempDir Path tmp)
            throws Exception {
        Path query = tmp.resolve("user-details.json");
        Files.copy(Path.of("queries/user-details.json"), query);
        try (LocalDaemon daemon = start(tmp.resolve("data"), Map.of("users.query-file", query.toString(),
                "lake.queries-dir", tmp.toString()))) {
            String base = base(daemon);
            List<String> flows = FlowRunner.flows(daemon.context());

            // A fresh start is healthy: every flow has its check, UP, with nothing run yet.
            JsonNode full = health(base + "/observe/health?exposureLevel=full", 200);
            assertEquals("UP", full.path("status").asText(), full.toString());
            for (String flow : flows) {
                JsonNode c = check(full, "flow-" + flow);
                assertTrue(c != null, "a check for " + flow + " in " + full);
                assertEquals("UP", c.path("status").asText(), c.toString());
                assertEquals(flow + ": no run yet", c.path("message").asText(), c.toString());
            }
            assertEquals("UP", health(base + "/observe/health/ready", 200).path("status").asText());

            // The operator breaks the query file: the next run fails.
            Files.writeString(query, "{ \"order\": \"asc\", ");
            Instant before = Instant.now();
            FlowOutcome failed = daemon.run("user-details", Map.of());
            Instant after = Instant.now();
            assertFalse(failed.success(), failed.toString());

            JsonNode down = health(base + "/observe/health?exposureLevel=full&data=true", 503);
            assertEquals("DOWN", down.path("status").asText(), down.toString());
            JsonNode c = check(down, "flow-user-details");
            assertEquals("DOWN", c.path("status").asText(), c.toString());
            // Camel's health console escapes '/' in messages as '\/'; the reason is the outcome's, on one line.
            String message = c.path("message").asText().replace("\\/", "/");
            String reason = failed.getSummary().replaceAll("\\s*\\R\\s*", " ");
            assertTrue(reason.contains("user-details.json: is not valid JSON"), reason);
            assertTrue(message.contains(reason), "the reason, as the run's outcome gave it: " + message);
            Instant failedAt = Instant.parse(c.path("data").path("last.run.ended").asText());
            assertFalse(failedAt.isBefore(before) || failedAt.isAfter(after), "the time of the failure: " + failedAt);
            assertTrue(message.contains("failed at " + failedAt), message);
            assertEquals("user-details", c.path("data").path("flow").asText());
            assertEquals(failed.getSummary(), c.path("data").path("last.run.failure").asText());
            for (String flow : flows) {
                if (!flow.equals("user-details")) {
                    assertEquals("UP", check(down, "flow-" + flow).path("status").asText(), "only the failed flow is DOWN");
                }
            }

            // Readiness says DOWN (503) and names the flow; liveness stays UP (200) and has no flow checks.
            JsonNode ready = health(base + "/observe/health/ready?exposureLevel=full", 503);
            assertEquals("DOWN", ready.path("status").asText());
            assertEquals("DOWN", check(ready, "flow-user-details").path("status").asText());
            JsonNode live = health(base + "/observe/health/live?exposureLevel=full", 200);
            assertEquals("UP", live.path("status").asText(), live.toString());
            assertTrue(check(live, "flow-user-details") == null, "a flow check is readiness only: " + live);
            // The default level shows only what is DOWN.
            JsonNode brief = health(base + "/observe/health", 503);
            assertEquals(1, brief.path("checks").size(), brief.toString());

            // Fixed: the next good run makes it UP again.
            Files.copy(Path.of("queries/user-details.json"), query, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            FlowOutcome ok = daemon.run("user-details", Map.of());
            assertTrue(ok.success(), ok.toString());
            JsonNode up = health(base + "/observe/health?exposureLevel=full", 200);
            assertEquals("UP", up.path("status").asText(), up.toString());
            assertTrue(check(up, "flow-user-details").path("message").asText().startsWith("user-details: last run succeeded at "),
                    up.toString());
            health(base + "/observe/health/ready", 200);
        }
    }

    @Test
    void aWatermarkOlderThanItsMaxLagIsDownNamingTheSettingUntilARunCatchesUp(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        Files.createDirectories(data.resolve("state"));
        Instant threeDays = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(3, ChronoUnit.DAYS);
        Instant twoHours = Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        Files.writeString(data.resolve("state/user-details.json"), "{\"watermark\":\"" + threeDays + "\"}");
        Files.writeString(data.resolve("state/conversation-details.json"), "{\"watermark\":\"" + twoHours + "\"}");
        // user-details: the default (48h); conversation-details: its own, tighter, setting.
        try (LocalDaemon daemon = start(data, Map.of("lake.health.max-lag", "48h",
                "lake.health.max-lag.conversation-details", "1h"))) {
            String base = base(daemon);
            JsonNode down = health(base + "/observe/health?exposureLevel=full&data=true", 503);
            JsonNode users = check(down, "flow-user-details");
            assertEquals("DOWN", users.path("status").asText(), users.toString());
            assertTrue(users.path("message").asText().contains("watermark " + threeDays), users.toString());
            assertTrue(users.path("message").asText().contains("more than lake.health.max-lag (48h)"), users.toString());
            JsonNode conversations = check(down, "flow-conversation-details");
            assertEquals("DOWN", conversations.path("status").asText(), conversations.toString());
            assertTrue(conversations.path("message").asText().contains("more than lake.health.max-lag.conversation-details (1h)"),
                    conversations.toString());
            assertEquals("UP", check(down, "flow-usage-export").path("status").asText(), "no watermark, no run: UP");
            assertEquals("UP", check(down, "flow-athena-report").path("status").asText());
            health(base + "/observe/health/live", 200);

            // A run exports the days since the watermark and advances it: user-details is UP again.
            FlowOutcome ok = daemon.run("user-details", Map.of());
            assertTrue(ok.success(), ok.toString());
            JsonNode after = health(base + "/observe/health?exposureLevel=full&data=true", 503);
            JsonNode caughtUp = check(after, "flow-user-details");
            assertEquals("UP", caughtUp.path("status").asText(), caughtUp.toString());
            assertTrue(Instant.parse(caughtUp.path("data").path("watermark").asText()).isAfter(threeDays), caughtUp.toString());
            assertEquals("DOWN", check(after, "flow-conversation-details").path("status").asText(),
                    "still lagging: it has not run");
        }
    }

    @Test
    void aScheduledRunThatFailsMakesItsFlowDownToo(@TempDir Path tmp) throws Exception {
        Path query = tmp.resolve("user-details.json");
        Files.writeString(query, "not json");
        // The user-details timer fires (here 200 ms after start, not the shipped 10 s); no trigger of ours is involved.
        try (LocalDaemon daemon = start(tmp.resolve("data"), Map.of("users.query-file", query.toString(),
                "lake.queries-dir", tmp.toString(), "lake.schedule.enabled", "true", LocalDaemon.FIRST_TICK_MS, "200"))) {
            String url = base(daemon) + "/observe/health?exposureLevel=full";
            assertTrue(Ops.await(() -> {
                try {
                    JsonNode c = check(JSON.readTree(Ops.get(url).body()), "flow-user-details");
                    return c != null && c.path("status").asText().equals("DOWN");
                } catch (Exception e) {
                    return false;
                }
            }, 90_000), "the scheduled run's failure shows: " + Ops.get(url).body());
            JsonNode c = check(JSON.readTree(Ops.get(url).body()), "flow-user-details");
            assertTrue(c.path("message").asText().contains("is not valid JSON"), c.toString());
        }
    }
}
