package genesyslake.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import genesyslake.lake.RawRecords;
import genesyslake.local.genesys.GenesysDataset;
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
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ensures scheduled ticks export adjacent days with no gap or duplicate, and a restarted daemon continues from the watermark. */
@FlowTest
class TicksAndRestartTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FLOW = "conversation-details";
    private static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);
    private static final Map<String, String> SETTINGS = Map.of("details.initial-lookback-days", "4",
            "details.max-days-per-run", "1", "conversations.trailing-window", "0h", "conversations.period", "2s",
            "local.genesys.conversations-per-day", "200",
            LocalDaemon.FIRST_TICK_MS, "100"); // the first tick at once, the second a period later

    private LocalDaemon daemon;

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.closeAndDelete();
        }
    }

    private static Instant startOf(LocalDate day) {
        return day.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    @Test
    void twoScheduledTicksExportAdjacentDaysAndARestartContinuesFromTheWatermark() throws Exception {
        daemon = LocalDaemon.start(SETTINGS);
        Path dataDir = daemon.dataDir();
        // Schedules are off; start only this flow's timer, as lake.schedule.enabled would.
        daemon.context().getRouteController().startRoute(FLOW + "-schedule");
        assertTrue(Ops.await(() -> daemon.watermarks().watermark(FLOW).filter(w -> !w.isBefore(startOf(TODAY.minusDays(2))))
                .isPresent(), 60_000), "two ticks ran: " + daemon.watermarks().watermark(FLOW));
        daemon.context().getRouteController().stopRoute(FLOW + "-schedule");
        assertEquals(startOf(TODAY.minusDays(2)), daemon.watermarks().watermark(FLOW).orElseThrow(),
                "first tick: the look-back day, second tick: the next day");

        GenesysDataset data = daemon.local().genesys().dataset();
        assertDayExactlyOnce(data, TODAY.minusDays(4));
        assertDayExactlyOnce(data, TODAY.minusDays(3));
        assertTrue(daemon.lake().keys("conversations/date=" + TODAY.minusDays(2) + "/").isEmpty(), "not yet exported");
        assertManifest(TODAY.minusDays(4));
        assertManifest(TODAY.minusDays(3));
        daemon.close();

        // The restarted daemon (same data folder) plans its first run from the saved watermark.
        JsonNode state = JSON.readTree(dataDir.resolve("state").resolve(FLOW + ".json").toFile());
        assertEquals(startOf(TODAY.minusDays(2)).toString(), state.path("watermark").asText());
        assertFalse(state.has("inFlight"), "no job left in flight: " + state);
        daemon = LocalDaemon.start(dataDir, SETTINGS);
        FlowOutcome next = daemon.run(FLOW, Map.of());
        assertTrue(next.success(), next.toString());
        assertEquals(startOf(TODAY.minusDays(1)), daemon.watermarks().watermark(FLOW).orElseThrow());
        data = daemon.local().genesys().dataset();
        Set<String> all = new HashSet<>();
        int lines = 0;
        for (int back = 4; back >= 2; back--) {
            List<String> ids = assertDayExactlyOnce(data, TODAY.minusDays(back));
            all.addAll(ids);
            lines += ids.size();
        }
        assertEquals(lines, all.size(), "no conversation in two days");
        assertEquals(3, daemon.lake().keys("_manifests/" + FLOW + "/").size(), "one manifest per exported day");
        assertManifest(TODAY.minusDays(2));
    }

    /** The day's partition holds exactly the conversations that started that day, each once; returns their ids. */
    private List<String> assertDayExactlyOnce(GenesysDataset data, LocalDate day) throws IOException {
        DetailsQuery q = DetailsQuery.load(Path.of("queries/conversation-details.json"), DetailsQuery.Kind.CONVERSATIONS);
        var body = q.body().deepCopy();
        body.put("interval", Interval.of(day, day.plusDays(1)).toGenesys());
        List<String> expected = new ArrayList<>();
        for (byte[] c : data.conversationsForJob(body)) {
            if (RawRecords.utcDate(RawRecords.topLevelString(c, 0, c.length, "conversationStart")).equals(day.toString())) {
                expected.add(JSON.readTree(new String(c, StandardCharsets.UTF_8)).path("conversationId").asText());
            }
        }
        List<String> actual = new ArrayList<>();
        for (String line : daemon.lake().lines("conversations/date=" + day + "/")) {
            actual.add(JSON.readTree(line).path("conversationId").asText());
        }
        assertFalse(expected.isEmpty(), "the fake org has conversations on " + day);
        assertEquals(expected, actual, "every conversation of " + day + " once, none missing");
        return actual;
    }

    private void assertManifest(LocalDate day) throws IOException {
        String key = "_manifests/" + FLOW + "/" + Interval.of(day, day.plusDays(1)).label() + ".json";
        JsonNode m = JSON.readTree(String.join("\n", daemon.lake().lines(key, false)));
        assertTrue(m.path("complete").asBoolean(), m.toString());
        assertEquals(startOf(day.plusDays(1)).toString(), m.path("completeUntil").asText());
        long objectRecords = 0;
        for (JsonNode o : m.path("objects")) {
            assertTrue(o.path("uploaded").asBoolean(), o.toString());
            assertFalse(daemon.lake().keys(o.path("key").asText()).isEmpty(), "listed object is in the lake: " + o);
            if (o.path("key").asText().startsWith("conversations/")) {
                objectRecords += o.path("records").asLong();
            }
        }
        assertEquals(m.path("records").asLong(), objectRecords, m.toString());
    }
}
