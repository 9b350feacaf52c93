package genesyslake.ops;

import genesyslake.GenesysLake;
import genesyslake.testsupport.LocalDaemon;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ensures a local server's port already in use fails the start in one line naming the port and its setting. */
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
}
