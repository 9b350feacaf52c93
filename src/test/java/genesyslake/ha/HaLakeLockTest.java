package genesyslake.ha;

import genesyslake.testsupport.FlowTest;
import genesyslake.testsupport.LocalDaemon;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures the instances of one HA group (sharing lake.ha.lock-dir) share one lake and its folders on purpose, while a
 * single writer, or an instance of another group, on that lake is refused naming the group.
 */
@FlowTest
class HaLakeLockTest {

    private static Map<String, String> ha(String id, Path lockDir) {
        return Map.of("lake.ha.enabled", "true", "lake.ha.lock-dir", lockDir.toString(), "lake.ha.instance-id", id);
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null) {
            c = c.getCause();
        }
        return c.getMessage();
    }

    @Test
    void theInstancesOfAGroupShareTheLakeAndEveryOtherWriterIsRefused(@TempDir Path data, @TempDir Path lock,
                                                                       @TempDir Path otherLock) {
        try (LocalDaemon a = LocalDaemon.start(data, ha("a", lock)); LocalDaemon b = LocalDaemon.start(data, ha("b", lock))) {
            assertTrue(a.context().isStarted() && b.context().isStarted(), "both instances of the group run");

            String single = rootMessage(assertThrows(IllegalStateException.class, () -> LocalDaemon.start(data, Map.of())));
            assertTrue(single.startsWith("Another genesys-lake is using the state folder (lake.state-dir) "), single);
            assertTrue(single.contains(", with the HA group "), single);
            assertTrue(single.contains("trigger it in the group's leader (JMX or Jolokia startFlow("), single);
            assertTrue(single.contains("give it lake.ha.enabled=true and the group's lake.ha.lock-dir"), single);
            assertFalse(single.contains("\n"), single);

            String otherGroup = rootMessage(assertThrows(IllegalStateException.class,
                    () -> LocalDaemon.start(data, ha("c", otherLock))));
            assertTrue(otherGroup.contains(", with the HA group "), otherGroup);
        }
    }
}
