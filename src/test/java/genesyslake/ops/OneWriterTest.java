package genesyslake.ops;

import genesyslake.testsupport.LocalDaemon;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ensures one writer per lake folder in one JVM: a second daemon on the same folder is refused, naming the holder. */
class OneWriterTest {

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
    void aDaemonOnAnotherFolderIsNotAffected(@TempDir Path one, @TempDir Path two) {
        try (LocalDaemon a = LocalDaemon.start(one, Map.of()); LocalDaemon b = LocalDaemon.start(two, Map.of())) {
            assertEquals(a.context().getStatus(), b.context().getStatus());
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

    static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null) {
            c = c.getCause();
        }
        return c.getMessage();
    }
}
