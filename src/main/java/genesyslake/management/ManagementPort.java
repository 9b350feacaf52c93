package genesyslake.management;

import genesyslake.config.Settings;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.OptionalInt;

/**
 * The management port ({@code camel.management.port}): refused at start-up in one line when it is in use, and the
 * port actually bound once started (with 0, Vert.x picks a free one). Camel's Vert.x server does not fail the start
 * on a port in use: it logs a stack trace from an event-loop thread and the daemon runs on without health, metrics
 * or Jolokia. So the port is tried here first, before anything else listens.
 */
public final class ManagementPort {

    static final String PORT = "camel.management.port";
    static final String HOST = "camel.management.host";

    private ManagementPort() {
    }

    /** @throws Settings.SettingsException naming the port and its setting when it cannot be bound now */
    public static void checkFree(Settings s) {
        if (!s.bool("camel.management.enabled", false)) {
            return;
        }
        int port = s.integer(PORT, 8080);
        if (port == 0) {
            return;
        }
        String host = s.string(HOST, "0.0.0.0");
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true); // as Vert.x binds: a port in TIME_WAIT is free
            probe.bind(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (BindException e) {
            throw new Settings.SettingsException(PORT, "port " + port + " on " + host + " is already in use (another "
                    + "genesys-lake, or another program); set " + PORT + " to a free port, or 0 to take any free one");
        } catch (IOException e) {
            throw new Settings.SettingsException(PORT, "cannot listen on " + host + ":" + port + " (" + e.getMessage()
                    + "); check " + HOST + " and " + PORT);
        }
    }

    /** The port the management server listens on, once started; empty when it is off or not started. */
    public static OptionalInt actual(CamelContext context) {
        ManagementHttpServer server = context.hasService(ManagementHttpServer.class);
        if (server == null || server.getRouter() == null || server.getRouter().getServer() == null) {
            return OptionalInt.empty();
        }
        int port = server.getRouter().getServer().getPort();
        return port > 0 ? OptionalInt.of(port) : OptionalInt.empty();
    }
}
