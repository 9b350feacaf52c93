package genesyslake.management;

import org.apache.camel.support.service.ServiceSupport;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;

/**
 * Registers the Flows MBean on the platform MBean server (where jconsole, remote JMX connectors and Jolokia look)
 * while the Camel context runs, with the parameter names and descriptions its interface declares ({@link Describe}).
 */
public final class JmxRegistration extends ServiceSupport {

    private final Object mbean;
    private final ObjectName name;

    /** An MXBean: registered with the names and descriptions {@link DescribedMBean} reads from its interface. */
    public JmxRegistration(FlowsMXBean mbean, String objectName) throws Exception {
        this((Object) new DescribedMBean<>(mbean, FlowsMXBean.class), objectName);
    }

    public JmxRegistration(Object mbean, String objectName) throws Exception {
        this.mbean = mbean;
        this.name = new ObjectName(objectName);
    }

    @Override
    protected void doStart() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        if (server.isRegistered(name)) {
            server.unregisterMBean(name); // a previous context in the same JVM (tests, reload)
        }
        server.registerMBean(mbean, name);
    }

    @Override
    protected void doStop() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        if (server.isRegistered(name)) {
            server.unregisterMBean(name);
        }
    }
}
