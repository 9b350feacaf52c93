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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures a backfill killed (SIGKILL) at a chunk boundary, while its first chunk uploads and the next chunk's jobs are
 * held ahead in the state, resumes exactly once when run again: the first chunk is published from what it saved (no day
 * of it paged again), the next chunk polls the jobs submitted ahead (none submitted twice), and every record of every
 * day is in the lake once.
 */
@ProcessTest
class SigkillAtChunkBoundaryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BUCKET = "gc-usage-api-source";
    private static final String JOBS = "POST /api/v2/analytics/conversations/details/jobs";
    private static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);
    /** Two chunks of two days. */
    private static final LocalDate FROM = TODAY.minusDays(5);
    private static final LocalDate TO = TODAY.minusDays(1);

    /** @param requestsPerMinute the client's own rate limit: slow for the run to be killed, 0 (off) for the rerun */
    private static Process backfill(Path data, LocalGenesys genesys, int s3Port, Path log, int requestsPerMinute)
            throws IOException {
        List<String> cmd = new java.util.ArrayList<>(genesyslake.testsupport.ChildJvm.onTestClassPath());
        cmd.addAll(List.of("-Dlake.mode=aws", "-Daws.region=us-east-1", "-Daws.endpoint-override=http://127.0.0.1:" + s3Port,
                "-Dlocal.data-dir=" + data,
                "-Dgenesys.api-url=" + genesys.baseUrl(), "-Dgenesys.login-url=" + genesys.baseUrl(),
                "-Dgenesys.client-id=local-client", "-Dgenesys.client-secret=local-secret",
                "-Ddetails.page-size=25", "-Ddetails.job.poll.delay=50ms", "-Ddetails.max-days-per-run=2",
                "-Dconversations.trailing-window=0h", "-Dgenesys.rate-limit.requests-per-minute=" + requestsPerMinute,
                // S3 is down while the first chunk uploads: the lake lock's lease must outlive that (a killed holder
                // is still taken over at once by the restart on this host).
                "-Dlake.lock.lease=5m",
                "genesyslake.GenesysLake", "--backfill", "conversation-details", "--from", FROM.toString(),
                "--to", TO.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(Map.of("AWS_ACCESS_KEY_ID", "local-access-key", "AWS_SECRET_ACCESS_KEY", "local-secret-key"));
        return pb.start();
    }

    private static JsonNode state(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException | RuntimeException e) {
            return JSON.createObjectNode(); // not written yet, or being replaced
        }
    }

    /** The first chunk is publishing and the second chunk's jobs are saved as submitted ahead. */
    private static boolean atTheBoundary(JsonNode s) {
        if (!"publish".equals(s.path("inFlight").path("phase").asText())) {
            return false;
        }
        List<String> ahead = new ArrayList<>();
        s.path("jobsAhead").fieldNames().forEachRemaining(ahead::add);
        return ahead.contains(TODAY.minusDays(3).toString()) && ahead.contains(TODAY.minusDays(2).toString());
    }

    /** The days the log says were paged ("day D done by job"). */
    private static TreeSet<String> pagedDays(Path log) throws IOException {
        TreeSet<String> days = new TreeSet<>();
        for (String line : Files.readAllLines(log)) {
            int i = line.indexOf(": day ");
            if (i >= 0 && line.contains(" done by job ")) {
                days.add(line.substring(i + 6, i + 16));
            }
        }
        return days;
    }

    @Test
    void aBackfillKilledWhileAChunkUploadsWithTheNextChunksJobsAheadResumesExactlyOnce(@TempDir Path data) throws Exception {
        Path s3Root = Files.createDirectories(data.resolve("s3/" + BUCKET)).getParent();
        LocalGenesys genesys = new LocalGenesys(LocalGenesysSettings.defaults()).start();
        int s3Port = genesyslake.ops.Ops.freePort();
        LocalS3 s3 = new LocalS3(s3Root, s3Port, "local-access-key", "local-secret-key").start();
        try {
            Path firstLog = data.resolve("first.log");
            // Slow enough (10 requests/s) that the boundary lasts long enough to be seen and killed at.
            Process first = backfill(data, genesys, s3Port, firstLog, 600);
            Path state = data.resolve("state/conversation-details-backfill.json");
            // S3 goes down once the daemon holds the lake lock and exports: the first chunk's uploads are then being
            // retried (lake.upload.redeliveries) when the kill comes.
            long deadline = System.currentTimeMillis() + 90_000;
            while (!state(state).path("inFlight").isObject() && first.isAlive() && System.currentTimeMillis() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(Files.exists(s3Root.resolve(BUCKET).resolve(genesyslake.lake.LakeLock.LOCK_KEY)), "the lake is locked");
            s3.close();
            s3 = null;
            while (!atTheBoundary(state(state)) && first.isAlive() && System.currentTimeMillis() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(first.isAlive(), "the backfill was still running at the boundary:\n" + Files.readString(firstLog));
            JsonNode atKill = state(state);
            long jobsAtKill = genesys.stats().count(JOBS);
            first.destroyForcibly(); // SIGKILL: no shutdown hooks, no clean-up
            assertTrue(first.waitFor(30, TimeUnit.SECONDS));
            assertTrue(atTheBoundary(atKill), "killed while the first chunk published, the next one's jobs ahead: " + atKill);
            assertEquals(4, jobsAtKill, "the first chunk submitted the next chunk's jobs too");
            assertEquals(new TreeSet<>(List.of(FROM.toString(), FROM.plusDays(1).toString())), pagedDays(firstLog));

            s3 = new LocalS3(s3Root, s3Port, "local-access-key", "local-secret-key").start();
            Path secondLog = data.resolve("second.log");
            Process second = backfill(data, genesys, s3Port, secondLog, 0); // how fast it pages is not what it proves
            assertTrue(second.waitFor(120, TimeUnit.SECONDS), "the same backfill run again finished");
            assertEquals(0, second.exitValue(), Files.readString(secondLog));

            assertEquals(4, genesys.stats().count(JOBS), "one job per day: the jobs held ahead were polled, not submitted again");
            assertEquals(new TreeSet<>(List.of(TODAY.minusDays(3).toString(), TODAY.minusDays(2).toString())),
                    pagedDays(secondLog), "the restart paged only the second chunk's days");
            List<Path> partitions;
            try (Stream<Path> dirs = Files.list(s3Root.resolve(BUCKET).resolve("conversations"))) {
                partitions = dirs.sorted().toList();
            }
            assertEquals(4, partitions.size(), "every day of the backfill: " + partitions);
            for (Path partition : partitions) {
                LocalDate day = LocalDate.parse(partition.getFileName().toString().substring("date=".length()));
                List<String> lines = genesyslake.testsupport.GzipLines.under(partition);
                assertEquals(lines.size(), new HashSet<>(lines).size(), "no duplicates on " + day);
                assertEquals(genesys.dataset().conversationsStartingOn(day).map(b -> new String(b, StandardCharsets.UTF_8))
                        .toList(), lines, "every record of " + day + " exactly once");
            }
            try (Stream<Path> manifests = Files.list(s3Root.resolve(BUCKET).resolve("_manifests/conversation-details"))) {
                assertEquals(2, manifests.count(), "one manifest per chunk");
            }
            JsonNode after = state(state);
            assertFalse(after.has("inFlight"), "nothing left in flight: " + after);
            assertEquals(0, after.path("jobsAhead").size(), "no job left held ahead: " + after);
        } finally {
            genesys.close();
            if (s3 != null) {
                s3.close();
            }
        }
    }
}
