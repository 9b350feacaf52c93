package genesyslake.ops;

import genesyslake.testsupport.FlowTest;
import genesyslake.testsupport.LocalDaemon;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures lake.jmx.port serves remote JMX (RMI, as jconsole connects) with the operator's login, the password read from
 * a file as a Kubernetes Secret mounts it: with it a flow runs through genesyslake:type=Flows, without it or with a wrong
 * one the connection is refused.
 */
@FlowTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RemoteJmxTest {

    private Path secrets;
    private LocalDaemon daemon;
    private JMXServiceURL url;

    @BeforeAll
    void start() throws Exception {
        secrets = Files.createTempDirectory("remote-jmx");
        Path password = secrets.resolve("operator-password");
        Files.writeString(password, "s3cret-from-a-file\n");
        int port = Ops.freePort();
        daemon = LocalDaemon.start(Map.of("usage.query-files", "queries/usage-query.json",
                "lake.management.user", "operator", "lake.management.password-file", password.toString(),
                "lake.jmx.port", Integer.toString(port)));
        url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi");
    }

    @AfterAll
    void stop() {
        daemon.closeAndDelete();
        secrets.resolve("operator-password").toFile().delete();
        secrets.toFile().delete();
    }

    @Test
    void theOperatorsLoginRunsAFlowThroughTheConfiguredPort() throws Exception {
        try (JMXConnector client = JMXConnectorFactory.connect(url,
                Map.of(JMXConnector.CREDENTIALS, new String[] {"operator", "s3cret-from-a-file"}))) {
            MBeanServerConnection jmx = client.getMBeanServerConnection();
            CompositeData outcome = (CompositeData) jmx.invoke(ObjectName.getInstance("genesyslake:type=Flows"),
                    "runFlow", new Object[] {"usage-export"}, new String[] {String.class.getName()});
            assertEquals(true, outcome.get("success"), outcome.toString());
            assertEquals("usage-export", outcome.get("flow"));
            assertTrue((Long) outcome.get("records") > 0, outcome.toString());
        }
    }

    @Test
    void noLoginOrAWrongPasswordIsRefused() {
        SecurityException none = assertThrows(SecurityException.class, () -> JMXConnectorFactory.connect(url).close());
        assertTrue(none.getMessage().contains("JMX login refused"), none.getMessage());
        assertThrows(SecurityException.class, () -> JMXConnectorFactory.connect(url,
                Map.of(JMXConnector.CREDENTIALS, new String[] {"operator", "s3cret-from-a-file\n"})).close());
        assertThrows(SecurityException.class, () -> JMXConnectorFactory.connect(url,
                Map.of(JMXConnector.CREDENTIALS, new String[] {"admin", "s3cret-from-a-file"})).close());
    }
}
