import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import javax.rmi.ssl.SslRMIClientSocketFactory;
import java.util.HashMap;
import java.util.Map;

/**
 * A remote JMX client as an operator runs one (jconsole, jmxterm): its own JVM, the server's certificate trusted through
 * -Djavax.net.ssl.trustStore. Args: URL tls|plain USER PASSWORD|- FLOW. Prints "ok success=… records=…" or
 * "refused <exception class>: <message>".
 */
public class JmxClient {
    public static void main(String[] args) {
        Map<String, Object> env = new HashMap<>();
        if (args[1].equals("tls")) {
            // The registry lookup over TLS too (the connector's own stub already carries the TLS socket factory).
            env.put("com.sun.jndi.rmi.factory.socket", new SslRMIClientSocketFactory());
        }
        if (!args[3].equals("-")) {
            env.put(JMXConnector.CREDENTIALS, new String[] {args[2], args[3]});
        }
        try (JMXConnector client = JMXConnectorFactory.connect(new JMXServiceURL(args[0]), env)) {
            MBeanServerConnection jmx = client.getMBeanServerConnection();
            CompositeData outcome = (CompositeData) jmx.invoke(ObjectName.getInstance("genesyslake:type=Flows"),
                    "runFlow", new Object[] {args[4]}, new String[] {String.class.getName()});
            System.out.println("ok success=" + outcome.get("success") + " records=" + outcome.get("records"));
        } catch (Exception e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            String line = "refused " + e.getClass().getName() + ": " + e.getMessage() + " / root "
                    + root.getClass().getName() + ": " + root.getMessage();
            System.out.println(line.replaceAll("\\s+", " "));
        }
    }
}
