package genesyslake.flows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import genesyslake.local.genesys.LocalGenesys;
import genesyslake.local.genesys.LocalGenesysSettings;
import genesyslake.testsupport.ProcessTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures one writer per lake across processes (the adversarial runs that tore an object, and that rewrote a day with
 * only lake.state-dir changed): while a {@code --once conversation-details} runs (its jobs held QUEUED by the test's
 * Genesys until the refusals are in), a second one with another
 * state folder, and a third on the same data folder through a symlink with folders of its own, are refused at once
 * with one line naming the holder, and the first finishes with whole objects that match its one manifest.
 */
@ProcessTest
class OneWriterProcessTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A --once run in local mode whose Genesys is the test's, so the test decides when its jobs are fulfilled. */
    private static Process once(LocalGenesys genesys, Path data, Path log, String... settings) throws IOException {
        List<String> cmd = new ArrayList<>(genesyslake.testsupport.ChildJvm.onTestClassPath());
        cmd.addAll(List.of("-Dlake.mode=local", "-Dlocal.data-dir=" + data, "-Dlocal.s3.port=0", "-Dlocal.aws.port=0",
                "-Dgenesys.api-url=" + genesys.baseUrl(), "-Dgenesys.login-url=" + genesys.baseUrl(),
                "-Dgenesys.client-id=local-client", "-Dgenesys.client-secret=local-secret",
                "-Ddetails.job.poll.delay=200ms"));
        cmd.addAll(List.of(settings));
        cmd.addAll(List.of("genesyslake.GenesysLake", "--once", "conversation-details"));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** A second run beside the first ends by itself, refused in one line naming the first; returns that line. */
    private static String refused(Process second, Path log, Process first) throws Exception {
        assertTrue(second.waitFor(120, TimeUnit.SECONDS), "the second run ends by itself");
        String out = Files.readString(log);
        assertEquals(1, second.exitValue(), out);
        List<String> refusal = out.lines().filter(l -> l.contains("Another genesys-lake is using")).toList();
        assertEquals(1, refusal.size(), out);
        String line = refusal.get(0);
        assertTrue(line.contains("held by a --once run, pid " + first.pid() + " on host "), line);
        assertTrue(line.contains(" since 20"), line);
        assertTrue(line.contains("another local.data-dir"), line);
        assertFalse(line.contains("(or lake.state-dir)"), "never a folder setting alone: " + line);
        assertFalse(out.lines().anyMatch(l -> l.startsWith("\tat ") || l.startsWith("Caused by")), "no stack trace:\n" + out);
        assertFalse(out.contains("submitted job") || out.contains("Running flow"), "the second never ran the flow");
        return line;
    }

    @Test
    void aSecondProcessOnTheSameDataFolderIsRefusedAndTheFirstLandsWholeObjects(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        LocalGenesys genesys = new LocalGenesys(LocalGenesysSettings.defaults().withConversationsPerDay(5000)).start();
        // The first run waits on its jobs (QUEUED) until both refusals are in, however slowly their JVMs start.
        genesys.faults().jobsQueued(true);
        Process first = once(genesys, data, tmp.resolve("first.log"));
        try {
            long deadline = System.currentTimeMillis() + 120_000;
            while (!Files.readString(tmp.resolve("first.log")).contains("submitted job") && first.isAlive()
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(first.isAlive(), "the first run is exporting");

            // The adversarial run: only lake.state-dir changed (it rewrote the first's objects before the lake was
            // locked); and the same data folder through a symlink, with folders of its own.
            Process second = once(genesys, data, tmp.resolve("second.log"), "-Dlake.state-dir=" + tmp.resolve("other-state"));
            Path link = Files.createSymbolicLink(tmp.resolve("link"), data);
            Path own = tmp.resolve("own");
            Process third = once(genesys, link, tmp.resolve("third.log"), "-Dlake.state-dir=" + own.resolve("state"),
                    "-Dlake.work-dir=" + own.resolve("work"), "-Dlake.dead-letter-dir=" + own.resolve("dead-letter"),
                    "-Dlake.reports-dir=" + own.resolve("reports"));
            assertTrue(refused(second, tmp.resolve("second.log"), first).contains("the work folder (lake.work-dir) "
                    + data.resolve("work")));
            assertTrue(refused(third, tmp.resolve("third.log"), first).contains("the lake (the local S3 folder "
                    + "local.data-dir/s3) " + link.resolve("s3")));
            assertTrue(first.isAlive(), "the refusals did not disturb the first run");

            genesys.faults().jobsQueued(false);
            assertTrue(first.waitFor(300, TimeUnit.SECONDS), "the first run finished");
            assertEquals(0, first.exitValue(), Files.readString(tmp.resolve("first.log")));
        } finally {
            first.destroyForcibly();
            genesys.close();
        }

        Path bucket = data.resolve("s3/gc-usage-api-source");
        List<Path> manifests;
        try (Stream<Path> s = Files.list(bucket.resolve("_manifests/conversation-details"))) {
            manifests = s.toList();
        }
        assertEquals(1, manifests.size(), manifests.toString());
        JsonNode m = JSON.readTree(manifests.get(0).toFile());
        assertTrue(m.path("complete").asBoolean(), m.toString());
        List<String> keys = new ArrayList<>();
        for (JsonNode o : m.path("objects")) {
            String key = o.path("key").asText();
            keys.add(key);
            // Curated objects are Parquet (whole or unreadable: its footer is written last); raw ones gzip NDJSON.
            assertEquals(o.path("records").asLong(), key.endsWith(".parquet")
                    ? genesyslake.testsupport.Parquet.rows(bucket.resolve(key), "1").size()
                    : gunzippedLines(bucket.resolve(key)), "whole object " + key);
            if (key.startsWith("conversations/")) {
                assertEquals(m.path("records").asLong(), o.path("records").asLong(), "conversations = manifest records");
            }
        }
        assertTrue(keys.stream().anyMatch(k -> k.startsWith("conversations/")), keys.toString());
    }

    /** Lines of a gzip NDJSON object, each of them parsed: a torn object fails here. */
    private static long gunzippedLines(Path object) throws IOException {
        long n = 0;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(object), 1 << 16);
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (!line.startsWith("{") || !line.endsWith("}")) {
                    throw new IOException("not a JSON record at line " + (n + 1) + " of " + object);
                }
                n++;
            }
        }
        return n;
    }
}
