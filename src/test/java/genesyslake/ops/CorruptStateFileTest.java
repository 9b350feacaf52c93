package genesyslake.ops;

import genesyslake.management.FlowOutcome;
import genesyslake.testsupport.FlowTest;
import genesyslake.testsupport.LocalDaemon;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures an empty state file (a full disk) fails only its own flow, in one line naming the file and what to do, with
 * no ClassCastException and no stack trace in the log; the daemon starts and its other flows run; deleting the file
 * (as the message says) lets the flow run again.
 */
@FlowTest
class CorruptStateFileTest {

    @Test
    void anEmptyStateFileFailsOnlyItsFlowInOneLineNamingItAndWhatToDo(@TempDir Path data) throws Exception {
        Path file = Files.createDirectories(data.resolve("state")).resolve("user-details.json");
        Files.writeString(file, "");
        try (LogCapture logs = new LogCapture(); LocalDaemon daemon = LocalDaemon.start(data, Map.of())) {
            FlowOutcome failed = daemon.run("user-details", Map.of());
            assertFalse(failed.success(), failed.toString());
            String why = failed.getSummary();
            assertTrue(why.startsWith("State file " + file + " is unreadable (it is empty; was the disk full"), why);
            assertTrue(why.contains("restore it from a backup, or delete it: flow user-details then starts over"), why);
            assertFalse(why.contains("\n"), why);

            assertTrue(daemon.run("usage-export", Map.of()).success(), "the other flows run");

            List<String> lines = logs.lines();
            assertTrue(lines.stream().noneMatch(l -> l.contains("ClassCastException") || l.contains("MissingNode")),
                    String.join("\n", lines));
            List<String> errors = lines.stream().filter(l -> l.startsWith("ERROR")).toList();
            assertEquals(1, errors.stream().filter(l -> l.contains("Flow user-details failed: " + why)).count(), errors.toString());
            assertTrue(errors.stream().noneMatch(l -> l.contains("\n  caused by")), "no stack trace at ERROR: " + errors);
            assertEquals("", Files.readString(file), "the file is left for a restore");

            Files.delete(file);
            assertTrue(daemon.run("user-details", Map.of()).success(), "deleting it starts the flow over");
        }
    }
}
