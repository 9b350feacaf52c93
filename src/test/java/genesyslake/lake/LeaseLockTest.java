package genesyslake.lake;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import genesyslake.testsupport.ProcessTest;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * Ensures a lease's holder is judged gone from this host (taken over at once, not after its lease) only when that is
 * certain: same boot, same pid namespace, and its pid absent or reused; never for a live holder or another machine.
 */
@ProcessTest
class LeaseLockTest {

    private static ObjectNode record(ProcessHandle p) {
        ObjectNode r = new ObjectMapper().createObjectNode().put("pid", p.pid());
        p.info().startInstant().ifPresent(t -> r.put("started", t.toString()));
        LakeLock.machine().forEach(r::put);
        return r;
    }

    @Test
    void onlyAHolderCertainlyGoneFromThisHostIsGone() throws Exception {
        assumeFalse(LakeLock.machine().isEmpty(), "Linux (boot id and pid namespace known)");
        assertFalse(LeaseLock.goneFromThisHost(record(ProcessHandle.current())), "this process is alive");

        Process sleeper = new ProcessBuilder("sleep", "60").start();
        ObjectNode killed = record(sleeper.toHandle());
        assertFalse(LeaseLock.goneFromThisHost(killed), "alive until killed");
        sleeper.destroyForcibly();
        assertTrue(sleeper.waitFor(30, TimeUnit.SECONDS));
        assertTrue(LeaseLock.goneFromThisHost(killed), "killed: gone");

        ObjectNode reused = record(ProcessHandle.current()).put("started", "2000-01-01T00:00:00Z");
        assertTrue(LeaseLock.goneFromThisHost(reused), "its pid now belongs to a later process");

        assertFalse(LeaseLock.goneFromThisHost(killed.deepCopy().put("bootId", "another-boot")), "another machine");
        assertFalse(LeaseLock.goneFromThisHost(killed.deepCopy().put("pidNamespace", "pid:[1]")), "another container");
        ObjectNode unknown = killed.deepCopy();
        unknown.remove("bootId");
        assertFalse(LeaseLock.goneFromThisHost(unknown), "not known: never assumed");
    }
}
