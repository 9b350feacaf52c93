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
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.rmi.RMIConnectorServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.RMIServerSocketFactory;
import java.rmi.server.UnicastRemoteObject;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ensures a remote JMX client (RMI connector, no genesys-lake classes needed) triggers flows and reads their outcomes. */
@FlowTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JmxConnectorTest {

    private static final LocalDate DAY = LocalDate.now(ZoneOffset.UTC).minusDays(3);

    private LocalDaemon daemon;
    private Registry rmiRegistry;
    private JMXConnectorServer server;
    private JMXConnector client;
    private MBeanServerConnection jmx;
    private ObjectName flows;

    @BeforeAll
    void start() throws Exception {
        flows = ObjectName.getInstance("genesyslake:type=Flows");
        daemon = LocalDaemon.start(Map.of("usage.query-files", "queries/usage-query.json"));
        // A JMX connector like -Dcom.sun.management.jmxremote.port would start, but on loopback only.
        System.setProperty("java.rmi.server.hostname", "127.0.0.1");
        RMIServerSocketFactory loopback = port -> new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
        int registryPort = Ops.freePort();
        int connectorPort = Ops.freePort();
        rmiRegistry = LocateRegistry.createRegistry(registryPort, null, loopback);
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi://127.0.0.1:" + connectorPort
                + "/jndi/rmi://127.0.0.1:" + registryPort + "/jmxrmi");
        Map<String, Object> env = new HashMap<>();
        env.put(RMIConnectorServer.RMI_SERVER_SOCKET_FACTORY_ATTRIBUTE, loopback);
        server = JMXConnectorServerFactory.newJMXConnectorServer(url, env, ManagementFactory.getPlatformMBeanServer());
        server.start();
        client = JMXConnectorFactory.connect(server.getAddress());
        jmx = client.getMBeanServerConnection();
    }

    @AfterAll
    void stop() throws IOException {
        client.close();
        server.stop();
        UnicastRemoteObject.unexportObject(rmiRegistry, true);
        daemon.closeAndDelete();
    }

    private CompositeData invoke(String operation, String... args) throws Exception {
        String[] signature = new String[args.length];
        java.util.Arrays.fill(signature, String.class.getName());
        return (CompositeData) jmx.invoke(flows, operation, args, signature);
    }

    @Test
    void runUsageExportForReturnsTheOutcomeAsPlainOpenData() throws Exception {
        CompositeData outcome = invoke("runUsageExportFor", "2025-04-01/2025-05-01", "Month");
        assertEquals(true, outcome.get("success"), outcome.toString());
        assertEquals("usage-export", outcome.get("flow"));
        assertTrue(((String) outcome.get("runId")).matches("[0-9a-f]{8}"), outcome.toString());
        long records = (Long) outcome.get("records");
        assertTrue(records > 0);
        assertTrue(((String) outcome.get("summary")).contains(records + " records"), outcome.toString());
        List<String> keys = daemon.lake().keys("granularity=month/usage_20250401T0000Z_20250501T0000Z");
        assertEquals(1, keys.size());
        assertEquals(records, daemon.lake().lines(keys.get(0), true).size());
    }

    @Test
    void runConversationDetailsForExportsTheDayAndOnlyTheSchedulesRunMovesTheWatermarkAttribute() throws Exception {
        CompositeData outcome = invoke("runConversationDetailsFor", DAY + "/" + DAY.plusDays(1));
        assertEquals(true, outcome.get("success"), outcome.toString());
        long records = (Long) outcome.get("records");
        assertEquals(records, daemon.lake().lines("conversations/date=" + DAY + "/").size());
        assertTrue(records > 0);
        Map<String, String> watermarks = toMap((javax.management.openmbean.TabularData) jmx.getAttribute(flows, "Watermarks"));
        assertEquals("none", watermarks.get("conversation-details"), "an explicit interval leaves the schedule's watermark");

        assertEquals(true, invoke("runConversationDetails").get("success"));
        watermarks = toMap((javax.management.openmbean.TabularData) jmx.getAttribute(flows, "Watermarks"));
        assertTrue(watermarks.get("conversation-details").endsWith("T00:00:00Z"), "the schedule's run sets it: " + watermarks);
    }

    @Test
    void aTriggerWithABadIntervalReturnsAFailedOutcomeNamingTheInput() throws Exception {
        CompositeData outcome = invoke("runConversationDetailsFor", "2025-02-30/tomorrow");
        assertEquals(false, outcome.get("success"));
        assertTrue(((String) outcome.get("summary")).contains("2025-02-30/tomorrow"), outcome.toString());
        assertFalse(daemon.lake().keys("_manifests/conversation-details/20250230").stream().findAny().isPresent());
    }

    @Test
    void runFlowAcceptsFlowIdsOnlyNotTheRoutesFlowsAreMadeOf() throws Exception {
        for (String internal : new String[] {"lake-upload", "s3-put", "details-job", "usage-export-schedule"}) {
            CompositeData outcome = invoke("runFlow", internal);
            assertEquals(false, outcome.get("success"), internal);
            assertTrue(((String) outcome.get("summary")).contains("no such flow; known flows: ["), outcome.toString());
        }
    }

    private static Map<String, String> toMap(javax.management.openmbean.TabularData table) {
        Map<String, String> out = new HashMap<>();
        for (Object row : table.values()) {
            CompositeData r = (CompositeData) row;
            out.put((String) r.get("key"), (String) r.get("value"));
        }
        return out;
    }
}
