package genesyslake.flows;

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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures conversation and user detail records land raw, filtered and partitioned by day, and that jobs resume after a
 * crash. The tests of a nested class share one daemon (their settings are the same): each exports days of its own and
 * compares the lake before and after its run; a test that restarts, rewrites its query file or needs other settings
 * has a daemon of its own (OwnDaemon).
 */
@FlowTest
class DetailsFlowTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final LocalDate DAY = LocalDate.now(ZoneOffset.UTC).minusDays(3);
    private static final String DAY_INTERVAL = interval(DAY);
    private static final String JOBS = "POST /api/v2/analytics/conversations/details/jobs";

    private static String interval(LocalDate day) {
        return day + "/" + day.plusDays(1);
    }

    private static List<byte[]> expectedConversations(GenesysDataset data, String queryFile, LocalDate day) {
        DetailsQuery q = DetailsQuery.load(Path.of(queryFile), DetailsQuery.Kind.CONVERSATIONS);
        var body = q.body().deepCopy();
        body.put("interval", Interval.of(day, day.plusDays(1)).toGenesys());
        return data.conversationsForJob(body).stream()
                .filter(c -> startsOn(c, day)).toList();
    }

    private static int expectedConversationsOn(GenesysDataset data, LocalDate day) {
        return expectedConversations(data, "queries/conversation-details.json", day).size();
    }

    private static String id(byte[] conversation) {
        try {
            return RawRecords.topLevelString(conversation, 0, conversation.length, "conversationId");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean startsOn(byte[] conversation, LocalDate day) {
        try {
            return RawRecords.utcDate(RawRecords.topLevelString(conversation, 0, conversation.length, "conversationStart"))
                    .equals(day.toString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A daemon with these settings and without its client-side rate limit (genesys.rate-limit.requests-per-minute:
     * 240 a minute after a burst of 10), which no test here is about: at 4 requests a second a shared daemon's later
     * days waited for their job polls and pages (13 pages of 40 took 3 s; ChunksOfTwoDays' ~40 requests a test, 8 s).
     */
    static LocalDaemon start(Map<String, String> settings) {
        return LocalDaemon.start(unthrottled(settings));
    }

    static Map<String, String> unthrottled(Map<String, String> settings) {
        Map<String, String> all = new java.util.HashMap<>(settings);
        all.putIfAbsent("genesys.rate-limit.requests-per-minute", "0");
        return all;
    }

    /**
     * One daemon for a nested class's tests, started before the first and stopped after the last. Its tests keep
     * apart by the days they export (each its own, noted at the test); before each, the local Genesys' counts and
     * faults and the details page hook are reset.
     */
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    abstract static class SharedDaemon {

        LocalDaemon shared;

        abstract Map<String, String> settings();

        @BeforeAll
        void startShared() {
            shared = start(settings());
        }

        @BeforeEach
        void resetShared() {
            shared.local().genesys().stats().reset();
            shared.local().genesys().faults().reset();
            shared.bean("details", DetailsExport.class).setPageHook((jobId, page) -> { });
        }

        @AfterAll
        void stopShared() {
            if (shared != null) {
                shared.closeAndDelete();
            }
        }

        LocalGenesys genesys() {
            return shared.local().genesys();
        }

        List<String> conversationKeys() {
            return shared.lake().keys("conversations/");
        }
    }

    /**
     * Details pages of 40 records, 200 conversations a day (five pages: a job can expire after its second or third),
     * and a refused job failing its run after 300 ms.
     */
    @Nested
    class PagesOfForty extends SharedDaemon {

        @Override
        Map<String, String> settings() {
            return Map.of("details.page-size", "40", "details.jobs.refused-max-wait", "300ms",
                    "local.genesys.conversations-per-day", "200");
        }

        @Test
        void everyConversationOfTheDayLandsByteForByteInItsPartition() {
            // DAY; no test of this class exports DAY - 1
            FlowOutcome outcome = shared.run("conversation-details", Map.of("lakeInterval", DAY_INTERVAL));
            assertTrue(outcome.success(), outcome.toString());

            List<byte[]> expected = expectedConversations(genesys().dataset(), "queries/conversation-details.json", DAY);
            List<String> lines = shared.lake().lines("conversations/date=" + DAY + "/");
            assertEquals(expected.size(), lines.size());
            for (int i = 0; i < expected.size(); i++) {
                assertEquals(new String(expected.get(i), StandardCharsets.UTF_8), lines.get(i), "record " + i + " is byte-identical");
            }
            assertTrue(genesys().stats().count("GET /api/v2/analytics/conversations/details/jobs/{jobId}/results") > 1,
                    "the day came in several pages");
            assertTrue(shared.lake().lines("conversation_segments/date=" + DAY + "/").size() > lines.size(),
                    "several segment rows per conversation");
            assertTrue(shared.lake().keys("conversations/date=" + DAY.minusDays(1) + "/").isEmpty(),
                    "conversations that started the day before belong to that day's export, not this one");
        }

        @Test
        void aJobThatExpiresMidPagingIsResubmittedOnceThenReported() {
            LocalDate day = DAY.minusDays(2);
            List<String> before = conversationKeys();
            genesys().faults().expireJobsAfterPages(2);
            FlowOutcome outcome = shared.run("conversation-details", Map.of("lakeInterval", interval(day)));
            assertFalse(outcome.success(), "every job expires: resubmitted once, then reported");
            assertEquals(2, genesys().stats().count(JOBS));
            assertTrue(outcome.getSummary().contains("expired"), outcome.getSummary());
            assertEquals(before, conversationKeys(), "nothing was published");

            genesys().faults().reset();
            assertTrue(shared.run("conversation-details", Map.of("lakeInterval", interval(day))).success());
            assertEquals(expectedConversationsOn(genesys().dataset(), day),
                    shared.lake().lines("conversations/date=" + day + "/").size());
        }

        @Test
        void aJobThatExpiresOnceIsResubmittedAndTheRunCountsEachRecordOnce() {
            LocalDate day = DAY.minusDays(3);
            String[] first = {null};
            shared.bean("details", DetailsExport.class).setPageHook((job, page) -> {
                if (first[0] == null) {
                    first[0] = job;
                }
                if (job.equals(first[0]) && page == 3) {
                    genesys().faults().expireJobsAfterPages(3); // the first job's next page answers 404
                } else if (!job.equals(first[0])) {
                    genesys().faults().reset(); // the resubmitted job lives
                }
            });
            FlowOutcome outcome = shared.run("conversation-details", Map.of("lakeInterval", interval(day)));
            assertTrue(outcome.success(), outcome.toString());
            assertEquals(2, genesys().stats().count(JOBS));
            int expected = expectedConversationsOn(genesys().dataset(), day);
            assertEquals(expected, shared.lake().lines("conversations/date=" + day + "/").size());
            assertEquals(expected, outcome.getRecords(), "the discarded first job's records are not counted again");
        }

        @Test
        void aFailedJobEndsTheRunWithGenesysOwnErrorMessage() {
            LocalDate day = DAY.minusDays(4);
            List<String> before = conversationKeys();
            genesys().faults().failNextJob("Query exceeded the data size limit");
            FlowOutcome outcome = shared.run("conversation-details", Map.of("lakeInterval", interval(day)));
            assertFalse(outcome.success());
            assertTrue(outcome.getSummary().contains("ended FAILED: Query exceeded the data size limit"), outcome.getSummary());
            assertEquals(before, conversationKeys(), "nothing was published");
        }

        @Test
        void aDaysJobRefusedLongerThanTheSettingFailsTheRunNamingIt() {
            LocalDate day = DAY.minusDays(5);
            List<String> before = conversationKeys();
            genesys().faults().refuseNextJobs(1000);
            FlowOutcome outcome = shared.run("conversation-details", Map.of("lakeInterval", interval(day)));
            assertFalse(outcome.success());
            assertTrue(outcome.getSummary().contains("details.jobs.refused-max-wait"), outcome.getSummary());
            assertEquals(before, conversationKeys(), "nothing was published");
        }
    }

    /** Jobs take 400 ms; the org runs at most 3 at once; the flow keeps 2 in flight. */
    @Nested
    class TwoJobsInFlight extends SharedDaemon {

        @Override
        Map<String, String> settings() {
            return Map.of("local.genesys.job-latency", "400ms", "local.genesys.max-running-jobs", "3",
                    "details.jobs.max-in-flight", "2");
        }

        @org.junit.jupiter.params.ParameterizedTest
        @org.junit.jupiter.params.provider.ValueSource(strings = {"conversations", "users"})
        void jobsOfTheNextDaysAreInFlightTogetherButNeverMoreThanTheSettingOrGenesysLimit(String kind) {
            // DAY - 5 to DAY, each kind its own tables
            String flow = kind.equals("users") ? "user-details" : "conversation-details";
            FlowOutcome outcome = shared.run(flow, Map.of("lakeInterval", DAY.minusDays(5) + "/" + DAY.plusDays(1)));
            assertTrue(outcome.success(), outcome.toString());
            assertEquals(6, genesys().stats().count("POST /api/v2/analytics/" + kind + "/details/jobs"), "one job a day");
            assertEquals(0, genesys().stats().jobsRefused(), "never beyond Genesys' limit");
            assertEquals(2, genesys().stats().mostJobsRunning(), "the next day's job runs while a day pages, never a third");
            for (int d = 0; d < 6; d++) {
                String table = kind.equals("users") ? "user_details" : "conversations";
                assertFalse(shared.lake().keys(table + "/date=" + DAY.minusDays(5).plusDays(d) + "/").isEmpty(),
                        "day " + d + " landed");
            }
        }
    }

    /**
     * A backfill goes in chunks of two days, oldest first (the shipped order). Its tests count jobs, chunks, days and
     * objects, never records: 50 conversations a day (one page each) prove what 500 did.
     */
    @Nested
    class ChunksOfTwoDays extends SharedDaemon {

        static final String PER_DAY = "50";

        @Override
        Map<String, String> settings() {
            return Map.of("details.max-days-per-run", "2", "local.genesys.conversations-per-day", PER_DAY);
        }

        @Test
        void aNewestFirstBackfillFillsTheNewestDaysFirstAndEndsWithTheSameObjectsAsOldestFirst() {
            // DAY - 3 to DAY: oldest first on this class's daemon, newest first on a daemon of its own
            LocalDate from = DAY.minusDays(3);
            Map<String, List<String>> byOrder = new java.util.TreeMap<>();
            byOrder.put("oldest-first", backfillInOrder(shared, "oldest-first", from));
            LocalDaemon newest = start(Map.of("lake.backfill.order", "newest-first", "details.max-days-per-run", "2",
                    "local.genesys.conversations-per-day", PER_DAY));
            try {
                byOrder.put("newest-first", backfillInOrder(newest, "newest-first", from));
            } finally {
                newest.closeAndDelete();
            }
            assertEquals(byOrder.get("oldest-first"), byOrder.get("newest-first"), "the same objects either way");
        }

        /** Backfills from {@code from} to DAY; answers what landed, one line per table and day. */
        private static List<String> backfillInOrder(LocalDaemon daemon, String order, LocalDate from) {
            // Which of the backfill's days were in the lake when the second chunk paged its first page.
            Set<String> days = new HashSet<>();
            for (LocalDate d = from; !d.isAfter(DAY); d = d.plusDays(1)) {
                days.add(d.toString());
            }
            List<String> seenAtSecondChunk = new java.util.ArrayList<>();
            daemon.bean("details", DetailsExport.class).setPageHook((jobId, page) -> {
                List<String> now = daemon.lake().keys("conversations/").stream()
                        .map(k -> k.replaceAll(".*date=([0-9-]+)/.*", "$1")).filter(days::contains).toList();
                if (seenAtSecondChunk.isEmpty() && !now.isEmpty()) {
                    seenAtSecondChunk.addAll(now);
                }
            });
            FlowOutcome outcome = daemon.bean("flowsMBean", genesyslake.management.Flows.class)
                    .backfill("conversation-details", from.toString(), DAY.plusDays(1).toString());
            assertTrue(outcome.isSuccess(), outcome.toString());
            List<String> expectFirst = order.equals("newest-first")
                    ? List.of(DAY.minusDays(1).toString(), DAY.toString())
                    : List.of(from.toString(), from.plusDays(1).toString());
            assertEquals(expectFirst, seenAtSecondChunk.stream().distinct().sorted().toList(), order + ": first chunk");
            // The first chunk submitted the second's jobs ahead; the second polled them instead of submitting again.
            assertEquals(4, daemon.local().genesys().stats().count(JOBS), order + ": one job a day across the chunks");
            assertTrue(daemon.watermarks().jobsAhead("conversation-details-backfill").isEmpty(), order + ": all taken up");
            List<String> all = new java.util.ArrayList<>();
            for (String table : List.of("conversations", "conversation_segments")) {
                for (int d = 0; d < 4; d++) {
                    List<String> lines = daemon.lake().lines(table + "/date=" + from.plusDays(d) + "/");
                    assertFalse(lines.isEmpty(), order + ": " + table + " of day " + d);
                    all.add(table + " " + from.plusDays(d) + " " + String.join("\n", lines).hashCode() + " " + lines.size());
                }
            }
            return all;
        }

        @Test
        void explicitIntervalsAndBackfillsNeverMoveTheSchedulesWatermark() {
            // DAY - 20 to DAY - 8, and the schedule's own days (from yesterday); no other test of this class runs the
            // schedule
            String flow = "conversation-details";
            // A fresh install's backfill of old days sets no watermark: the schedule still starts from its look-back.
            var flows = shared.bean("flowsMBean", genesyslake.management.Flows.class);
            List<String> before = conversationKeys();
            FlowOutcome backfill = flows.backfill(flow, DAY.minusDays(10).toString(), DAY.minusDays(7).toString());
            assertTrue(backfill.success(), backfill.toString());
            List<String> added = new java.util.ArrayList<>(conversationKeys());
            added.removeAll(before);
            assertEquals(3, added.size(), "three days, in chunks of two: " + added);
            assertTrue(shared.watermarks().watermark(flow).isEmpty(), "the backfill set no watermark");
            long jobs = genesys().stats().count(JOBS);
            assertEquals(3, jobs, "one job per day");
            assertTrue(flows.backfill(flow, DAY.minusDays(10).toString(), DAY.minusDays(7).toString()).success());
            assertEquals(jobs, genesys().stats().count(JOBS), "the same backfill again finds its chunks done");
            // A trigger for more days than one run exports goes in chunks too.
            FlowOutcome longer = flows.runConversationDetailsFor(DAY.minusDays(16) + "/" + DAY.minusDays(13));
            assertTrue(longer.success() && longer.getSummary().contains("in 2 chunks"), longer.toString());

            assertTrue(shared.run(flow, Map.of()).success());
            var watermark = shared.watermarks().watermark(flow);
            assertTrue(watermark.isPresent(), "the schedule's run sets it");
            assertTrue(shared.run(flow, Map.of("lakeInterval", DAY.minusDays(20) + "/" + DAY.minusDays(19))).success());
            assertEquals(watermark, shared.watermarks().watermark(flow), "an explicit older day leaves it where it was");
            assertFalse(shared.watermarks().inFlight(flow + "-backfill").isPresent());
            assertFalse(shared.watermarks().inFlight(flow).isPresent());
        }

        @Test
        void aBackfillKilledAfterAChunkEndedButBeforeItRecordedTheChunkDoesNotExportThatChunkAgain() {
            // DAY - 30 to DAY - 25
            String flow = "conversation-details";
            LocalDate from = DAY.minusDays(30);
            LocalDate to = DAY.minusDays(26); // four days: two chunks of two
            // The state a SIGKILL leaves in that window: the backfill noted its first chunk as started, and the chunk's
            // run ended complete (its state cleared, its interval noted), but the backfill's own record of it never came.
            String first = from + "/" + from.plusDays(2);
            List<String> keysBefore = conversationKeys();
            assertTrue(shared.run(flow, Map.of("lakeInterval", first)).success());
            String firstLabel = Interval.parse(first, java.time.Clock.systemUTC()).label();
            assertEquals(java.util.Optional.of(firstLabel), shared.watermarks().lastComplete(flow + "-backfill"),
                    "a complete run of an interval of its own notes it in the same write that ends it");
            String progressKey = genesyslake.management.Flows.progressKey(flow,
                    Interval.parse(from + "/" + to, java.time.Clock.systemUTC()), false);
            shared.watermarks().chunkStarted(progressKey, firstLabel);
            long before = genesys().stats().count(JOBS);
            assertEquals(2, before, "one job per day of the first chunk");

            var flows = shared.bean("flowsMBean", genesyslake.management.Flows.class);
            FlowOutcome backfill = flows.backfill(flow, from.toString(), to.toString());
            assertTrue(backfill.success(), backfill.toString());
            assertEquals(2, genesys().stats().count(JOBS) - before, "only the second chunk's two days get jobs: the first "
                    + "chunk was done before the kill");
            List<String> added = new java.util.ArrayList<>(conversationKeys());
            added.removeAll(keysBefore);
            assertEquals(4, added.size(), "every day once: " + added);
            assertTrue(shared.watermarks().chunkStarted(progressKey).isEmpty(), "the backfill's record is complete");
            // A backfill started afresh (its progress file deleted) exports every chunk again: the note alone skips nothing.
            assertTrue(flows.backfill(flow, to.toString(), to.plusDays(2).toString()).success());
            assertEquals(4, genesys().stats().count(JOBS) - before);
        }
    }

    /** The example query files: inbound voice conversations, available and interacting users. */
    @Nested
    class ExampleQueryFiles extends SharedDaemon {

        @Override
        Map<String, String> settings() {
            return Map.of("conversations.query-file", "queries/examples/inbound-voice-conversations.json",
                    "users.query-file", "queries/examples/available-interacting-users.json");
        }

        @Test
        void theInboundVoiceFilterKeepsOnlyInboundVoiceConversations() throws IOException {
            FlowOutcome outcome = shared.run("conversation-details", Map.of("lakeInterval", DAY_INTERVAL));
            assertTrue(outcome.success(), outcome.toString());
            List<byte[]> expected = expectedConversations(genesys().dataset(),
                    "queries/examples/inbound-voice-conversations.json", DAY);
            List<String> lines = shared.lake().lines("conversations/date=" + DAY + "/");
            assertEquals(expected.size(), lines.size());
            assertTrue(lines.size() < genesys().dataset().conversationsPerDay(), "the filter removed some");
            for (String line : lines) {
                boolean inboundVoice = false;
                for (JsonNode p : JSON.readTree(line).path("participants")) {
                    for (JsonNode s : p.path("sessions")) {
                        inboundVoice |= s.path("mediaType").asText().equals("voice") && s.path("direction").asText().equals("inbound");
                    }
                }
                assertTrue(inboundVoice, line);
            }
        }

        @Test
        void theSeedUserFiltersKeepOnlyAvailableAndInteractingIntervals() throws IOException {
            LocalDate weekday = DAY.getDayOfWeek().getValue() >= 6 ? DAY.minusDays(2) : DAY;
            FlowOutcome outcome = shared.run("user-details", Map.of("lakeInterval", weekday + "/" + weekday.plusDays(1)));
            assertTrue(outcome.success(), outcome.toString());
            List<String> users = shared.lake().lines("user_details/date=" + weekday + "/");
            assertFalse(users.isEmpty());
            var body = DetailsQuery.load(Path.of("queries/examples/available-interacting-users.json"), DetailsQuery.Kind.USERS)
                    .body().deepCopy();
            body.put("interval", Interval.of(weekday, weekday.plusDays(1)).toGenesys());
            List<String> expected = genesys().dataset().userDetailsForQuery(body).stream()
                    .map(b -> new String(b, StandardCharsets.UTF_8)).toList();
            assertEquals(expected, users, "every user record of the day, byte for byte");
            Set<String> presences = new HashSet<>();
            Set<String> statuses = new HashSet<>();
            for (String line : users) {
                JsonNode u = JSON.readTree(line);
                u.path("primaryPresence").forEach(p -> presences.add(p.path("systemPresence").asText()));
                u.path("routingStatus").forEach(r -> statuses.add(r.path("routingStatus").asText()));
            }
            assertEquals(Set.of("AVAILABLE"), presences);
            assertEquals(Set.of("INTERACTING"), statuses);
            for (String row : shared.lake().lines("user_presence/date=" + weekday + "/")) {
                assertEquals("AVAILABLE", JSON.readTree(row).path("systemPresence").asText());
            }
        }
    }

    /** Tests that restart their daemon, rewrite its query file or need settings no other test has: one daemon each. */
    @Nested
    class OwnDaemon {

        private LocalDaemon daemon;

        @AfterEach
        void stop() {
            if (daemon != null) {
                daemon.closeAndDelete();
            }
        }

        @Test
        void aRunKilledMidJobResumesFromItsSavedCursorWithNothingLostOrDuplicated() {
            // Genesys keeps a job across our restart, so here it runs outside the daemon and outlives it.
            LocalGenesys genesys = new LocalGenesys(LocalGenesysSettings.defaults()).start();
            Map<String, String> settings = unthrottled(Map.of("lake.mode", "local", "details.page-size", "40",
                    "genesys.api-url", genesys.baseUrl(), "genesys.login-url", genesys.baseUrl(), "genesys.client-id",
                    "local-client", "genesys.client-secret", "local-secret"));
            Path dataDir;
            daemon = LocalDaemon.start(settings);
            dataDir = daemon.dataDir();
            DetailsExport export = daemon.bean("details", DetailsExport.class);
            export.setPageHook((jobId, page) -> {
                if (page == 3) {
                    throw new IllegalStateException("simulated crash after page 3 of job " + jobId);
                }
            });
            FlowOutcome crashed = daemon.run("conversation-details", Map.of("lakeInterval", DAY_INTERVAL));
            assertFalse(crashed.success());
            // An explicit interval keeps its progress apart from the schedule's (which it never moves).
            assertTrue(daemon.watermarks().inFlight("conversation-details-backfill").isPresent(), "the job and cursor were saved");
            assertFalse(daemon.watermarks().inFlight("conversation-details").isPresent(), "the schedule's state is untouched");
            assertTrue(daemon.lake().keys("conversations/").isEmpty(), "nothing was published by the crashed run");
            daemon.close();

            daemon = LocalDaemon.start(dataDir, settings);
            genesys.stats().reset();
            FlowOutcome resumed = daemon.run("conversation-details", Map.of("lakeInterval", DAY_INTERVAL));
            assertTrue(resumed.success(), resumed.toString());
            assertEquals(0, genesys.stats().count(JOBS), "no resubmission");

            assertTrue(genesys.stats().count("GET /api/v2/analytics/conversations/details/jobs/{jobId}/results") > 0);
            List<String> lines = daemon.lake().lines("conversations/date=" + DAY + "/");
            List<byte[]> expected = expectedConversations(genesys.dataset(), "queries/conversation-details.json", DAY);
            genesys.close();
            assertEquals(expected.size(), lines.size());
            assertEquals(lines.size(), new HashSet<>(lines).size(), "no duplicates");
            for (int i = 0; i < expected.size(); i++) {
                assertEquals(new String(expected.get(i), StandardCharsets.UTF_8), lines.get(i));
            }
            assertFalse(daemon.watermarks().inFlight("conversation-details-backfill").isPresent());
        }

        @Test
        void jobsRefusedForTheOrgsLimitAreWaitedOutAndSubmittedAgainNotFailed() {
            // The org runs one job at once; the flow would keep 3 in flight; the first 3 submissions are refused as if
            // another client held the slot, so the first day's own job waits (backoff from the 50 ms poll delay).
            daemon = start(Map.of("local.genesys.job-latency", "300ms", "local.genesys.max-running-jobs", "1",
                    "details.jobs.max-in-flight", "3"));
            var genesys = daemon.local().genesys();
            genesys.faults().refuseNextJobs(3);
            FlowOutcome outcome = daemon.run("conversation-details", Map.of("lakeInterval", DAY.minusDays(3) + "/" + DAY.plusDays(1)));
            assertTrue(outcome.success(), outcome.toString());
            long posted = genesys.stats().count(JOBS);
            assertEquals(4, posted - genesys.stats().jobsRefused(), "one accepted job a day: " + genesys.stats());
            assertTrue(genesys.stats().jobsRefused() >= 3, "the injected refusals, and the limit's: " + genesys.stats());
            assertEquals(1, genesys.stats().mostJobsRunning(), "never beyond the org's limit");
            for (int d = 0; d < 4; d++) {
                assertEquals(expectedConversationsOn(genesys.dataset(), DAY.minusDays(3).plusDays(d)),
                        daemon.lake().lines("conversations/date=" + DAY.minusDays(3).plusDays(d) + "/").size(), "day " + d);
            }
        }

        @Test
        void aDayBeyondTheSynchronousQuerysResultCapIsQueriedHourByHourAndLandsWhole() throws IOException {
            // Today is not available to jobs yet: it goes through the synchronous query, which pages at most a capped
            // number of results (Genesys: 100 000). Here both caps, the local Genesys' and the daemon's, are 2 000 and
            // a day has 3 000 conversations: the same ratio as 150 000 against 100 000, at a fiftieth of the volume.
            // Were the daemon's cap above the stand-in's, the day would be queried whole and fail at its 21st page.
            int cap = 2_000;
            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            daemon = start(Map.of("local.genesys.conversations-per-day", "3000",
                    "local.genesys.query.max-results", Integer.toString(cap), "details.query.max-results", Integer.toString(cap)));
            var genesys = daemon.local().genesys();
            assertEquals(cap, genesys.settings().maxQueryResults(), "the local Genesys caps where the daemon does");
            FlowOutcome outcome = daemon.run("conversation-details", Map.of("lakeInterval", today + "/" + today.plusDays(1)));
            assertTrue(outcome.success(), outcome.toString());
            // Compared by conversationId, streamed, not held (as at 150 000 records of ~3 KB).
            List<String> keys = daemon.lake().keys("conversations/date=" + today + "/");
            assertEquals(1, keys.size(), keys.toString());
            List<String> landed = new java.util.ArrayList<>();
            // From a file: over a network stream GZIPInputStream may stop at a gzip member boundary (JDK-7036144).
            Path copy = java.nio.file.Files.createTempFile("day", ".json.gz");
            java.nio.file.Files.delete(copy);
            daemon.s3().getObject(b -> b.bucket("gc-usage-api-source").key(keys.get(0)), copy);
            try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(new java.util.zip.GZIPInputStream(
                    java.nio.file.Files.newInputStream(copy)), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    landed.add(id(line.getBytes(StandardCharsets.UTF_8)));
                }
            }
            List<String> expected = genesys.dataset().conversationsStartingOn(today).map(DetailsFlowTest::id).toList();
            assertEquals(expected.size(), landed.size(), "every conversation of the day");
            assertEquals(landed.size(), new HashSet<>(landed).size(), "none twice");
            assertEquals(new HashSet<>(expected), new HashSet<>(landed));
            java.nio.file.Files.delete(copy);
            assertTrue(expected.size() > cap, "the day is beyond the cap: " + expected.size());
            // One query may page cap / 100 pages of 100: more pages than that landed only because the day went hour by hour.
            assertTrue(genesys.stats().count("POST /api/v2/analytics/conversations/details/query") > 1 + cap / 100,
                    "paged hour by hour: " + genesys.stats());
        }

        @Test
        void aPastedIntervalIsNotedOnceAndAChangedFilterNamesTheDaysThatNowDiffer(@org.junit.jupiter.api.io.TempDir Path dir)
                throws Exception {
            Path file = dir.resolve("pasted.json");
            java.nio.file.Files.writeString(file, "{\"interval\":\"2026-01-01T00:00:00.000Z/2026-01-02T00:00:00.000Z\","
                    + "\"order\":\"asc\",\"orderBy\":\"conversationStart\"}");
            daemon = start(Map.of("conversations.query-file", file.toString(), "lake.queries-dir", dir.toString()));
            try (var logs = new genesyslake.ops.LogCapture()) {
                LocalDate other = DAY.minusDays(1);
                assertTrue(daemon.run("conversation-details", Map.of("lakeInterval", other + "/" + DAY)).success());
                assertTrue(daemon.run("conversation-details", Map.of("lakeInterval", DAY_INTERVAL)).success());
                assertEquals(1, logs.matching(l -> l.contains("has its own interval 2026-01-01T00:00:00.000Z/2026-01-02")
                        && l.contains("trigger the flow with it")).size(), "noted once, with how to run it");

                // The filter changes: the day exported before now differs from the one exported next.
                java.nio.file.Files.writeString(file, "{\"order\":\"asc\",\"segmentFilters\":[{\"type\":\"and\","
                        + "\"predicates\":[{\"dimension\":\"mediaType\",\"value\":\"voice\"}]}]}");
                assertTrue(daemon.run("conversation-details", Map.of("lakeInterval", DAY_INTERVAL)).success());
                assertEquals(1, logs.matching(l -> l.startsWith("WARN") && l.contains("changed")
                        && l.contains("[" + other + "]") && l.contains("differ in filter")).size(), String.join("\n", logs.lines()));
            }
        }

        @Test
        void aQueryFileOfTheWrongKindIsRejectedNamingFileAndField() {
            String users = "queries/examples/available-interacting-users.json";
            daemon = start(Map.of("conversations.query-file", users));
            FlowOutcome outcome = daemon.run("conversation-details", Map.of("lakeInterval", DAY_INTERVAL));
            assertFalse(outcome.success());
            assertTrue(outcome.getSummary().contains(users) && outcome.getSummary().contains("presenceFilters"),
                    outcome.getSummary());
            assertTrue(daemon.run("usage-export", Map.of("lakeInterval", "2025-01-01/2025-02-01")).success(),
                    "the other flows keep working");
            assertThrows(IllegalArgumentException.class, () -> DetailsQuery.load(Path.of(users), DetailsQuery.Kind.CONVERSATIONS));
        }
    }
}
