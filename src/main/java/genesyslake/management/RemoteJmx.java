package genesyslake.management;

import genesyslake.config.Settings;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.management.remote.JMXAuthenticator;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXPrincipal;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.rmi.RMIConnectorServer;
import javax.management.remote.rmi.RMIJRMPServerImpl;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocketFactory;
import javax.rmi.ssl.SslRMIClientSocketFactory;
import javax.security.auth.Subject;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.rmi.NoSuchObjectException;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.RMIClientSocketFactory;
import java.rmi.server.RMIServerSocketFactory;
import java.rmi.server.UnicastRemoteObject;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * Remote JMX (jconsole, jmxterm, VisualVM) on {@code lake.jmx.port}: the JDK's own RMI connector server
 * ({@code javax.management.remote}) over the platform MBean server, started by the daemon itself, so no
 * {@code -Dcom.sun.management.jmxremote.*} agent flags are needed. The RMI registry and the connector share the one
 * port (one firewall rule), bound to {@code lake.jmx.host}. Every connection must log in as the operator (the
 * Jolokia operator's {@code lake.management.user} and password); {@code lake.jmx.ssl} puts both the registry and the
 * connector behind TLS with the key store {@code lake.jmx.key-store}.
 */
public final class RemoteJmx extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteJmx.class);
    public static final String PORT = "lake.jmx.port";
    public static final String HOST = "lake.jmx.host";
    public static final String SSL = "lake.jmx.ssl";
    public static final String KEY_STORE = "lake.jmx.key-store";
    public static final String KEY_STORE_PASSWORD_FILE = "lake.jmx.key-store-password-file";

    private final String host;
    private final int port;
    private final String user;
    private final byte[] password;
    private final SSLContext tls;
    private Registry registry;
    private JMXConnectorServer server;
    private JMXServiceURL address;

    RemoteJmx(String host, int port, String user, String password, SSLContext tls) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password.getBytes(StandardCharsets.UTF_8);
        this.tls = tls;
    }

    /**
     * The remote JMX service when {@value #PORT} is set (blank: off), else null.
     *
     * @throws Settings.SettingsException naming the setting when the port is set without operator credentials, or the
     *         key store cannot be read
     */
    public static RemoteJmx fromSettings(Settings s, String user, String password) {
        String port = s.string(PORT, "").trim();
        if (port.isEmpty()) {
            return null;
        }
        if (user == null || user.isBlank() || password == null || password.isBlank()) {
            throw new Settings.SettingsException(PORT, "remote JMX needs a login: set lake.management.user and "
                    + "lake.management.password (or lake.management.password-file), the operator's credentials");
        }
        SSLContext tls = s.bool(SSL, false) ? tls(s) : null;
        return new RemoteJmx(s.string(HOST, "127.0.0.1"), s.integer(PORT, 0), user, password, tls);
    }

    private static SSLContext tls(Settings s) {
        String store = s.string(KEY_STORE, "").trim();
        if (store.isEmpty()) {
            throw new Settings.SettingsException(KEY_STORE, "lake.jmx.ssl=true needs a key store (PKCS12) holding the "
                    + "server's key and certificate");
        }
        char[] storePassword = ManagementSecurity.readSecret(s, KEY_STORE_PASSWORD_FILE).toCharArray();
        try (InputStream in = Files.newInputStream(Path.of(store))) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(in, storePassword);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, storePassword);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (Exception e) {
            throw new Settings.SettingsException(KEY_STORE, "cannot read the key store " + store + ": " + e.getMessage());
        }
    }

    /** The address a JMX client connects to (after start). */
    public JMXServiceURL address() {
        return address;
    }

    @Override
    protected void doStart() throws Exception {
        InetAddress bind = InetAddress.getByName(host);
        ServerSockets sockets = new ServerSockets(bind, tls == null ? null : tls.getServerSocketFactory());
        RMIClientSocketFactory clientSockets = tls == null ? null : new SslRMIClientSocketFactory();
        // The stubs handed out name this host; without it RMI picks one of the machine's addresses.
        String advertised = bind.isAnyLocalAddress() ? InetAddress.getLocalHost().getHostName() : host;
        if (System.getProperty("java.rmi.server.hostname") == null) {
            System.setProperty("java.rmi.server.hostname", advertised);
        }
        int bound = port == 0 ? freePort(bind) : port;
        registry = LocateRegistry.createRegistry(bound, clientSockets, sockets);
        String hostPart = advertised.contains(":") ? "[" + advertised + "]" : advertised;
        Map<String, Object> env = new HashMap<>();
        env.put(JMXConnectorServer.AUTHENTICATOR, (JMXAuthenticator) this::authenticate);
        // Only the types JMX itself sends: no deserialization of arbitrary classes from an unauthenticated caller.
        env.put(RMIConnectorServer.CREDENTIALS_FILTER_PATTERN, "java.lang.String;!*");
        // The connector exported on the same port and put into our own registry by a local call: binding it through a
        // jndi/rmi URL would make this JVM connect to its own registry over TLS and refuse a certificate that only the
        // operators' clients trust (a self-signed or private-CA one), so the daemon would not start.
        RMIJRMPServerImpl connector = new RMIJRMPServerImpl(bound, clientSockets, sockets, env);
        server = new RMIConnectorServer(new JMXServiceURL("service:jmx:rmi://" + hostPart + ":" + bound), env, connector,
                ManagementFactory.getPlatformMBeanServer());
        server.start();
        registry.bind("jmxrmi", connector.toStub());
        address = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://" + hostPart + ":" + bound + "/jmxrmi");
        LOG.info("Remote JMX on {}:{} ({}; login as lake.management.user): {}", host, bound,
                tls == null ? "plain RMI, keep it on a trusted network" : "TLS", address);
    }

    private Subject authenticate(Object credentials) {
        if (credentials instanceof String[] pair && pair.length == 2 && pair[0] != null && pair[1] != null
                && MessageDigest.isEqual(user.getBytes(StandardCharsets.UTF_8), pair[0].getBytes(StandardCharsets.UTF_8))
                & MessageDigest.isEqual(password, pair[1].getBytes(StandardCharsets.UTF_8))) {
            return new Subject(true, Collections.singleton(new JMXPrincipal(pair[0])), Collections.emptySet(),
                    Collections.emptySet());
        }
        throw new SecurityException("JMX login refused: wrong user or password (lake.management.user)");
    }

    @Override
    protected void doStop() throws Exception {
        if (server != null) {
            server.stop();
            server = null;
        }
        if (registry != null) {
            try {
                UnicastRemoteObject.unexportObject(registry, true);
            } catch (NoSuchObjectException e) {
                // already gone
            }
            registry = null;
        }
    }

    private static int freePort(InetAddress bind) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, bind)) {
            return s.getLocalPort();
        }
    }

    /**
     * Server sockets on the configured address, plain or TLS; one instance for the registry and the connector, and
     * equal to itself, so RMI serves both on the one port.
     */
    private record ServerSockets(InetAddress bind, SSLServerSocketFactory tls) implements RMIServerSocketFactory {
        @Override
        public ServerSocket createServerSocket(int port) throws IOException {
            return tls == null ? new ServerSocket(port, 50, bind) : tls.createServerSocket(port, 50, bind);
        }
    }
}
