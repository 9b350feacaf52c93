package genesyslake.ops;

import genesyslake.GenesysLake;
import genesyslake.testsupport.ChildJvm;
import genesyslake.testsupport.LocalDaemon;
import genesyslake.testsupport.ProcessTest;
import org.junit.jupiter.api.Test;

import genesyslake.management.ManagementPort;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures every listener's port setting: one already in use fails the start in one line naming the port and its setting
 * (the local servers and the management port, in-process and as the real process exits), and 0 takes a free port, which
 * the start-up banner prints.
 */
@ProcessTest
class PortInUseTest {

    @Test
    void aPortInUseNamesThePortAndItsSettingAndTheOtherPortsAreFreedAgain() throws Exception {
        for (String key : new String[] {"local.genesys.port", "local.s3.port", "local.aws.port"}) {
            try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int port = taken.getLocalPort();
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> LocalDaemon.start(Map.of(key, String.valueOf(port))));
                Throwable refusal = GenesysLake.refusalOf(e);
                assertTrue(refusal != null, "a one-line refusal, not a stack trace: " + e);
                assertEquals("Setting '" + key + "' port " + port + " is already in use (another genesys-lake, or another "
                        + "program); set " + key + " to a free port, or 0 to take any free one", refusal.getMessage());
            }
        }
        // Nothing was left listening: a daemon starts on free ports right after.
        LocalDaemon ok = LocalDaemon.start(Map.of());
        ok.closeAndDelete();
    }

    private static String managementRefusal(int port) {
        return "Setting 'camel.management.port' port " + port + " on 127.0.0.1 is already in use (another genesys-lake, "
                + "or another program); set camel.management.port to a free port, or 0 to take any free one";
    }

    @Test
    void aManagementPortInUseIsRefusedInOneLineBeforeAnyServerListens() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> LocalDaemon.start(Map.of(
                    "camel.management.enabled", "true", "camel.management.port", String.valueOf(port),
                    "local.genesys.port", "0")));
            Throwable refusal = GenesysLake.refusalOf(e);
            assertTrue(refusal != null, "a one-line refusal, not a stack trace: " + e);
            assertEquals(managementRefusal(port), refusal.getMessage());
        }
    }

    @Test
    @Execution(ExecutionMode.CONCURRENT) // a child JVM of its own: it runs beside the in-process tests
    void theDaemonProcessExitsNonZeroWithOneLineWhenItsManagementPortIsInUse(@TempDir Path tmp) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            List<String> cmd = new ArrayList<>(ChildJvm.onTestClassPath());
            cmd.addAll(List.of("-Dlake.mode=local", "-Dlocal.data-dir=" + tmp.resolve("data"),
                    "-Dlocal.genesys.port=0", "-Dlocal.s3.port=0", "-Dlocal.aws.port=0", "-Dcamel.management.port=" + port,
                    "genesyslake.GenesysLake"));
            Path log = tmp.resolve("daemon.log");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the daemon ends by itself:\n" + Files.readString(log));
                String out = Files.readString(log);
                assertEquals(1, p.exitValue(), out);
                List<String> refusal = out.lines().filter(l -> l.contains("camel.management.port")
                        && l.contains("could not start")).toList();
                assertEquals(1, refusal.size(), out);
                assertTrue(refusal.get(0).endsWith("genesys-lake could not start: " + managementRefusal(port)), refusal.get(0));
                assertFalse(out.lines().anyMatch(l -> l.startsWith("\tat ") || l.startsWith("Caused by")), "no stack trace:\n" + out);
                assertFalse(out.contains("Vert.x HttpServer"), "no server was started:\n" + out);
            } finally {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void managementPortZeroTakesAFreePortAndTheBannerPrintsIt() throws Exception {
        LocalDaemon daemon;
        String banner;
        try (LogCapture logs = new LogCapture()) {
            daemon = LocalDaemon.start(Map.of("camel.management.enabled", "true", "camel.management.port", "0"));
            banner = logs.lines().stream().filter(l -> l.contains("==== genesys-lake is running ====")).findFirst().orElseThrow();
        }
        try {
            int port = ManagementPort.actual(daemon.context()).orElseThrow();
            assertTrue(port > 0, "a port was picked: " + port);
            assertTrue(banner.contains("http://127.0.0.1:" + port + "/observe/health"), banner);
            assertFalse(banner.contains(":0/"), banner);
            assertEquals(200, Ops.get("http://127.0.0.1:" + port + "/observe/health").statusCode());
        } finally {
            daemon.closeAndDelete();
        }
    }
}
