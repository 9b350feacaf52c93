package genesyslake.flows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import genesyslake.local.LocalS3;
import genesyslake.local.genesys.LocalGenesys;
import genesyslake.local.genesys.LocalGenesysSettings;
import genesyslake.testsupport.ProcessTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures a graceful stop: a backfill process sent SIGTERM mid-page starts no further Genesys job, stops at its next
 * page (written and saved) without Camel forcing its routes, exits 0, and the same backfill run again resumes it with
 * every record of every day in the lake exactly once and no job submitted twice.
 */
@ProcessTest
class SigtermMidBackfillTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BUCKET = "gc-usage-api-source";
    private static final String JOBS = "POST /api/v2/analytics/conversations/details/jobs";
    private static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);

    /** @param requestsPerMinute the client's own rate limit: slow for the run to be signalled, 0 (off) for the rerun */
    private static Process backfill(Path data, LocalGenesys genesys, int s3Port, Path log, int requestsPerMinute)
            throws IOException {
        List<String> cmd = new java.util.ArrayList<>(genesyslake.testsupport.ChildJvm.onTestClassPath());
        cmd.addAll(List.of("-Dlake.mode=aws", "-Daws.region=us-east-1", "-Daws.endpoint-override=http://127.0.0.1:" + s3Port,
                "-Dlocal.data-dir=" + data,
                "-Dgenesys.api-url=" + genesys.baseUrl(), "-Dgenesys.login-url=" + genesys.baseUrl(),
                "-Dgenesys.client-id=local-client", "-Dgenesys.client-secret=local-secret",
                "-Ddetails.page-size=25", "-Ddetails.job.poll.delay=50ms", "-Ddetails.max-days-per-run=2",
                "-Dconversations.trailing-window=0h", "-Dlake.shutdown.timeout=15s",
                "-Dgenesys.rate-limit.requests-per-minute=" + requestsPerMinute,
                "genesyslake.GenesysLake", "--backfill", "conversation-details", "--from", TODAY.minusDays(4).toString(),
                "--to", TODAY.minusDays(1).toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(Map.of("AWS_ACCESS_KEY_ID", "local-access-key", "AWS_SECRET_ACCESS_KEY", "local-secret-key"));
        return pb.start();
    }

    private static JsonNode inFlight(Path state) {
        try {
            return JSON.readTree(state.toFile()).path("inFlight");
        } catch (IOException | RuntimeException e) {
            return JSON.createObjectNode();
        }
    }

    @Test
    void aSigtermMidBackfillStopsAtTheNextPageExitsZeroAndTheRestartResumesExactlyOnce(@TempDir Path data) throws Exception {
        Path s3Root = Files.createDirectories(data.resolve("s3/" + BUCKET)).getParent();
        LocalGenesys genesys = new LocalGenesys(LocalGenesysSettings.defaults()).start();
        int s3Port = genesyslake.ops.Ops.freePort();
        LocalS3 s3 = new LocalS3(s3Root, s3Port, "local-access-key", "local-secret-key").start();
        try {
            Path firstLog = data.resolve("first.log");
            // Slow enough (2 requests/s) that the signal comes mid-page.
            Process first = backfill(data, genesys, s3Port, firstLog, 120);
            Path state = data.resolve("state/conversation-details-backfill.json"); // a backfill keeps its own progress
            long deadline = System.currentTimeMillis() + 90_000;
            while (inFlight(state).path("page").asInt() < 3 && first.isAlive() && System.currentTimeMillis() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(first.isAlive(), "the backfill was still running mid-page:\n" + tail(Files.readString(firstLog)));
            long jobsAtSignal = genesys.stats().count(JOBS);
            long signalled = System.nanoTime();
            first.destroy(); // SIGTERM
            // Within lake.shutdown.timeout (15 s) and the JVM's start and stop around it; a forced stop is seen in the log.
            assertTrue(first.waitFor(60, TimeUnit.SECONDS), "the backfill stopped");
            long stopMillis = (System.nanoTime() - signalled) / 1_000_000;
            String log = Files.readString(firstLog);
            assertEquals(0, first.exitValue(), "a graceful stop exits 0:\n" + tail(log));
            assertFalse(log.contains("Forced stop"), "no route was forced:\n" + tail(log));
            assertFalse(log.contains("Timeout occurred during graceful shutdown"), "the runs ended within lake.shutdown.timeout:\n" + tail(log));
            assertFalse(log.contains("\u001b["), "no ANSI codes in a log that is not a terminal");
            assertEquals(jobsAtSignal, genesys.stats().count(JOBS), "no Genesys job submitted after the signal");
            JsonNode saved = inFlight(state);
            assertTrue(saved.hasNonNull("jobId") && saved.path("page").asInt() >= 3, "the job and its cursor are saved: " + saved);
            System.out.println("SIGTERM to exit: " + stopMillis + " ms; 'Waiting as there are still' lines: "
                    + log.lines().filter(l -> l.contains("Waiting as there are still")).count());

            // The rerun at full speed: how fast it pages is not what it proves.
            Process second = backfill(data, genesys, s3Port, data.resolve("second.log"), 0);
            assertTrue(second.waitFor(120, TimeUnit.SECONDS), "the same backfill run again finished");
            assertEquals(0, second.exitValue(), tail(Files.readString(data.resolve("second.log"))));

            List<Path> partitions;
            try (Stream<Path> dirs = Files.list(s3Root.resolve(BUCKET).resolve("conversations"))) {
                partitions = dirs.sorted().toList();
            }
            assertEquals(3, partitions.size(), "every day of the backfill: " + partitions);
            assertEquals(3, genesys.stats().count(JOBS), "one job per day: the stopped one was resumed, not submitted again");
            for (Path partition : partitions) {
                LocalDate day = LocalDate.parse(partition.getFileName().toString().substring("date=".length()));
                List<String> lines = genesyslake.testsupport.GzipLines.under(partition);
                assertEquals(lines.size(), new HashSet<>(lines).size(), "no duplicates on " + day);
                assertEquals(genesys.dataset().conversationsStartingOn(day).map(b -> new String(b, StandardCharsets.UTF_8))
                        .toList(), lines, "every record of " + day + " exactly once");
            }
            assertFalse(JSON.readTree(state.toFile()).has("inFlight"), "nothing left in flight");
        } finally {
            genesys.close();
            s3.close();
        }
    }

    private static String tail(String log) {
        return log.length() > 6000 ? log.substring(log.length() - 6000) : log;
    }

}
