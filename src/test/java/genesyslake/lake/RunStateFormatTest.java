package genesyslake.lake;

import genesyslake.testsupport.UnitTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures the typed state (RunState, DeadLetter, RunManifest) reads what the versions before it wrote, so a daemon
 * upgraded after a kill resumes its run, replays its letters and completes its manifests. The samples are files as
 * the hand-built JSON of LakeRuns, DetailsExport and DeadLetters wrote them (commit 1322c76).
 */
@UnitTest
class RunStateFormatTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** data/state/conversation-details.json of a details run killed mid-page, jobs submitted ahead. */
    private static final String DETAILS_STATE = """
            {
              "watermark" : "2026-11-20T00:00:00Z",
              "dayQueries" : { "2026-11-20" : "ab12" },
              "inFlight" : {
                "runId" : "7f3c",
                "interval" : "2026-11-20T00:00:00.000Z/2026-11-23T00:00:00.000Z",
                "runDir" : "/data/work/conversation-details/7f3c",
                "day" : "2026-11-21",
                "jobId" : "job-21",
                "cursor" : "c3",
                "page" : 3,
                "paged" : false,
                "records" : 1200,
                "pages" : 7,
                "dayStart" : { "keys" : { "conversation_details/day=2026-11-20/a.json.gz" : { "length" : 40, "records" : 500, "rawBytes" : 900 } } },
                "checkpoint" : { "keys" : { "conversation_details/day=2026-11-20/a.json.gz" : { "length" : 40, "records" : 500, "rawBytes" : 900 },
                                            "conversation_details/day=2026-11-21/b.json.gz" : { "length" : 80, "records" : 700, "rawBytes" : 1500 } } },
                "jobs" : { "2026-11-21" : "job-21", "2026-11-22" : "job-22" }
              }
            }""";

    /** The same state between two days: no job, no cursor yet (the nulls the old record always wrote). */
    private static final String BETWEEN_DAYS = """
            { "inFlight" : { "runId" : "7f3c", "interval" : "2026-11-20T00:00:00.000Z/2026-11-23T00:00:00.000Z",
              "runDir" : "/w", "day" : "2026-11-22", "jobId" : null, "cursor" : null, "page" : 0, "paged" : false,
              "records" : 0, "pages" : 0, "dayStart" : null, "checkpoint" : { "keys" : { } }, "jobs" : null } }""";

    /** A run killed while uploading (LakeRuns.finish): a null bucket was written as the text "null". */
    private static final String PUBLISH_STATE = """
            { "inFlight" : {
                "phase" : "publish",
                "runId" : "9a1b",
                "interval" : "2026-11-20T00:00:00.000Z/2026-11-21T00:00:00.000Z",
                "runDir" : "/data/work/usage-export/9a1b",
                "records" : 96,
                "pages" : 2,
                "completeUntil" : "2026-11-21T00:00:00Z",
                "note" : "",
                "queries" : { "queries/usage/usage-by-client.json" : "h1" },
                "objects" : [ { "rawBytes" : 5000, "bytes" : 900, "file" : "/data/work/usage-export/9a1b/spool/a.gz",
                                "records" : 96, "bucket" : "null", "key" : "granularity=day/a.json.gz" },
                              { "rawBytes" : 10, "bytes" : 10, "file" : "/x/b.gz", "records" : 1, "bucket" : "other",
                                "key" : "b.json.gz" } ] } }""";

    /** A dead letter's meta.json of an object of a scheduled run. */
    private static final String LETTER = """
            {
              "bucket" : "gc-usage-api-source",
              "key" : "granularity=day/a.json.gz",
              "records" : 96,
              "keptAt" : "2026-11-21T00:05:00Z",
              "error" : "software.amazon.awssdk.core.exception.SdkClientException: Unable to execute HTTP request",
              "flow" : "usage-export",
              "runId" : "9a1b",
              "manifestKey" : "_manifests/usage-export/2026-11-20.json",
              "completeApartFromUploads" : true,
              "scheduled" : true,
              "completeUntil" : "2026-11-21T00:00:00Z"
            }""";

    /** A run manifest, one object dead-lettered. */
    private static final String MANIFEST = """
            {
              "flow" : "usage-export",
              "runId" : "9a1b",
              "interval" : "2026-11-20T00:00:00.000Z/2026-11-21T00:00:00.000Z",
              "started" : "2026-11-21T00:00:00Z",
              "finished" : "2026-11-21T00:05:00Z",
              "records" : 97,
              "pages" : 2,
              "complete" : false,
              "completeUntil" : "2026-11-21T00:00:00Z",
              "queries" : [ { "file" : "queries/usage/usage-by-client.json", "hash" : "h1" } ],
              "objects" : [ { "key" : "granularity=day/a.json.gz", "records" : 96, "bytes" : 900, "uploaded" : false },
                            { "key" : "b.json.gz", "records" : 1, "bytes" : 10, "uploaded" : true } ]
            }""";

    @TempDir
    Path dir;

    private Watermarks watermarks(String flow, String file) throws Exception {
        Files.writeString(dir.resolve(flow + ".json"), file);
        return new Watermarks(dir, Clock.fixed(Instant.parse("2026-11-22T00:00:00Z"), ZoneOffset.UTC));
    }

    @Test
    void aDetailsRunKilledMidPageResumesFromTheOldState() throws Exception {
        Watermarks w = watermarks("conversation-details", DETAILS_STATE);
        RunState s = w.inFlight("conversation-details").orElseThrow();
        assertFalse(s.publishing());
        assertEquals("7f3c", s.runId());
        assertEquals("2026-11-21", s.day());
        assertEquals("job-21", s.jobId());
        assertEquals("c3", s.cursor());
        assertEquals(3, s.pageOrZero());
        assertFalse(s.isPaged());
        assertEquals(1200, s.records());
        assertEquals(7, s.pages());
        assertEquals(Map.of("2026-11-21", "job-21", "2026-11-22", "job-22"), s.jobs());
        assertEquals(1200, s.checkpoint().records(), "the spool checkpoint");
        assertEquals(500, s.dayStart().records(), "the day's start in the spool");
        assertEquals(Instant.parse("2026-11-20T00:00:00Z"), w.watermark("conversation-details").orElseThrow());
        assertEquals(Map.of("2026-11-20", "ab12"), w.dayQueries("conversation-details"));
    }

    @Test
    void theOldNullsBetweenTwoDaysReadAsAbsent() throws Exception {
        RunState s = watermarks("d", BETWEEN_DAYS).inFlight("d").orElseThrow();
        assertNull(s.jobId());
        assertNull(s.cursor());
        assertNull(s.dayStart());
        assertNull(s.jobs());
        assertEquals(0, s.checkpoint().records());
    }

    @Test
    void aRunKilledWhileUploadingIsPublishedFromTheOldState() throws Exception {
        RunState s = watermarks("usage-export", PUBLISH_STATE).inFlight("usage-export").orElseThrow();
        assertTrue(s.publishing());
        assertEquals(96, s.records());
        assertEquals("2026-11-21T00:00:00Z", s.completeUntil());
        assertEquals(Map.of("queries/usage/usage-by-client.json", "h1"), s.queries());
        PartitionSpool.LakeObject a = s.objects().get(0).toLakeObject();
        assertEquals(new PartitionSpool.LakeObject("granularity=day/a.json.gz",
                Path.of("/data/work/usage-export/9a1b/spool/a.gz"), 96, 900, 5000, null), a, "\"null\" is no bucket");
        assertEquals("other", s.objects().get(1).toLakeObject().bucket());
    }

    @Test
    void theStateWrittenNowReadsBackAsItWasSaved() throws Exception {
        Watermarks w = watermarks("x", "{ \"watermark\" : \"2026-11-20T00:00:00Z\" }");
        RunState saved = RunState.details("r", "2026-11-20T00:00:00.000Z/2026-11-21T00:00:00.000Z", "/w", "2026-11-20",
                null, "c", 2, false, 10, 2, new PartitionSpool.Checkpoint(Map.of()),
                new PartitionSpool.Checkpoint(Map.of("k", new PartitionSpool.Committed(1, 10, 3))), Map.of("2026-11-20", "j"));
        w.saveInFlight("x", saved);
        assertEquals(saved, w.inFlight("x").orElseThrow());
        JsonNode file = JSON.readTree(dir.resolve("x.json").toFile());
        assertEquals("2026-11-20T00:00:00Z", file.path("watermark").asText(), "the rest of the file is kept");
        assertEquals(10, file.path("inFlight").path("checkpoint").path("keys").path("k").path("records").asLong(),
                "the names on disk are those older versions read");
    }

    @Test
    void anOldDeadLetterIsReplayedIntoItsRun() throws Exception {
        DeadLetter l = JSON.readValue(LETTER, DeadLetter.class);
        assertTrue(l.ofRun());
        assertEquals("gc-usage-api-source", l.bucket());
        assertEquals(96, l.records());
        assertEquals("_manifests/usage-export/2026-11-20.json", l.manifestKey());
        assertEquals(Boolean.TRUE, l.completeApartFromUploads());
        assertEquals(Boolean.TRUE, l.scheduled());
        DeadLetter alone = JSON.readValue("{\"bucket\":\"b\",\"key\":\"k\",\"records\":1,\"keptAt\":\"2026-11-21T00:05:00Z\","
                + "\"error\":\"e\"}", DeadLetter.class);
        assertFalse(alone.ofRun(), "an object of no run");
    }

    @Test
    void anOldManifestIsCompletedByItsLastReplay() throws Exception {
        RunManifest m = JSON.readValue(MANIFEST, RunManifest.class);
        assertFalse(m.complete());
        JsonNode after = JSON.valueToTree(m.everyObjectLanded(true, Instant.parse("2026-11-21T01:00:00Z")));
        assertTrue(after.path("complete").asBoolean());
        assertEquals("2026-11-21T01:00:00Z", after.path("replayed").asText());
        after.path("objects").forEach(o -> assertTrue(o.path("uploaded").asBoolean(), o.toString()));
        assertEquals(96, after.path("objects").path(0).path("records").asLong());
        assertEquals("h1", after.path("queries").path(0).path("hash").asText());
        assertFalse(after.has("note"), "an empty note stays out, as before");
    }
}
