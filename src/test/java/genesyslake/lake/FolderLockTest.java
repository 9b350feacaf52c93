package genesyslake.lake;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import genesyslake.testsupport.ChildJvm;
import genesyslake.testsupport.ProcessTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures the folder locks hold across processes (the OS lock, not this JVM's bookkeeping): a folder reached by a
 * symlink or {@code ..} is the same lock; a single writer excludes everyone; the instances of one HA group share it,
 * and neither a single writer nor another group gets in beside them.
 */
@ProcessTest
class FolderLockTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<Process> holders = new ArrayList<>();

    @AfterEach
    void stopHolders() {
        holders.forEach(Process::destroyForcibly);
    }

    /** Another JVM that takes the lock ({@code group} "-" for an exclusive one), says "held" or "refused", and keeps it. */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            FolderLock lock = FolderLock.beside(Path.of(args[0]), "test folder");
            lock.resolve();
            ObjectNode record = JSON.createObjectNode().put("pid", ProcessHandle.current().pid()).put("role", "daemon");
            String group = args[1].equals("-") ? null : args[1];
            if (group != null) {
                record.put("group", group);
            }
            System.out.println(lock.tryAcquire(group, record) ? "held" : "refused");
            System.out.flush();
            System.in.read(); // holds until the test ends (or kills) it
        }
    }

    private String holdInAnotherProcess(Path folder, String group) throws IOException {
        List<String> cmd = new ArrayList<>(ChildJvm.onTestClassPath());
        cmd.addAll(List.of(Holder.class.getName(), folder.toString(), group == null ? "-" : group));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        holders.add(p);
        String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        return String.valueOf(line);
    }

    private static boolean take(FolderLock lock, String group) throws IOException {
        ObjectNode record = JSON.createObjectNode().put("pid", ProcessHandle.current().pid());
        if (group != null) {
            record.put("group", group);
        }
        return lock.tryAcquire(group, record);
    }

    @Test
    @Execution(ExecutionMode.CONCURRENT) // its own folder and holder processes
    void aFolderReachedBySymlinkOrDotDotIsTheSameLockAcrossProcesses(@TempDir Path tmp) throws Exception {
        Path work = Files.createDirectories(tmp.resolve("data/work"));
        Files.createSymbolicLink(tmp.resolve("link"), tmp.resolve("data"));
        assertEquals("held", holdInAnotherProcess(work, null));

        for (Path other : List.of(tmp.resolve("link/work"), tmp.resolve("data/x/../work"),
                Path.of("").toAbsolutePath().relativize(work))) {
            Files.createDirectories(tmp.resolve("data/x"));
            FolderLock lock = FolderLock.beside(other, "work folder");
            assertEquals(tmp.resolve("data/.work.lock").toRealPath(), lock.resolve(), other.toString());
            assertFalse(take(lock, null), "refused through " + other);
            assertFalse(take(lock, "some-group"), "an HA instance is refused beside a single writer: " + other);
        }
        holders.get(0).destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        FolderLock lock = FolderLock.beside(tmp.resolve("link/work"), "work folder");
        lock.resolve();
        assertTrue(take(lock, null), "free once its holder is gone (killed)");
        lock.release();
    }

    @Test
    @Execution(ExecutionMode.CONCURRENT) // its own folder and holder processes
    void theInstancesOfOneHaGroupShareTheLockAndKeepEveryoneElseOut(@TempDir Path tmp) throws Exception {
        Path state = Files.createDirectories(tmp.resolve("data/state"));
        assertEquals("held", holdInAnotherProcess(state, "group-a"));
        assertEquals("held", holdInAnotherProcess(state, "group-a"), "a second instance of the group shares it");
        assertEquals("refused", holdInAnotherProcess(state, "group-b"), "another group is refused");
        assertEquals("refused", holdInAnotherProcess(state, null), "a single writer is refused");

        FolderLock mine = FolderLock.beside(state, "state folder");
        mine.resolve();
        assertTrue(take(mine, "group-a"), "and an instance in this JVM too");
        assertEquals("group-a", mine.holder().path("group").asText(), "the record names the group");
        mine.release();
    }

    @Test
    @Execution(ExecutionMode.CONCURRENT) // its own folder and holder processes
    void aSingleWritersLockKeepsAnHaGroupOutAndItsRecordNamesIt(@TempDir Path tmp) throws Exception {
        Path reports = Files.createDirectories(tmp.resolve("data/reports"));
        FolderLock mine = FolderLock.beside(reports, "reports folder");
        mine.resolve();
        assertTrue(take(mine, null));
        assertEquals(ProcessHandle.current().pid(), mine.holder().path("pid").asLong());
        assertEquals("refused", holdInAnotherProcess(reports, "group-a"));
        assertEquals("refused", holdInAnotherProcess(reports, null));
        mine.release();
        assertFalse(Files.exists(mine.holderFile()), "an exclusive holder's record goes with its lock");
        assertEquals("held", holdInAnotherProcess(reports, null));
    }
}
