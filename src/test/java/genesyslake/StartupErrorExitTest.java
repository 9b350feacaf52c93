package genesyslake;

import genesyslake.testsupport.ChildJvm;
import genesyslake.testsupport.ProcessTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Ensures an Error at start-up ends the process with a non-zero exit instead of leaving it running on the threads
 * already started (the adversarial run: DuckDB's native library cannot be unpacked under {@code ulimit -f}, so
 * its class fails to initialise with ExceptionInInitializerError after the local Genesys is listening).
 */
@ProcessTest
class StartupErrorExitTest {

    @Test
    void anErrorDuringStartUpExitsNonZeroInsteadOfHanging(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "needs bash for ulimit");
        Path javaTmp = Files.createDirectories(tmp.resolve("java-tmp")); // DuckDB unpacks its library here, afresh
        // 20 MB per file: far below DuckDB's native library, far above the log and anything else start-up writes.
        String script = "ulimit -f 20000 && exec \"$0\" \"$@\"";
        List<String> cmd = new ArrayList<>(List.of("/bin/bash", "-c", script));
        cmd.addAll(ChildJvm.onTestClassPath()); // java, then its arguments: "$0" "$@" of the script
        cmd.addAll(List.of("-Djava.io.tmpdir=" + javaTmp,
                "-Dlake.mode=local", "-Dlocal.data-dir=" + tmp.resolve("data"), "-Dlocal.genesys.port=0",
                "-Dlocal.s3.port=0", "-Dlocal.aws.port=0",
                "genesyslake.GenesysLake", "--once", "user-details"));
        Path log = tmp.resolve("child.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            boolean ended = p.waitFor(120, TimeUnit.SECONDS);
            String out = Files.readString(log);
            assertTrue(ended, "the process ended by itself:\n" + out);
            assertNotEquals(0, p.exitValue(), out);
            assertTrue(out.contains("File too large"), "the Error this test provokes happened:\n" + out);
            assertTrue(out.lines().anyMatch(l -> l.contains("genesys-lake could not start: java.lang.ExceptionInInitializerError")),
                    "one line says why:\n" + out);
        } finally {
            p.destroyForcibly();
        }
    }
}
