package genesyslake.ha;

import genesyslake.testsupport.FlowTest;
import genesyslake.testsupport.LocalDaemon;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ensures that of two instances sharing a lock folder only one runs the flows, and the other takes over when it stops. */
@FlowTest
class LeaderElectionTest {

    private static ServiceStatus status(LocalDaemon d) {
        return d.context().getRouteController().getRouteStatus("usage-export");
    }

    @Test
    void onlyTheLockHolderRunsFlowsAndTheOtherTakesOver(@TempDir Path lock) throws Exception {
        // A 1 s lock interval instead of the shipped 10 s: the first leader is chosen, and the standby takes over, within
        // a second rather than ten (the election itself is the same; both instances use the same interval).
        LocalDaemon first = LocalDaemon.start(Map.of("lake.ha.enabled", "true", "lake.ha.lock-dir", lock.toString(),
                "lake.ha.instance-id", "first", "lake.ha.file.acquire-lock-interval", "1s"));
        LocalDaemon second = LocalDaemon.start(Map.of("lake.ha.enabled", "true", "lake.ha.lock-dir", lock.toString(),
                "lake.ha.instance-id", "second", "lake.ha.file.acquire-lock-interval", "1s"));
        try {
            long deadline = System.currentTimeMillis() + 30_000;
            while (status(first) != ServiceStatus.Started && status(second) != ServiceStatus.Started
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(200);
            }
            boolean firstLeads = status(first) == ServiceStatus.Started;
            assertTrue(firstLeads ^ status(second) == ServiceStatus.Started, "exactly one instance runs the flows");
            LocalDaemon leader = firstLeads ? first : second;
            LocalDaemon standby = firstLeads ? second : first;
            leader.closeAndDelete();
            deadline = System.currentTimeMillis() + 60_000;
            while (status(standby) != ServiceStatus.Started && System.currentTimeMillis() < deadline) {
                Thread.sleep(200);
            }
            assertEquals(ServiceStatus.Started, status(standby), "the standby took over");
            if (firstLeads) {
                first = null;
            } else {
                second = null;
            }
        } finally {
            if (first != null) {
                first.closeAndDelete();
            }
            if (second != null) {
                second.closeAndDelete();
            }
        }
    }
}
