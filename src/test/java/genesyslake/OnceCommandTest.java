package genesyslake;

import genesyslake.testsupport.ProcessTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ensures the command line contract: --once exits 0 only if every named flow succeeded, and bad arguments are refused. */
@ProcessTest
class OnceCommandTest {

    @TempDir
    Path data;

    private final Map<String, String> props = new java.util.LinkedHashMap<>();

    @BeforeEach
    void isolate() {
        props.put("local.data-dir", data.toString());
        props.put("local.genesys.port", "0");
        props.put("local.s3.port", "0");
        props.put("local.aws.port", "0");
        // Polls as the test daemons poll (testsupport.LocalDaemon): the shipped 2 s and 5 s waits are not what this proves.
        props.put("usage.poll.delay", "50ms");
        props.put("details.job.poll.delay", "50ms");
        props.put("local.genesys.job-latency", "0");
        props.put("glue.poll.delay", "100ms");
        props.put("usage.query-files", "queries/usage-query.json");
        props.forEach(System::setProperty);
    }

    @AfterEach
    void restore() {
        props.keySet().forEach(System::clearProperty);
    }

    @Test
    void onceExitsZeroWhenTheFlowSucceededAndTheLakeHoldsItsObjects() throws Exception {
        assertEquals(0, GenesysLake.run(new String[] {"--once", "usage-export"}));
        try (var files = Files.walk(data.resolve("s3/gc-usage-api-source/granularity=month"))) {
            assertTrue(files.anyMatch(f -> f.toString().endsWith(".json.gz")));
        }
    }

    @Test
    void theSeedsWholeChainOnAFreshDataFolderExitsZeroWithoutAnErrorLine() throws Exception {
        try (var logs = new genesyslake.ops.LogCapture()) {
            assertEquals(0, GenesysLake.run(new String[] {"--once", "usage-export", "catalog-refresh", "athena-report"}));
            assertEquals(java.util.List.of(), logs.matching(l -> l.startsWith("ERROR")), "no ERROR on a fresh start");
            assertTrue(logs.matching(l -> l.contains("Report inbound-voice-conversations-per-queue-per-day skipped: table "
                    + "queue_daily is not in the catalog yet") && l.contains("conversation-details flow")).size() == 1,
                    "a report whose tables are not there yet is skipped, naming the flow that fills them");
        }
    }

    @Test
    void onceWithoutFlowsRunsEveryFlowAndOnlyTheUsageApiThatUsageApiPicks() throws Exception {
        assertEquals(0, GenesysLake.run(new String[] {"--once"}));
        Path bucket = data.resolve("s3/gc-usage-api-source");
        for (String prefix : new String[] {"granularity=month", "conversations", "user_details", "_manifests/usage-export"}) {
            assertTrue(Files.isDirectory(bucket.resolve(prefix)), prefix + " was exported");
        }
        assertFalse(Files.exists(bucket.resolve("usage_aggregates")), "usage.api=query: the aggregates flow did not run");
    }

    @Test
    void onceExitsNonZeroWhenAFlowFails() throws Exception {
        Path bad = Files.writeString(data.resolve("bad-usage.json"), "{\"interval\":\"last full month\",\"granularity\":\"Hour\"}");
        props.put("usage.query-files", bad.toString());
        System.setProperty("usage.query-files", bad.toString());
        props.put("lake.queries-dir", data.toString()); // the file is read, and fails on its granularity
        System.setProperty("lake.queries-dir", data.toString());
        assertEquals(1, GenesysLake.run(new String[] {"--once", "usage-export"}));
    }

    @Test
    void unknownFlowsAndArgumentsAreRefused() throws Exception {
        String unknown = stderrOf(() -> assertEquals(2, GenesysLake.run(new String[] {"--once", "usage-exprt"})));
        assertTrue(unknown.contains("Unknown flow(s) [usage-exprt]") && unknown.contains("usage-export"), unknown);
        assertFalse(Files.exists(data.resolve("s3")), "answered before any server started");
        assertEquals(2, GenesysLake.run(new String[] {"--bogus"}));
        assertEquals(2, GenesysLake.run(new String[] {"--backfill", "usage-export", "--from", "2026-01-01"}));
        // A ten-year backfill needs --yes (lake.backfill.confirm-days, read by the daemon as the MBean reads it).
        String refused = stderrOf(() -> assertEquals(2, GenesysLake.run(new String[] {"--backfill", "conversation-details",
                "--from", "2016-01-01", "--to", "2026-01-01"})));
        assertTrue(refused.contains("3653 days, more than lake.backfill.confirm-days=92") && refused.contains("--yes"),
                refused);
        var flows = new genesyslake.management.Flows(null, null, 7, 92, null);
        assertEquals(null, flows.backfillTooLarge(genesyslake.query.Interval.parse("2026-01-01/2026-02-01",
                java.time.Clock.systemUTC())));
    }

    @Test
    void aBackfillOfYearZeroOrTenThousandIsRefusedNamingTheDateNotRunAsYearOne() throws Exception {
        String year0 = stderrOf(() -> assertEquals(2, GenesysLake.run(new String[] {"--backfill", "conversation-details",
                "--from", "0000-01-01", "--to", "0000-01-03"})));
        assertTrue(year0.contains("0000-01-01 is in year 0"), year0);
        assertEquals(1, year0.strip().lines().count(), "one line: " + year0);
        String year10000 = stderrOf(() -> assertEquals(2, GenesysLake.run(new String[] {"--backfill",
                "conversation-details", "--from", "9999-12-31", "--to", "+10000-01-02"})));
        assertTrue(year10000.contains("+10000-01-02 is in year 10000"), year10000);
        assertFalse(Files.exists(data.resolve("s3/gc-usage-api-source/conversations/date=0001-01-01")),
                "nothing landed under year 1");
        assertFalse(Files.exists(data.resolve("s3/gc-usage-api-source/conversations/date=0000-01-01")));
    }

    private interface Run {
        void run() throws Exception;
    }

    /** What the command line printed on stderr while {@code run} ran. */
    private static String stderrOf(Run run) throws Exception {
        java.io.PrintStream before = System.err;
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            run.run();
        } finally {
            System.setErr(before);
        }
        return err.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
}
