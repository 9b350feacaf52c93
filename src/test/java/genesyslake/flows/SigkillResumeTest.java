package genesyslake.flows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import genesyslake.lake.RawRecords;
import genesyslake.local.genesys.LocalGenesys;
import genesyslake.local.genesys.LocalGenesysSettings;
import genesyslake.testsupport.ProcessTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures a daemon process killed with SIGKILL in the middle of a details job resumes, after a restart, from the
 * saved job and cursor: the lake ends with every record of the day exactly once and the job is not resubmitted.
 */
@ProcessTest
class SigkillResumeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** @param requestsPerMinute the client's own rate limit: slow for the run to be killed, 0 (off) for the restart */
    private static Process daemon(Path data, LocalGenesys genesys, int requestsPerMinute, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(genesyslake.testsupport.ChildJvm.onTestClassPath());
        cmd.addAll(List.of("-Dlake.mode=local", "-Dlocal.data-dir=" + data, "-Dlocal.s3.port=0", "-Dlocal.aws.port=0",
                "-Dgenesys.api-url=" + genesys.baseUrl(), "-Dgenesys.login-url=" + genesys.baseUrl(),
                "-Dgenesys.client-id=local-client", "-Dgenesys.client-secret=local-secret",
                "-Ddetails.page-size=25", "-Ddetails.job.poll.delay=50ms",
                "-Dgenesys.rate-limit.requests-per-minute=" + requestsPerMinute,
                "genesyslake.GenesysLake"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(data.resolve("daemon-" + System.nanoTime() + ".log").toFile())
                .start();
    }

    private static int savedPage(Path state) {
        try {
            JsonNode s = JSON.readTree(state.toFile());
            return s.path("inFlight").path("page").asInt(0);
        } catch (IOException | RuntimeException e) {
            return 0; // not written yet
        }
    }

    @Test
    void aKilledDaemonResumesItsJobWithNothingLostOrDuplicated(@TempDir Path data) throws Exception {
        LocalGenesys genesys = new LocalGenesys(LocalGenesysSettings.defaults()).start();
        try {
            // Slow enough (10 requests/s) that the kill lands mid-job.
            Process first = daemon(data, genesys, 600, "--once", "conversation-details");
            Path state = data.resolve("state/conversation-details.json");
            long deadline = System.currentTimeMillis() + 60_000;
            while (savedPage(state) < 5 && first.isAlive() && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(first.isAlive(), "the first daemon was still exporting when killed");
            int pageAtKill = savedPage(state);
            first.destroyForcibly(); // SIGKILL: no shutdown hooks, no clean-up
            assertTrue(first.waitFor(30, TimeUnit.SECONDS));
            assertTrue(pageAtKill >= 5 && pageAtKill < 20, "killed mid-job at page " + pageAtKill);

            genesys.stats().reset();
            Process second = daemon(data, genesys, 0, "--once", "conversation-details"); // its pace proves nothing
            assertTrue(second.waitFor(120, TimeUnit.SECONDS));
            assertEquals(0, second.exitValue(), "the restarted daemon finished the export");
            assertEquals(0, genesys.stats().count("POST /api/v2/analytics/conversations/details/jobs"), "no resubmission");

            List<String> lines = new ArrayList<>();
            try (Stream<Path> files = Files.walk(data.resolve("s3/gc-usage-api-source/conversations"))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".json.gz")).sorted().toList()) {
                    try (InputStream in = new GZIPInputStream(Files.newInputStream(f))) {
                        lines.addAll(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
                    }
                }
            }
            // With no watermark yet the flow exports the last day Genesys reports available (yesterday, or the day
            // before in the first hour after midnight): whichever it was, there is exactly one partition.
            List<Path> partitions;
            try (Stream<Path> dirs = Files.list(data.resolve("s3/gc-usage-api-source/conversations"))) {
                partitions = dirs.toList();
            }
            assertEquals(1, partitions.size(), partitions.toString());
            LocalDate exported = LocalDate.parse(partitions.get(0).getFileName().toString().substring("date=".length()));
            List<String> expected = genesys.dataset().conversationsStartingOn(exported)
                    .map(b -> new String(b, StandardCharsets.UTF_8)).toList();
            assertEquals(expected.size(), lines.size(), "every record of " + exported);
            assertEquals(lines.size(), new HashSet<>(lines).size(), "no duplicates");
            assertEquals(expected, lines);
            for (String line : lines.subList(0, 3)) {
                byte[] b = line.getBytes(StandardCharsets.UTF_8);
                assertEquals(exported.toString(), RawRecords.utcDate(RawRecords.topLevelString(b, 0, b.length, "conversationStart")));
            }
        } finally {
            genesys.close();
        }
    }

}
