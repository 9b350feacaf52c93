package genesyslake.ops;

import genesyslake.management.FlowRunStatus;
import genesyslake.management.FlowsMXBean;
import genesyslake.management.JmxRegistration;
import genesyslake.testsupport.UnitTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;

import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanParameterInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures the Flows MBean, as JmxRegistration registers it, tells a JMX client (jconsole, Jolokia's list) what each
 * operation does and what its parameters are called and mean, instead of p0, p1 and descriptions equal to names,
 * and that it still works as an MXBean (open types) through the MBean server.
 */
@UnitTest
class FlowsMBeanInfoTest {

    private static final String NAME = "genesyslake:type=Flows,test=FlowsMBeanInfoTest";
    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final FlowsMXBean flows = Mockito.mock(FlowsMXBean.class);
    private JmxRegistration registration;

    @BeforeEach
    void register() throws Exception {
        registration = new JmxRegistration(flows, NAME);
        registration.start();
    }

    @AfterEach
    void unregister() {
        registration.stop();
    }

    @Test
    void operationsHaveNamedDescribedParameters() throws Exception {
        MBeanInfo info = server.getMBeanInfo(new ObjectName(NAME));
        assertNotEquals(FlowsMXBean.class.getName(), info.getDescription(), "the MBean itself is described");

        MBeanOperationInfo usageFor = operation(info, "runUsageExportFor");
        assertEquals(List.of("interval", "granularity"), names(usageFor));
        assertDescribed(usageFor);
        assertTrue(usageFor.getSignature()[0].getDescription().contains("ISO-8601"), usageFor.getSignature()[0].toString());

        assertEquals(List.of("flow", "from", "to"), names(operation(info, "backfill")));
        assertEquals(List.of("flow", "from", "to"), names(operation(info, "startBackfill")));
        assertEquals(List.of("flow", "interval"), names(operation(info, "startFlowFor")));
        assertEquals(List.of("runId"), names(operation(info, "runStatus")));
        // The confirmed backfills and cancelRun: own names (Jolokia needs a signature to call an overloaded operation).
        assertEquals(List.of("flow", "from", "to", "confirm"), names(operation(info, "startBackfillConfirmed")));
        assertEquals(List.of("flow", "from", "to", "confirm"), names(operation(info, "backfillConfirmed")));
        assertEquals("boolean", operation(info, "startBackfillConfirmed").getSignature()[3].getType());
        assertTrue(operation(info, "startBackfillConfirmed").getSignature()[3].getDescription()
                .contains("lake.backfill.confirm-days"));
        assertEquals(List.of("runId"), names(operation(info, "cancelRun")));
        assertEquals(1, Arrays.stream(info.getOperations()).filter(o -> o.getName().equals("startBackfill")).count(),
                "startBackfill is not overloaded, so Jolokia calls it by name");
        for (MBeanOperationInfo op : info.getOperations()) {
            assertDescribed(op);
        }
        assertFalse(Arrays.stream(info.getAttributes()).anyMatch(a -> a.getDescription().equals(a.getName())),
                "attributes are described");
    }

    @Test
    void itIsStillAnMxBeanOperationsAnswerOpenData() throws Exception {
        Mockito.when(flows.runStatus("abc")).thenReturn(new FlowRunStatus("abc", "usage-export", "startFlow(usage-export)",
                FlowRunStatus.RUNNING, 12, 3, 14, "2026-11-28T00:00:00Z", 1500, "", 5, 40));
        Object answer = server.invoke(new ObjectName(NAME), "runStatus", new Object[] {"abc"},
                new String[] {String.class.getName()});
        CompositeData status = (CompositeData) answer;
        assertEquals("running", status.get("state"));
        assertEquals(12L, status.get("records"));
        assertEquals(5, status.get("jobsInFlight"));
        assertEquals(40L, status.get("etaSeconds"));
    }

    private static MBeanOperationInfo operation(MBeanInfo info, String name) {
        return Arrays.stream(info.getOperations()).filter(o -> o.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no operation " + name));
    }

    private static List<String> names(MBeanOperationInfo op) {
        return Arrays.stream(op.getSignature()).map(MBeanParameterInfo::getName).toList();
    }

    private static void assertDescribed(MBeanOperationInfo op) {
        assertNotEquals(op.getName(), op.getDescription(), op.getName() + " is described");
        for (MBeanParameterInfo p : op.getSignature()) {
            assertFalse(p.getName().matches("p\\d+"), op.getName() + " names its parameters: " + p);
            assertNotEquals(p.getName(), p.getDescription(), op.getName() + "(" + p.getName() + ") is described");
            assertFalse(p.getDescription().isBlank(), op.getName() + "(" + p.getName() + ") is described");
        }
    }
}
