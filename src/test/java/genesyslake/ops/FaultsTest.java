package genesyslake.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import genesyslake.genesys.DetailsExport;
import genesyslake.lake.RawRecords;
import genesyslake.local.genesys.GenesysDataset;
import genesyslake.local.genesys.LocalGenesys;
import genesyslake.local.genesys.LocalGenesysSettings;
import genesyslake.management.FlowOutcome;
import genesyslake.query.DetailsQuery;
import genesyslake.query.Interval;
import genesyslake.testsupport.FlowTest;
import genesyslake.testsupport.LocalDaemon;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ensures throttling storms, an S3 outage and credentials in logs are handled as the README promises. */
@FlowTest
class FaultsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FLOW = "conversation-details";
    private static final LocalDate DAY = LocalDate.now(ZoneOffset.UTC).minusDays(3);
    private static final String DAY_INTERVAL = DAY + "/" + DAY.plusDays(1);

    private LocalDaemon daemon;
    private LogCapture logs;
    private LocalGenesys genesys;

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.closeAndDelete();
        }
        if (logs != null) {
            logs.close();
        }
        if (genesys != null) {
            genesys.close();
        }
    }

    /** Conversation ids that started on DAY, in the order the lake holds them. */
    private static List<String> expectedIds(GenesysDataset data) throws IOException {
        DetailsQuery q = DetailsQuery.load(Path.of("queries/conversation-details.json"), DetailsQuery.Kind.CONVERSATIONS);
        var body = q.body().deepCopy();
        body.put("interval", Interval.of(DAY, DAY.plusDays(1)).toGenesys());
        List<String> ids = new ArrayList<>();
        for (byte[] c : data.conversationsForJob(body)) {
            if (RawRecords.utcDate(RawRecords.topLevelString(c, 0, c.length, "conversationStart")).equals(DAY.toString())) {
                ids.add(JSON.readTree(new String(c, StandardCharsets.UTF_8)).path("conversationId").asText());
            }
        }
        return ids;
    }

    private List<String> lakeIds() throws IOException {
        List<String> ids = new ArrayList<>();
        for (String line : daemon.lake().lines("conversations/date=" + DAY + "/")) {
            ids.add(JSON.readTree(line).path("conversationId").asText());
        }
        return ids;
    }

    @Test
    void aStormOf429sIsWaitedOutAndEveryRecordLandsExactlyOnce() throws Exception {
        // The client's rate governor off (0, as for a stand-in): at the shipped 240 requests/min every 429 and its retry
        // took a quarter second of the governor's, 8 s in all; the storm and its retries are the same without it.
        daemon = LocalDaemon.start(Map.of("details.page-size", "25", "local.genesys.conversations-per-day", "200",
                "genesys.retry.max-attempts", "10", "genesys.rate-limit.requests-per-minute", "0"));
        var local = daemon.local().genesys();
        // Every result page is followed by three 429s (Retry-After: 0 keeps the test fast; the wait itself is
        // covered by UsageFlowTest), so the throttling hits the submission, polling and paging alike.
        local.faults().throttleNext(3, 0);
        daemon.bean("details", DetailsExport.class).setPageHook((job, page) -> local.faults().throttleNext(3, 0));
        FlowOutcome outcome = daemon.run(FLOW, Map.of("lakeInterval", DAY_INTERVAL));
        assertTrue(outcome.success(), outcome.toString());
        assertTrue(local.stats().throttled() >= 3L * 8, "a storm: " + local.stats().throttled() + " answers 429");
        List<String> expected = expectedIds(local.dataset());
        assertEquals(expected, lakeIds(), "every conversation once, in order, none missing");
        assertEquals(expected.size(), outcome.getRecords());
    }

    @Test
    void anS3OutageKeepsObjectsInDeadLetterAndTheReplayLandsThemOnceS3IsBack() throws Exception {
        logs = new LogCapture();
        daemon = LocalDaemon.start(Map.of("local.s3.port", String.valueOf(Ops.freePort()), "details.page-size", "50",
                "local.genesys.conversations-per-day", "200", "lake.upload.redeliveries", "2",
                "lake.dead-letter.replay-period", "1s"));
        var s3 = daemon.local().s3();
        AtomicBoolean stopped = new AtomicBoolean();
        daemon.bean("details", DetailsExport.class).setPageHook((job, page) -> {
            if (page == 2 && stopped.compareAndSet(false, true)) {
                try {
                    s3.close(); // S3 goes away in the middle of the export
                } catch (Exception e) {
                    throw new IOException(e);
                }
            }
        });
        FlowOutcome outcome = daemon.run(FLOW, Map.of("lakeInterval", DAY_INTERVAL));
        assertTrue(stopped.get(), "S3 was stopped during the export");
        assertFalse(outcome.success(), "the run reports itself incomplete: " + outcome);
        assertTrue(outcome.getSummary().contains("kept in dead-letter"), outcome.getSummary());
        assertTrue(daemon.watermarks().watermark(FLOW).isEmpty(), "an incomplete run does not advance the watermark");
        assertEquals(1, logs.matching(l -> l.startsWith("WARN") && l.contains(outcome.getRunId()) && l.contains("is incomplete")
                && l.contains("5 objects kept in dead-letter")).size(), "the run ends with its summary line, even when its manifest could not land");
        try (Stream<Path> work = Files.walk(daemon.dataDir().resolve("work"))) {
            assertEquals(List.of(), work.filter(Files::isRegularFile).toList(), "the run's work folder was cleaned up");
        }

        Path deadLetters = daemon.dataDir().resolve("dead-letter");
        List<String> keptKeys = new ArrayList<>();
        try (Stream<Path> letters = Files.list(deadLetters)) {
            for (Path letter : letters.toList()) {
                JsonNode meta = JSON.readTree(letter.resolve("meta.json").toFile());
                assertTrue(Files.size(letter.resolve("object")) > 0);
                keptKeys.add(meta.path("key").asText());
            }
        }
        assertTrue(keptKeys.stream().anyMatch(k -> k.startsWith("conversations/date=" + DAY + "/")), keptKeys.toString());
        assertTrue(keptKeys.stream().anyMatch(k -> k.startsWith("_manifests/" + FLOW + "/")), "the manifest too: " + keptKeys);

        s3.start();
        assertTrue(daemon.lake().keys("conversations/").isEmpty(), "nothing landed while S3 was down");
        daemon.context().getRouteController().startRoute("dead-letter-replay");
        assertTrue(Ops.await(() -> {
            try (Stream<Path> s = Files.list(deadLetters)) {
                return s.findAny().isEmpty();
            } catch (IOException e) {
                return false;
            }
        }, 30_000), "every dead letter was replayed");
        daemon.context().getRouteController().stopRoute("dead-letter-replay");

        assertEquals(expectedIds(daemon.local().genesys().dataset()), lakeIds(), "every conversation exactly once");
        for (String key : keptKeys) {
            assertEquals(1, daemon.lake().keys(key).size(), "replayed: " + key);
        }
        JsonNode manifest = JSON.readTree(String.join("\n", daemon.lake().lines(
                keptKeys.stream().filter(k -> k.startsWith("_manifests/")).findFirst().orElseThrow(), false)));
        assertTrue(manifest.path("complete").asBoolean(), "once its last letter landed the manifest says so: " + manifest);
        manifest.path("objects").forEach(o -> assertTrue(o.path("uploaded").asBoolean(), manifest.toString()));
        assertTrue(manifest.hasNonNull("replayed"), manifest.toString());
        assertTrue(daemon.watermarks().watermark(FLOW).isEmpty(), "an explicit interval's run never moves the watermark");
    }

    @Test
    void theClientSecretAppearsInNoLogLineOnSuccessOrOnALoginFailure() throws Exception {
        String secret = "s3cr3t-ops-4f9c2e7d";
        genesys = new LocalGenesys(new LocalGenesysSettings(0, "ops-client", secret, 40, 50, 10, 1, 0, 7L)).start();
        logs = new LogCapture();
        Map<String, String> settings = new HashMap<>(Map.of("lake.mode", "local", "genesys.api-url", genesys.baseUrl(),
                "genesys.login-url", genesys.baseUrl(), "genesys.client-id", "ops-client", "genesys.client-secret", secret,
                "usage.query-files", "queries/usage-query.json"));
        daemon = LocalDaemon.start(settings);
        assertTrue(daemon.run("usage-export", Map.of("lakeInterval", "2025-01-01/2025-02-01")).success());
        assertTrue(daemon.run(FLOW, Map.of("lakeInterval", DAY_INTERVAL)).success());
        daemon.closeAndDelete();

        // The same secret sent to a Genesys that expects another one: the failure is logged, the secret is not.
        genesys.close();
        genesys = new LocalGenesys(new LocalGenesysSettings(0, "ops-client", "another-secret", 40, 50, 10, 1, 0, 7L)).start();
        settings.put("genesys.api-url", genesys.baseUrl());
        settings.put("genesys.login-url", genesys.baseUrl());
        daemon = LocalDaemon.start(settings);
        FlowOutcome refused = daemon.run(FLOW, Map.of("lakeInterval", DAY_INTERVAL));
        assertFalse(refused.success());
        assertFalse(refused.getSummary().contains(secret), refused.getSummary());

        List<String> lines = logs.lines();
        assertTrue(lines.stream().anyMatch(l -> l.contains("oauth/token")), "the login failure was logged");
        assertTrue(lines.size() > 50, "the capture saw the daemon's logs: " + lines.size());
        assertEquals(List.of(), logs.matching(l -> l.contains(secret)), "lines naming the client secret");
        assertEquals(List.of(), logs.matching(l -> l.matches("(?s).*Bearer [A-Za-z0-9._-]{8,}.*")), "lines with a token");
    }
}
