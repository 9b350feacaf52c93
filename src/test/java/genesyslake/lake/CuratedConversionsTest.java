package genesyslake.lake;

import genesyslake.lake.PartitionSpool.LakeObject;
import genesyslake.query.Interval;
import genesyslake.testsupport.Parquet;
import genesyslake.testsupport.UnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures a run publishes curated objects as Parquet (early or at the end, never stale), everything else as spooled,
 * and one agent_status_daily, one agent_handle_daily and one queue_daily summary per day in either flat format.
 */
@UnitTest
class CuratedConversionsTest {

    private static final String SEGMENTS = "conversation_segments/date=2026-11-03/c_2026-11-03.json.gz";
    private static final String RAW = "conversations/date=2026-11-03/c_2026-11-03.json.gz";

    @TempDir
    Path dir;

    private ExportRun run(CuratedConversions conversions) throws IOException {
        ExportRun run = new ExportRun("f", "r1", Interval.of(LocalDate.of(2026, 11, 3), LocalDate.of(2026, 11, 4)), dir.resolve("run"));
        run.spool(new PartitionSpool(run.dir().resolve("spool"), conversions::spoolLevel));
        return run;
    }

    private CuratedConversions parquet() {
        return new CuratedConversions(FlatFormat.PARQUET, new ParquetConverter(dir.resolve("duckdb"), "128MB", 1));
    }

    /** The day is paged and the run publishes: the published objects of one summary table. */
    private static List<LakeObject> published(CuratedConversions conversions, ExportRun run, String table, String... keys)
            throws IOException {
        conversions.keysDone(run, List.of(keys));
        return conversions.publishable(run, run.spool().finish()).stream()
                .filter(o -> o.key().contains(table + "/")).toList();
    }

    private static String gunzip(Path file) throws IOException {
        try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(file))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static byte[] row(int i) {
        return ("{\"conversationId\":\"c" + i + "\",\"segmentStart\":\"2026-11-03T00:00:0" + (i % 10) + "Z\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void curatedObjectsArePublishedAsParquetUnderTheSameKeyAndRawOnesAsSpooled() throws IOException {
        CuratedConversions conversions = parquet();
        assertEquals(0, conversions.spoolLevel(SEGMENTS), "only DuckDB reads it: stored, not compressed");
        assertEquals(PartitionSpool.DEFAULT_LEVEL, conversions.spoolLevel(RAW));
        ExportRun run = run(conversions);
        for (int i = 0; i < 3; i++) {
            run.spool().append(RAW, row(i));
            run.spool().append(SEGMENTS, row(i));
        }
        conversions.keysDone(run, List.of(RAW, SEGMENTS)); // the day is paged: converting starts
        run.spool().append(SEGMENTS, row(3)); // ... yet a row came after (not what a flow does): converted again
        List<LakeObject> spooled = run.spool().finish();
        List<LakeObject> published = conversions.publishable(run, spooled);
        assertEquals(List.of("agent_handle_daily/date=2026-11-03/c_2026-11-03.parquet",
                        "conversation_segments/date=2026-11-03/c_2026-11-03.parquet", RAW,
                        "queue_daily/date=2026-11-03/c_2026-11-03.parquet"),
                published.stream().map(LakeObject::key).sorted().toList());
        LakeObject parquet = published.stream().filter(o -> o.key().startsWith("conversation_segments/")).findFirst()
                .orElseThrow();
        assertEquals(4, parquet.records());
        assertEquals(4, Parquet.rows(parquet.file(), "1").size(), "the late row is in");
        assertEquals(Files.size(parquet.file()), parquet.bytes());
        assertSame(spooled.stream().filter(o -> o.key().equals(RAW)).findFirst().orElseThrow(),
                published.stream().filter(o -> o.key().equals(RAW)).findFirst().orElseThrow());
    }

    @Test
    void anEarlyConversionIsWhatGetsPublishedWhenNothingWasAddedSince() throws IOException {
        CuratedConversions conversions = parquet();
        ExportRun run = run(conversions);
        run.spool().append(SEGMENTS, row(1));
        conversions.keysDone(run, List.of(SEGMENTS));
        Path early = run.dir().resolve("parquet/conversation_segments/date=2026-11-03/c_2026-11-03.parquet");
        List<LakeObject> published = conversions.publishable(run, run.spool().finish());
        assertEquals(early, published.get(0).file());
        assertEquals(List.of("c1"), Parquet.rows(early, "conversationId"));
    }

    @Test
    void ndjsonPublishesEverythingAsSpooled() throws IOException {
        CuratedConversions conversions = CuratedConversions.ndjson();
        assertEquals(PartitionSpool.DEFAULT_LEVEL, conversions.spoolLevel(SEGMENTS));
        ExportRun run = run(conversions);
        run.spool().append(SEGMENTS, row(1));
        conversions.keysDone(run, List.of(SEGMENTS));
        List<LakeObject> spooled = run.spool().finish();
        List<LakeObject> published = conversions.publishable(run, spooled);
        assertEquals(spooled, published.subList(0, spooled.size()));
        assertEquals(List.of("agent_handle_daily/date=2026-11-03/c_2026-11-03.json.gz",
                "queue_daily/date=2026-11-03/c_2026-11-03.json.gz"), published.subList(spooled.size(),
                published.size()).stream().map(LakeObject::key).toList(), "only the day's summaries are added");
        assertTrue(run.earlyConversions().isEmpty());
    }

    private static final String PRESENCE = "p/user_presence/date=2026-11-03/user-details_2026-11-03.json.gz";
    private static final String ROUTING = "p/user_routing_status/date=2026-11-03/user-details_2026-11-03.json.gz";

    private static byte[] interval(String user, String statusColumn, String status, Long ms) {
        return ("{\"userId\":\"" + user + "\",\"startTime\":\"2026-11-03T00:00:00Z\",\"endTime\":null,\"durationMs\":"
                + ms + ",\"" + statusColumn + "\":\"" + status + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    private List<LakeObject> summariesOf(CuratedConversions conversions) throws IOException {
        ExportRun run = run(conversions);
        run.spool().append(PRESENCE, interval("u1", "systemPresence", "AVAILABLE", 1000L));
        run.spool().append(PRESENCE, interval("u1", "systemPresence", "AVAILABLE", 234L));
        run.spool().append(PRESENCE, interval("u1", "systemPresence", "BREAK", null));
        run.spool().append(PRESENCE, interval("u2", "systemPresence", "AVAILABLE", 5L));
        run.spool().append(ROUTING, interval("u1", "routingStatus", "INTERACTING", 7L));
        return published(conversions, run, "agent_status_daily", PRESENCE, ROUTING);
    }

    @Test
    void aDaysPresenceAndRoutingRowsGiveOneSummarySummedPerUserKindAndStatus() throws IOException {
        List<LakeObject> parquet = summariesOf(parquet());
        assertEquals(1, parquet.size());
        LakeObject summary = parquet.get(0);
        assertEquals("p/agent_status_daily/date=2026-11-03/user-details_2026-11-03.parquet", summary.key());
        assertEquals(4, summary.records());
        assertEquals(List.of("u1|presence|AVAILABLE|1234|2", "u1|presence|BREAK|null|1", "u1|routing|INTERACTING|7|1",
                        "u2|presence|AVAILABLE|5|1"),
                Parquet.rows(summary.file(), "concat_ws('|', userId, kind, status, coalesce(CAST(durationMs AS VARCHAR), 'null'), intervals)"));
        assertEquals("BIGINT", Parquet.rows(summary.file(), "typeof(durationMs)").get(0), "Athena's bigint, not a 128-bit sum");
    }

    @Test
    void ndjsonWritesTheSameSummaryAsGzipNdjson() throws IOException {
        List<LakeObject> ndjson = summariesOf(CuratedConversions.ndjson());
        assertEquals(List.of("p/agent_status_daily/date=2026-11-03/user-details_2026-11-03.json.gz"),
                ndjson.stream().map(LakeObject::key).toList());
        assertEquals(4, ndjson.get(0).records());
        String text = gunzip(ndjson.get(0).file());
        assertEquals("{\"userId\":\"u1\",\"kind\":\"presence\",\"status\":\"AVAILABLE\",\"durationMs\":1234,\"intervals\":2}",
                text.lines().findFirst().orElseThrow());
        assertEquals(4, text.lines().count());
    }

    private static final String DAY_SEGMENTS = "p/conversation_segments/date=2026-11-03/conversation-details_2026-11-03.json.gz";

    private static byte[] segment(String conversation, String purpose, String user, String type, Long ms) {
        return ("{\"conversationId\":\"" + conversation + "\",\"purpose\":\"" + purpose + "\",\"userId\":"
                + (user == null ? "null" : "\"" + user + "\"") + ",\"segmentType\":\"" + type
                + "\",\"segmentDurationMs\":" + ms + "}").getBytes(StandardCharsets.UTF_8);
    }

    private List<LakeObject> handleSummariesOf(CuratedConversions conversions) throws IOException {
        ExportRun run = run(conversions);
        run.spool().append(DAY_SEGMENTS, segment("c1", "agent", "u1", "interact", 1000L));
        run.spool().append(DAY_SEGMENTS, segment("c1", "agent", "u1", "hold", 200L));
        run.spool().append(DAY_SEGMENTS, segment("c1", "agent", "u1", "interact", 300L));
        run.spool().append(DAY_SEGMENTS, segment("c1", "agent", "u1", "wrapup", 40L));
        run.spool().append(DAY_SEGMENTS, segment("c2", "agent", "u1", "interact", 5L));
        run.spool().append(DAY_SEGMENTS, segment("c2", "agent", "u1", "alert", 999L)); // not handle time
        run.spool().append(DAY_SEGMENTS, segment("c2", "customer", "u1", "interact", 999L)); // not the agent's
        run.spool().append(DAY_SEGMENTS, segment("c3", "agent", null, "interact", 999L)); // no agent
        run.spool().append(DAY_SEGMENTS, segment("c3", "agent", "u2", "interact", null)); // still open
        return published(conversions, run, "agent_handle_daily", DAY_SEGMENTS);
    }

    @Test
    void aDaysSegmentsGiveOneHandleSummarySummedPerAgentOverItsHandleSegments() throws IOException {
        List<LakeObject> parquet = handleSummariesOf(parquet());
        assertEquals(1, parquet.size());
        LakeObject summary = parquet.get(0);
        assertEquals("p/agent_handle_daily/date=2026-11-03/conversation-details_2026-11-03.parquet", summary.key());
        assertEquals(2, summary.records());
        assertEquals(List.of("u1|2|1545|1305|200|40|5", "u2|1|null|null|null|null|1"),
                Parquet.rows(summary.file(), "concat_ws('|', userId, conversations, coalesce(CAST(handleMs AS VARCHAR), 'null'), "
                        + "coalesce(CAST(talkMs AS VARCHAR), 'null'), coalesce(CAST(holdMs AS VARCHAR), 'null'), "
                        + "coalesce(CAST(wrapupMs AS VARCHAR), 'null'), segments)"));
        assertEquals(List.of("BIGINT|BIGINT|BIGINT|BIGINT|BIGINT|BIGINT"), Parquet.rows(summary.file(),
                "concat_ws('|', typeof(conversations), typeof(handleMs), typeof(talkMs), typeof(holdMs), typeof(wrapupMs), "
                        + "typeof(segments))").subList(0, 1), "Athena's bigint, not a 128-bit sum");
    }

    @Test
    void ndjsonWritesTheSameHandleSummaryAsGzipNdjson() throws IOException {
        List<LakeObject> ndjson = handleSummariesOf(CuratedConversions.ndjson());
        assertEquals(List.of("p/agent_handle_daily/date=2026-11-03/conversation-details_2026-11-03.json.gz"),
                ndjson.stream().map(LakeObject::key).toList());
        assertEquals(2, ndjson.get(0).records());
        String text = gunzip(ndjson.get(0).file());
        assertEquals(List.of("{\"userId\":\"u1\",\"conversations\":2,\"handleMs\":1545,\"talkMs\":1305,\"holdMs\":200,"
                        + "\"wrapupMs\":40,\"segments\":5}",
                "{\"userId\":\"u2\",\"conversations\":1,\"handleMs\":null,\"talkMs\":null,\"holdMs\":null,"
                        + "\"wrapupMs\":null,\"segments\":1}"), text.lines().toList());
    }

    private static byte[] queued(String conversation, String queue, String mediaType, String direction) {
        return ("{\"conversationId\":\"" + conversation + "\",\"queueId\":" + (queue == null ? "null" : "\"" + queue + "\"")
                + ",\"mediaType\":\"" + mediaType + "\",\"direction\":\"" + direction + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    private List<LakeObject> queueSummariesOf(CuratedConversions conversions) throws IOException {
        ExportRun run = run(conversions);
        run.spool().append(DAY_SEGMENTS, queued("c1", "q1", "voice", "inbound")); // the acd segment ...
        run.spool().append(DAY_SEGMENTS, queued("c1", "q1", "voice", "inbound")); // ... and the agent's two
        run.spool().append(DAY_SEGMENTS, queued("c1", "q1", "voice", "inbound"));
        run.spool().append(DAY_SEGMENTS, queued("c2", "q1", "voice", "inbound"));
        run.spool().append(DAY_SEGMENTS, queued("c2", "q2", "voice", "inbound")); // transferred: both queues count it
        run.spool().append(DAY_SEGMENTS, queued("c3", "q1", "voice", "outbound"));
        run.spool().append(DAY_SEGMENTS, queued("c4", null, "voice", "inbound")); // no queue: not a queue's
        run.spool().append(DAY_SEGMENTS, queued("c5", "q1", "callback", "inbound"));
        return published(conversions, run, "queue_daily", DAY_SEGMENTS);
    }

    private static final List<String> QUEUE_ROWS = List.of("q1|callback|inbound|1|1", "q1|voice|inbound|2|4",
            "q1|voice|outbound|1|1", "q2|voice|inbound|1|1");

    @Test
    void aDaysSegmentsGiveOneQueueSummaryOfDistinctConversationsPerQueueMediaAndDirection() throws IOException {
        List<LakeObject> parquet = queueSummariesOf(parquet());
        assertEquals(1, parquet.size());
        LakeObject summary = parquet.get(0);
        assertEquals("p/queue_daily/date=2026-11-03/conversation-details_2026-11-03.parquet", summary.key());
        assertEquals(4, summary.records());
        assertEquals(QUEUE_ROWS, Parquet.rows(summary.file(),
                "concat_ws('|', queueId, mediaType, direction, conversations, segments)"));
        assertEquals(List.of("BIGINT|BIGINT"), Parquet.rows(summary.file(),
                "concat_ws('|', typeof(conversations), typeof(segments))").subList(0, 1));
    }

    @Test
    void ndjsonWritesTheSameQueueSummaryAsGzipNdjson() throws IOException {
        List<LakeObject> ndjson = queueSummariesOf(CuratedConversions.ndjson());
        assertEquals(List.of("p/queue_daily/date=2026-11-03/conversation-details_2026-11-03.json.gz"),
                ndjson.stream().map(LakeObject::key).toList());
        String text = gunzip(ndjson.get(0).file());
        assertEquals("{\"queueId\":\"q1\",\"mediaType\":\"voice\",\"direction\":\"inbound\",\"conversations\":2,"
                + "\"segments\":4}", text.lines().toList().get(1));
        assertEquals(QUEUE_ROWS.size(), text.lines().count());
    }
    @Test
    void aDaysSummariesAreWrittenWhenItIsPagedAndPublishedAsTheyAreWhenNothingWasAddedSince() throws Exception {
        for (CuratedConversions conversions : List.of(parquet(), CuratedConversions.ndjson())) {
            ExportRun run = run(conversions);
            run.spool().append(DAY_SEGMENTS, segment("c1", "agent", "u1", "interact", 1000L));
            run.spool().append(DAY_SEGMENTS, queued("c1", "q1", "voice", "inbound"));
            conversions.keysDone(run, List.of(DAY_SEGMENTS));
            // Both summaries of the day are under way (or done) before the run publishes: not left for publish time.
            assertEquals(2, run.earlySummaries().size(), conversions.format() + ": " + run.earlySummaries().keySet());
            List<LakeObject> early = new java.util.ArrayList<>();
            for (CuratedConversions.EarlySummary e : run.earlySummaries().values()) {
                early.add(e.object().get());
            }
            List<LakeObject> published = conversions.publishable(run, run.spool().finish()).stream()
                    .filter(o -> o.key().contains("_daily/")).toList();
            assertEquals(2, published.size(), published.toString());
            for (LakeObject o : published) {
                assertTrue(early.stream().anyMatch(e -> e == o), conversions.format() + ": " + o.key() + " is the early one");
            }
            assertTrue(run.earlySummaries().isEmpty(), "taken up by the publish");
        }
    }

    @Test
    void aSummaryWrittenEarlyIsWrittenAgainWhenRowsWereAddedSince() throws Exception {
        for (CuratedConversions conversions : List.of(parquet(), CuratedConversions.ndjson())) {
            ExportRun run = run(conversions);
            run.spool().append(DAY_SEGMENTS, segment("c1", "agent", "u1", "interact", 1000L));
            conversions.keysDone(run, List.of(DAY_SEGMENTS));
            run.spool().append(DAY_SEGMENTS, segment("c2", "agent", "u2", "interact", 7L));
            List<LakeObject> published = conversions.publishable(run, run.spool().finish()).stream()
                    .filter(o -> o.key().contains("agent_handle_daily/")).toList();
            assertEquals(1, published.size());
            assertEquals(2, published.get(0).records(), conversions.format() + ": both agents, not the early summary's one");
        }
    }
}
