package genesyslake.ops;

import genesyslake.testsupport.FlowTest;
import genesyslake.testsupport.LocalDaemon;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures one writer per lake in one JVM, whatever the settings: a second daemon sharing any folder of the first, or
 * its lake by any path, is refused in one line naming the holder and only what is safe, and the first's objects are
 * untouched.
 */
@FlowTest
class OneWriterTest {

    /**
     * One running daemon for the tests that only start others beside it (and run a flow on it): none stops it or
     * changes its settings. Its data folder is {@code lakeDir/data}, with room beside it for links to it.
     */
    @TempDir
    static Path lakeDir;
    private static LocalDaemon lake;

    @BeforeAll
    static void startTheLake() throws IOException {
        lake = LocalDaemon.start(Files.createDirectories(lakeDir.resolve("data")), Map.of());
    }

    @AfterAll
    static void stopTheLake() {
        if (lake != null) {
            lake.close();
        }
    }

    @Test
    void aSecondDaemonOnTheSameFolderIsRefusedNamingTheHolderAndMayStartOnceTheFirstStopped(@TempDir Path data) {
        LocalDaemon first = LocalDaemon.start(data, Map.of());
        try {
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> LocalDaemon.start(data, Map.of()));
            String why = rootMessage(refused);
            assertTrue(why.contains("pid " + ProcessHandle.current().pid()), why);
            assertTrue(why.contains(" since 20"), why);
            assertTrue(why.contains("local.data-dir"), why);
            assertTrue(why.contains(data.resolve("state").toString()), why);
            assertFalse(why.contains("\n"), "one line: " + why);
            assertTrue(Files.exists(data.resolve("state/.lock-holder.json")));
            // The refused start must not have released the first daemon's OS lock: it still works.
            assertTrue(first.run("user-details", Map.of()).success());
        } finally {
            first.close();
        }
        assertFalse(Files.exists(data.resolve("state/.lock-holder.json")), "the holder record goes with the lock");
        LocalDaemon again = LocalDaemon.start(data, Map.of());
        again.close();
    }

    @Test
    void aDaemonRefusedForABadSettingLeavesTheFolderFree(@TempDir Path data) {
        assertThrows(IllegalStateException.class, () -> LocalDaemon.start(data, Map.of("users.period", "0")));
        LocalDaemon.start(data, Map.of()).close();
    }

    @Test
    void aDaemonOnAnotherFolderIsNotAffected(@TempDir Path two) {
        try (LocalDaemon b = LocalDaemon.start(two, Map.of())) {
            assertEquals(lake.context().getStatus(), b.context().getStatus());
        }
    }

    @Test
    void withALockWaitASecondDaemonWaitsForTheFirstToStop(@TempDir Path data) throws Exception {
        LocalDaemon first = LocalDaemon.start(data, Map.of());
        Thread stopper = new Thread(() -> {
            try {
                Thread.sleep(1500);
            } catch (InterruptedException ignored) {
                // stop now
            }
            first.close();
        });
        stopper.start();
        try (LocalDaemon second = LocalDaemon.start(data, Map.of("lake.lock.wait", "60s"))) {
            assertTrue(second.context().isStarted());
        } finally {
            stopper.join();
        }
    }

    /** Every file of the local lake (data/s3) with its size and modification time. */
    private static Map<String, String> lakeFiles(Path data) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(data.resolve("s3"))) {
            for (Path f : s.filter(Files::isRegularFile).toList()) {
                out.put(data.resolve("s3").relativize(f).toString(), Files.size(f) + " " + Files.getLastModifiedTime(f));
            }
        }
        return out;
    }

    /** The refusal of a second daemon started with these settings: one line, naming the holder, suggesting only what is safe. */
    private static String refusedBeside(LocalDaemon first, Path data, Map<String, String> settings) {
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> LocalDaemon.start(data, settings),
                "a second writer with " + settings);
        String why = rootMessage(refused);
        assertTrue(why.startsWith("Another genesys-lake is using the "), why);
        assertTrue(why.contains("held by the daemon, pid " + ProcessHandle.current().pid() + " on host "), why);
        assertTrue(why.contains("give this one a lake of its own: another local.data-dir, with lake.state-dir, "
                + "lake.work-dir, lake.dead-letter-dir and lake.reports-dir"), why);
        assertFalse(why.contains("(or lake.state-dir)"), "never a folder setting alone: " + why);
        assertFalse(why.contains("\n"), "one line: " + why);
        assertTrue(first.context().isStarted());
        return why;
    }

    @Test
    void anotherStateOrWorkFolderAloneDoesNotMakeASecondWriterOfTheSameLake(@TempDir Path elsewhere) throws Exception {
        LocalDaemon first = lake;
        Path data = first.dataDir();
        assertTrue(first.run("user-details", Map.of()).success());
        Map<String, String> before = lakeFiles(data);
        assertFalse(before.isEmpty());

        // The adversarial run: only lake.state-dir changed, everything else (work, s3, reports) shared.
        assertTrue(refusedBeside(first, data, Map.of("lake.state-dir", elsewhere.resolve("state").toString()))
                .contains("the work folder (lake.work-dir) " + data.resolve("work")), "the work folder is in use");
        assertTrue(refusedBeside(first, data, Map.of("lake.work-dir", elsewhere.resolve("work").toString()))
                .contains("the state folder (lake.state-dir) " + data.resolve("state")));
        // Every folder of its own, but the same lake: refused on the lake itself.
        assertTrue(refusedBeside(first, data, Map.of("lake.state-dir", elsewhere.resolve("state").toString(),
                "lake.work-dir", elsewhere.resolve("work").toString(),
                "lake.dead-letter-dir", elsewhere.resolve("dead-letter").toString(),
                "lake.reports-dir", elsewhere.resolve("reports").toString()))
                .contains("the lake (the local S3 folder local.data-dir/s3) " + data.resolve("s3")));
        // A folder of the first given to the second in another role is the same lock.
        assertTrue(refusedBeside(first, elsewhere, Map.of("lake.work-dir", data.resolve("state").toString()))
                .contains("the work folder (lake.work-dir) " + data.resolve("state")));

        assertEquals(before, lakeFiles(data), "the first daemon's objects are untouched");
        assertTrue(first.run("user-details", Map.of()).success(), "the first still works");
    }

    @Test
    void theSameDataFolderReachedByAnotherPathIsTheSameLake(@TempDir Path tmp) throws Exception {
        LocalDaemon first = lake;
        Path data = first.dataDir(); // lakeDir/data
        Path link = Files.createSymbolicLink(tmp.resolve("link"), data);
        Files.createDirectories(lakeDir.resolve("x"));
        for (Path other : List.of(link, lakeDir.resolve("x/../data"), Path.of("").toAbsolutePath().relativize(data))) {
            refusedBeside(first, other, Map.of());
        }
        // Its own folders, the lake through the symlink: still the first's lake.
        Path own = tmp.resolve("own");
        assertTrue(refusedBeside(first, link, Map.of("lake.state-dir", own.resolve("state").toString(),
                "lake.work-dir", own.resolve("work").toString(), "lake.dead-letter-dir", own.resolve("dl").toString(),
                "lake.reports-dir", own.resolve("reports").toString())).contains("the lake (the local S3 folder"));
    }

    @Test
    void twoSettingsNamingOneFolderTakeOneLock(@TempDir Path data) {
        // The work folder is the state folder: one lock, not a refusal of itself.
        try (LocalDaemon d = LocalDaemon.start(data, Map.of("lake.work-dir", data.resolve("state").toString()))) {
            assertTrue(d.context().isStarted());
            String why = rootMessage(assertThrows(IllegalStateException.class, () -> LocalDaemon.start(data, Map.of())));
            assertTrue(why.contains("the state folder (lake.state-dir) " + data.resolve("state")), why);
        }
    }

    static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null) {
            c = c.getCause();
        }
        return c.getMessage();
    }
}
