package genesyslake.ops;

import genesyslake.testsupport.ChildJvm;
import genesyslake.testsupport.LocalDaemon;
import genesyslake.testsupport.ProcessTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures {@code --once} on the data folder of a running daemon is refused in one line that says a daemon (with its
 * pid) holds the folder and how to run the flow in it instead, exits non-zero with no stack trace, and leaves the
 * daemon working.
 */
@ProcessTest
class OnceBesideDaemonTest {

    @Test
    void onceOnARunningDaemonsFolderSaysTheDaemonHoldsItInOneLineAndExitsNonZero(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        try (LocalDaemon daemon = LocalDaemon.start(data, Map.of())) {
            List<String> cmd = new ArrayList<>(ChildJvm.onTestClassPath());
            cmd.addAll(List.of("-Dlake.mode=local", "-Dlocal.data-dir=" + data,
                    "-Dlocal.genesys.port=0", "-Dlocal.s3.port=0", "-Dlocal.aws.port=0",
                    "genesyslake.GenesysLake", "--once", "user-details"));
            Path log = tmp.resolve("once.log");
            Process once = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                assertTrue(once.waitFor(120, TimeUnit.SECONDS), "--once ends by itself:\n" + Files.readString(log));
                String out = Files.readString(log);
                assertEquals(1, once.exitValue(), out);
                List<String> refusal = out.lines().filter(l -> l.contains("Another genesys-lake is using")).toList();
                assertEquals(1, refusal.size(), out);
                String line = refusal.get(0);
                assertTrue(line.contains("genesys-lake could not start: "), line);
                assertTrue(line.contains("held by the daemon, pid " + ProcessHandle.current().pid() + " on host "), line);
                assertTrue(line.contains(data.resolve("state").toAbsolutePath().toString()), line);
                assertTrue(line.contains("To run a flow now, trigger it in that daemon (JMX or Jolokia startFlow("), line);
                assertFalse(out.lines().anyMatch(l -> l.startsWith("\tat ") || l.startsWith("Caused by")), "no stack trace:\n" + out);
                assertFalse(out.contains("Running flow"), "the refused run never ran a flow:\n" + out);
                assertFalse(out.contains("triggered by SIGTERM"), "nobody sent a SIGTERM:\n" + out);
            } finally {
                once.destroyForcibly();
            }
            assertTrue(daemon.run("user-details", Map.of()).success(), "the daemon still runs its flows");
        }
    }
}
