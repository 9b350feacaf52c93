package genesyslake.lake;

import com.fasterxml.jackson.databind.ObjectMapper;
import genesyslake.testsupport.UnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ensures the spool writes exact NDJSON per key, resumes exactly from a checkpoint, and gzips readable objects. */
@UnitTest
class PartitionSpoolTest {

    @TempDir
    Path tmp;

    private static final String K1 = "conversations/date=2026-11-20/conversations_2026-11-20.json.gz";
    private static final String K2 = "conversations/date=2026-11-21/conversations_2026-11-21.json.gz";

    @Test
    void manyKeysWithFewOpenFilesGiveGzipObjectsEqualLineForLine() throws IOException {
        Map<String, List<String>> expected = new LinkedHashMap<>();
        try (PartitionSpool spool = new PartitionSpool(tmp.resolve("run"), 6, 2, 64)) {
            for (int i = 0; i < 2_000; i++) {
                String key = "usage/date=2026-11-" + (10 + i % 7) + "/usage_" + (i % 7) + ".json.gz";
                String line = "{\"i\":" + i + ",\"s\":\"é€𝄞 \\\"q\\\"\"}";
                byte[] framed = ("<<" + line + ">>").getBytes(StandardCharsets.UTF_8);
                spool.append(key, framed, 2, framed.length - 4);
                expected.computeIfAbsent(key, k -> new ArrayList<>()).add(line);
            }
            List<PartitionSpool.LakeObject> objects = spool.finish();
            assertEquals(7, objects.size());
            for (PartitionSpool.LakeObject o : objects) {
                List<String> lines = gunzipLines(o.file());
                assertEquals(expected.get(o.key()), lines, o.key());
                assertEquals(lines.size(), o.records());
                assertEquals(Files.size(o.file()), o.bytes());
                long raw = lines.stream().mapToLong(l -> l.getBytes(StandardCharsets.UTF_8).length + 1L).sum();
                assertEquals(raw, o.rawBytes());
                assertTrue(o.file().endsWith(o.key()), o.file().toString());
            }
            assertThrows(IllegalStateException.class, () -> spool.append(K1, new byte[] {'1'}));
        }
        assertFalse(Files.exists(tmp.resolve("run")), "close deletes the run directory");
    }

    @Test
    void resumeDropsEverythingWrittenAfterTheCheckpoint() throws IOException {
        Path run = tmp.resolve("run");
        PartitionSpool first = new PartitionSpool(run);
        first.append(K1, bytes("{\"a\":1}"));
        first.append(K1, bytes("{\"a\":2}"));
        first.append(K2, bytes("{\"b\":1}"));
        PartitionSpool.Checkpoint cp = first.checkpoint();
        first.append(K1, bytes("{\"a\":3}"));
        first.append("late/only_after_checkpoint.json.gz", bytes("{\"late\":1}"));
        first.checkpoint(); // pushes the post-checkpoint lines to disk, as a crash after a flush would leave them
        Path k1File = Files.walk(run.resolve("spool")).filter(p -> p.toString().endsWith("2026-11-20.json.gz"))
                .findFirst().orElseThrow();
        Files.write(k1File, bytes("{\"partial\":"), StandardOpenOption.APPEND); // torn write at the crash
        // the first spool is abandoned without close, as a crashed process would leave it

        String json = new ObjectMapper().writeValueAsString(cp);
        PartitionSpool.Checkpoint restored = new ObjectMapper().readValue(json, PartitionSpool.Checkpoint.class);
        assertEquals(cp, restored);
        assertEquals(3, restored.records());

        try (PartitionSpool spool = PartitionSpool.resume(run, restored)) {
            assertEquals(2, spool.records(K1));
            spool.append(K1, bytes("{\"a\":3}"));
            Map<String, List<String>> got = new LinkedHashMap<>();
            for (PartitionSpool.LakeObject o : spool.finish()) {
                got.put(o.key(), gunzipLines(o.file()));
                assertEquals(got.get(o.key()).size(), o.records());
            }
            assertEquals(Map.of(K1, List.of("{\"a\":1}", "{\"a\":2}", "{\"a\":3}"), K2, List.of("{\"b\":1}")), got);
        }
    }

    @Test
    void everyCheckpointEndsAGzipMemberAndTheListenerSeesOnlyDurableState() throws IOException, Exception {
        Path run = tmp.resolve("run");
        List<String> expected = new ArrayList<>();
        List<PartitionSpool.Checkpoint> seen = new ArrayList<>();
        try (PartitionSpool spool = new PartitionSpool(run, 1, 4, 100)) {
            List<java.util.concurrent.Future<PartitionSpool.Checkpoint>> futures = new ArrayList<>();
            for (int page = 0; page < 5; page++) {
                for (int i = 0; i < 30; i++) {
                    String line = "{\"page\":" + page + ",\"i\":" + i + "}";
                    spool.append(K1, bytes(line));
                    expected.add(line);
                }
                long records = spool.records(K1);
                futures.add(spool.checkpoint(cp -> {
                    // on the writer thread: the file already holds at least the committed bytes
                    Path file = run.resolve("spool").resolve(K1);
                    assertTrue(Files.size(file) >= cp.keys().get(K1).length());
                    assertEquals(records, cp.records());
                    seen.add(cp);
                }));
            }
            for (var f : futures) {
                f.get();
            }
            assertEquals(5, seen.size());
            for (int i = 1; i < seen.size(); i++) {
                assertTrue(seen.get(i).keys().get(K1).length() > seen.get(i - 1).keys().get(K1).length());
            }
            PartitionSpool.LakeObject o = spool.finish().get(0);
            assertEquals(expected, gunzipLines(o.file()));
            assertEquals(5, gzipMembers(o.file()), "one gzip member per checkpoint");
        }
    }

    @Test
    void resumeRefusesAFileShorterThanItsCheckpoint() throws IOException {
        Path run = tmp.resolve("run");
        PartitionSpool first = new PartitionSpool(run);
        first.append(K1, bytes("{\"a\":1}"));
        PartitionSpool.Checkpoint cp = first.checkpoint();
        try (var files = Files.walk(run.resolve("spool"))) {
            Path f = files.filter(Files::isRegularFile).findFirst().orElseThrow();
            Files.write(f, bytes("{"));
        }
        IOException e = assertThrows(IOException.class, () -> PartitionSpool.resume(run, cp));
        assertTrue(e.getMessage().contains("cannot resume"), e.getMessage());
    }

    @Test
    void keysThatEscapeTheRunDirectoryAreRejected() throws IOException {
        try (PartitionSpool spool = new PartitionSpool(tmp.resolve("run"))) {
            for (String bad : List.of("../x.json.gz", "/abs.json.gz", "a//b.json.gz", "a/./b", "", "dir/")) {
                assertThrows(IllegalArgumentException.class, () -> spool.append(bad, bytes("{}")), bad);
            }
        }
    }

    @Test
    void everyDeflaterLevelRoundTrips() throws IOException {
        for (int level : new int[] {0, 1, 6, 9}) {
            try (PartitionSpool spool = new PartitionSpool(tmp.resolve("run" + level), level, 4, 1024)) {
                byte[] line = bytes("{\"x\":\"" + "abc".repeat(1000) + "\"}");
                for (int i = 0; i < 50; i++) {
                    spool.append(K1, line);
                }
                PartitionSpool.LakeObject o = spool.finish().get(0);
                List<String> lines = gunzipLines(o.file());
                assertEquals(50, lines.size());
                assertArrayEquals(line, bytes(lines.get(49)));
            }
        }
    }

    static List<String> gunzipLines(Path file) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.UTF_8);
            assertTrue(text.isEmpty() || text.endsWith("\n"), "every line ends with a newline");
            return text.isEmpty() ? List.of() : List.of(text.substring(0, text.length() - 1).split("\n", -1));
        }
    }

    /** Counts gzip members by reading one member at a time with an Inflater. */
    static int gzipMembers(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        int members = 0;
        int at = 0;
        while (at < all.length) {
            assertEquals(0x1f, all[at] & 0xff, "member " + members + " starts with the gzip magic");
            assertEquals(0x8b, all[at + 1] & 0xff);
            java.util.zip.Inflater inflater = new java.util.zip.Inflater(true);
            inflater.setInput(all, at + 10, all.length - at - 10);
            byte[] sink = new byte[4096];
            try {
                while (!inflater.finished()) {
                    inflater.inflate(sink);
                }
            } catch (java.util.zip.DataFormatException e) {
                throw new IOException(e);
            }
            at = all.length - inflater.getRemaining() + 8; // skip CRC-32 and length
            inflater.end();
            members++;
        }
        return members;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
