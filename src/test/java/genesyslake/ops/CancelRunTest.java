package genesyslake.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import genesyslake.testsupport.FlowTest;
import genesyslake.testsupport.Lake;
import genesyslake.testsupport.LocalDaemon;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures backfills over JMX are guarded and stoppable: one longer than lake.backfill.confirm-days is refused unless
 * confirmed, dates outside the years 1 to 9999 are refused naming the input, and cancelRun stops a backfill between
 * pages, leaves the lake consistent (only whole chunks published, each with its manifest) and a rerun of the same
 * backfill resumes the saved job to every record exactly once. The local Genesys is slowed to 10 requests/s and pages
 * 25 records, so a day is twenty pages and the cancel lands mid-day.
 */
@FlowTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CancelRunTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FLOW = "conversation-details";
    private static final String JOBS = "POST /api/v2/analytics/conversations/details/jobs";

    private final MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
    private LocalDaemon daemon;
    private ObjectName flows;

    @BeforeAll
    void start() throws Exception {
        flows = ObjectName.getInstance("genesyslake:type=Flows");
        daemon = LocalDaemon.start(Map.of("details.page-size", "25", "details.max-days-per-run", "2",
                "genesys.rate-limit.requests-per-minute", "600"));
    }

    @AfterAll
    void stop() {
        if (daemon != null) {
            daemon.closeAndDelete();
        }
    }

    @Test
    void aHundredYearBackfillIsRefusedWithoutConfirmAndStartsWithItThenCancelRunStopsIt() throws Exception {
        CompositeData refused = invoke("startBackfill", FLOW, "1926-01-01", "2026-01-01");
        assertEquals("refused", refused.get("state"), refused.toString());
        String why = (String) refused.get("summary");
        assertTrue(why.contains("36525 days") && why.contains("lake.backfill.confirm-days=92"), why);
        assertTrue(why.contains("startBackfillConfirmed(" + FLOW + ", 1926-01-01, 2026-01-01, true)"),
                "the refusal says how to confirm: " + why);
        CompositeData refusedSync = invoke("backfill", FLOW, "1926-01-01", "2026-01-01");
        assertEquals(false, refusedSync.get("success"), refusedSync.toString());
        assertTrue(((String) refusedSync.get("summary")).contains("36525 days"), refusedSync.toString());
        CompositeData notConfirmed = invoke("startBackfillConfirmed", FLOW, "1926-01-01", "2026-01-01", false);
        assertEquals("refused", notConfirmed.get("state"), notConfirmed.toString());

        CompositeData started = invoke("startBackfillConfirmed", FLOW, "1926-01-01", "2026-01-01", true);
        String runId = (String) started.get("runId");
        assertTrue(List.of("queued", "running").contains((String) started.get("state")), started.toString());
        assertTrue(Ops.await(() -> state(runId).get("daysTotal").equals(36525) && inFlight(s -> s.path("day").asText()
                .startsWith("1926-01-0")), 60_000), "the confirmed backfill runs: " + state(runId));

        CompositeData cancelled = invoke("cancelRun", runId);
        assertEquals("cancelled", cancelled.get("state"), "cancelRun answers once the run has stopped: " + cancelled);
        assertEquals("cancelled", state(runId).get("state"));
        assertTrue(((String) cancelled.get("summary")).contains("backfill cancelled in 1926-01-01"), cancelled.toString());
        assertTrue(daemon.lake().keys("conversations/date=1926").isEmpty(), "no day of the unfinished chunk is published");
        assertTrue(daemon.lake().keys("_manifests/" + FLOW + "/1926").isEmpty(), "nor its manifest");
        assertEquals("cancelled", invoke("cancelRun", runId).get("state"), "cancelling an ended run leaves it as it is");
    }

    @Test
    void cancelRunStopsABackfillBetweenPagesAndTheRerunResumesToEveryRecordExactlyOnce() throws Exception {
        long jobsBefore = daemon.local().genesys().stats().count(JOBS);
        // Six days in three chunks of two; cancelled on page 3 or later of the second chunk's second day.
        CompositeData started = invoke("startBackfill", FLOW, "2025-01-01", "2025-01-07");
        String runId = (String) started.get("runId");
        assertTrue(Ops.await(() -> inFlight(s -> s.path("day").asText().equals("2025-01-04") && s.path("page").asInt() >= 3
                && !s.path("paged").asBoolean()), 90_000), "the backfill reached the middle of 2025-01-04: " + state(runId));

        CompositeData cancelled = invoke("cancelRun", runId);
        assertEquals("cancelled", cancelled.get("state"), cancelled.toString());
        CompositeData status = state(runId);
        assertEquals("cancelled", status.get("state"), status.toString());
        assertEquals(2, status.get("daysDone"), "the first chunk was done: " + status);
        assertEquals(6, status.get("daysTotal"), status.toString());
        assertTrue(((String) status.get("summary")).contains("after 1 of 3 chunks"), status.toString());

        // The lake holds the first chunk only, whole, with its manifest; nothing of the cancelled chunk is published.
        Lake lake = daemon.lake();
        assertEquals(new TreeSet<>(List.of("2025-01-01", "2025-01-02")), days(lake, "conversations/"));
        for (String table : List.of("conversation_segments/", "agent_handle_daily/", "queue_daily/")) {
            assertEquals(new TreeSet<>(List.of("2025-01-01", "2025-01-02")), days(lake, table), table);
        }
        assertManifestsAgreeWithTheLake(lake, 1);
        JsonNode saved = JSON.readTree(daemon.dataDir().resolve("state/" + FLOW + "-backfill.json").toFile()).path("inFlight");
        assertEquals("2025-01-04", saved.path("day").asText(), "the cancelled chunk is saved where it stopped: " + saved);
        assertTrue(saved.path("interval").asText().startsWith("2025-01-03"), saved.toString());

        CompositeData rerun = invoke("startBackfill", FLOW, "2025-01-01", "2025-01-07");
        CompositeData done = awaitEnd((String) rerun.get("runId"));
        assertEquals("succeeded", done.get("state"), done.toString());

        for (LocalDate day = LocalDate.parse("2025-01-01"); day.isBefore(LocalDate.parse("2025-01-07")); day = day.plusDays(1)) {
            List<String> expected = daemon.local().genesys().dataset().conversationsStartingOn(day)
                    .map(b -> new String(b, StandardCharsets.UTF_8)).toList();
            assertEquals(expected, lake.lines("conversations/date=" + day + "/"),
                    "every record of " + day + " exactly once, byte for byte");
        }
        assertEquals(6, daemon.local().genesys().stats().count(JOBS) - jobsBefore,
                "one job per day: the cancelled day's job was resumed, not submitted again");
        assertManifestsAgreeWithTheLake(lake, 3);
        JsonNode after = JSON.readTree(daemon.dataDir().resolve("state/" + FLOW + "-backfill.json").toFile());
        assertFalse(after.has("inFlight"), "nothing left in flight: " + after);
    }

    @Test
    void yearsBeforeOneAndAfter9999AreRefusedNamingTheInput() throws Exception {
        CompositeData year0 = invoke("startBackfill", FLOW, "0000-01-01", "0000-01-03");
        assertEquals("refused", year0.get("state"), year0.toString());
        assertTrue(((String) year0.get("summary")).contains("0000-01-01 is in year 0"), year0.toString());
        CompositeData year10000 = invoke("startFlowFor", "usage-export", "9999-12-01T00:00:00Z/+10000-01-01T00:00:00Z");
        assertEquals("refused", year10000.get("state"), year10000.toString());
        assertTrue(((String) year10000.get("summary")).contains("+10000-01-01T00:00:00Z is in year 10000"),
                year10000.toString());
        CompositeData sync = invoke("runConversationDetailsFor", "0000-06-01/0000-06-02");
        assertEquals(false, sync.get("success"), sync.toString());
        assertTrue(((String) sync.get("summary")).contains("year 0"), sync.toString());
        assertTrue(daemon.lake().keys("conversations/date=0001").isEmpty(), "year 0 was not run as year 1");
        assertTrue(daemon.lake().keys("conversations/date=0000").isEmpty());
    }

    /** Every manifest's objects are in the lake with the records it counts, and every object is in a manifest. */
    private static void assertManifestsAgreeWithTheLake(Lake lake, int runs) throws Exception {
        List<String> manifests = lake.keys("_manifests/" + FLOW + "/");
        assertEquals(runs, manifests.size(), "one manifest per published chunk: " + manifests);
        List<String> listed = new ArrayList<>();
        for (String key : manifests) {
            JsonNode m = JSON.readTree(String.join("\n", lake.lines(key, false)));
            assertTrue(m.path("complete").asBoolean(), m.toString());
            long raw = 0;
            for (JsonNode o : m.path("objects")) {
                String object = o.path("key").asText();
                listed.add(object);
                assertEquals(List.of(object), lake.keys(object), "listed in " + key + " and in the lake");
                if (object.startsWith("conversations/")) {
                    assertEquals(o.path("records").asLong(), lake.lines(object, true).size(), object);
                    raw += o.path("records").asLong();
                }
            }
            assertEquals(m.path("records").asLong(), raw, key + " counts the records of its objects");
        }
        List<String> inLake = new ArrayList<>();
        for (String table : List.of("conversations/", "conversation_segments/", "agent_handle_daily/", "queue_daily/")) {
            inLake.addAll(lake.keys(table));
        }
        assertEquals(new TreeSet<>(inLake), new TreeSet<>(listed), "no object outside a manifest");
    }

    private static TreeSet<String> days(Lake lake, String table) {
        TreeSet<String> days = new TreeSet<>();
        lake.keys(table).forEach(k -> days.add(k.substring(k.indexOf("date=") + 5, k.indexOf("date=") + 15)));
        return days;
    }

    private boolean inFlight(Predicate<JsonNode> reached) {
        Path state = daemon.dataDir().resolve("state/" + FLOW + "-backfill.json");
        try {
            return Files.exists(state) && reached.test(JSON.readTree(state.toFile()).path("inFlight"));
        } catch (Exception e) {
            return false; // being replaced
        }
    }

    private CompositeData state(String runId) {
        try {
            return invoke("runStatus", runId);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private CompositeData awaitEnd(String runId) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        CompositeData s = state(runId);
        while (List.of("queued", "running").contains((String) s.get("state"))) {
            assertTrue(System.currentTimeMillis() < deadline, "run " + runId + " did not end: " + s);
            Thread.sleep(200);
            s = state(runId);
        }
        return s;
    }

    private CompositeData invoke(String operation, Object... args) throws Exception {
        String[] signature = new String[args.length];
        for (int i = 0; i < args.length; i++) {
            signature[i] = args[i] instanceof Boolean ? "boolean" : String.class.getName();
        }
        return (CompositeData) jmx.invoke(flows, operation, args, signature);
    }
}
