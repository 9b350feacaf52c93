package genesyslake.management;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.apache.camel.CamelContext;
import org.apache.camel.ExtendedStartupListener;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.component.platform.http.plugin.JolokiaPlatformHttpPlugin;
import org.apache.camel.component.platform.http.spi.PlatformHttpPluginRegistry;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Serves Jolokia on the management port on Vert.x worker threads <em>in parallel</em>. camel-platform-http-main 4.18
 * mounts Jolokia with {@code new BlockingHandlerDecorator(handler, true)}: ordered, so every request of the server's
 * context (health, /metrics, other Jolokia calls) waits in one queue behind a JMX operation that runs a flow; a 24 s
 * trigger made health answer in 22 s and 50 triggers ran one after another. This replaces that route, once the server
 * has started, with the same handler ({@link GuardedJolokia}'s, which checks Origin and credentials itself) run
 * unordered ({@code blockingHandler(handler, false)}), and a POST body capped at {@value #MAX_BODY} bytes (Camel's
 * has no cap; above it Vert.x answers 413). The port-wide Host check ({@link ManagementSecurity}) is a separate,
 * earlier route and still runs first.
 */
public final class JolokiaOffTheQueue implements ExtendedStartupListener {

    private static final Logger LOG = LoggerFactory.getLogger(JolokiaOffTheQueue.class);
    /** A bulk request of a few thousand reads fits; the project's own calls are a few hundred bytes. */
    static final long MAX_BODY = 1024 * 1024;

    private JolokiaOffTheQueue() {
    }

    /** Arranges the replacement for when the context has started; a no-op without a management port or Jolokia. */
    public static void install(CamelContext context) throws Exception {
        ManagementHttpServer server = context.hasService(ManagementHttpServer.class);
        if (server != null && server.isJolokiaEnabled()) {
            context.addStartupListener(new JolokiaOffTheQueue());
        }
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
    }

    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
        ManagementHttpServer server = context.hasService(ManagementHttpServer.class);
        if (server == null || !server.isJolokiaEnabled()) {
            return;
        }
        VertxPlatformHttpRouter router = server.getRouter();
        PlatformHttpPluginRegistry plugins = context.getCamelContextExtension().getContextPlugin(PlatformHttpPluginRegistry.class);
        JolokiaPlatformHttpPlugin jolokia = plugins == null ? null
                : plugins.resolvePluginById(JolokiaPlatformHttpPlugin.NAME, JolokiaPlatformHttpPlugin.class).orElse(null);
        if (router == null || jolokia == null) {
            LOG.warn("Jolokia stays on Vert.x's ordered worker queue: its router or plugin was not found");
            return;
        }
        String path = server.getJolokiaPath() + "/";
        // Camel's own Jolokia route: its path, with methods (the authentication route on the same path has none).
        List<Route> theirs = router.getRoutes().stream()
                .filter(r -> path.equals(r.getPath()) && r.methods() != null && r.methods().contains(HttpMethod.POST))
                .toList();
        if (theirs.size() != 1) {
            LOG.warn("Jolokia stays on Vert.x's ordered worker queue: found {} Jolokia routes on {}", theirs.size(), path);
            return;
        }
        @SuppressWarnings("unchecked")
        Handler<RoutingContext> handler = (Handler<RoutingContext>) jolokia.getHandler();
        router.route(path + "*").method(HttpMethod.GET).method(HttpMethod.POST)
                .handler(BodyHandler.create(false).setBodyLimit(MAX_BODY))
                .blockingHandler(handler, false);
        theirs.get(0).remove();
        LOG.info("Jolokia on {} runs on worker threads in parallel: a long operation holds up no other request", path);
    }
}
