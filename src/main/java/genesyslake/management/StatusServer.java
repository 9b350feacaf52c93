package genesyslake.management;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.ExtendedStartupListener;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;

/**
 * Serves the status page on the management port: {@code /} (HTML), {@code /status.json} (the same model), and the
 * page's script and style under {@code /status/}. Routes are added to the management server's own Vert.x router, as
 * camel-micrometer-prometheus adds {@code /metrics}: a platform-http route would go to the main HTTP server (another
 * port), not this one. GET only, read-only. Like everything on the port, it answers only a Host naming the management
 * host (a web page elsewhere cannot read it through DNS rebinding): {@link ManagementSecurity} checks that for the
 * whole port before any route.
 */
public final class StatusServer implements ExtendedStartupListener {

    private static final Logger LOG = LoggerFactory.getLogger(StatusServer.class);
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new SimpleModule()
            .addSerializer(Instant.class, ToStringSerializer.instance)
            .addSerializer(LocalDate.class, ToStringSerializer.instance));
    /** Scripts and styles from this origin only, no inline script, no framing, nothing sent anywhere else. */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final Map<String, String> ASSETS = Map.of("/status/status.js", "text/javascript; charset=utf-8",
            "/status/status.css", "text/css; charset=utf-8");

    private final StatusPage page;

    private StatusServer(StatusPage page) {
        this.page = page;
    }

    /** Arranges the page for when the context has started; a no-op without a management port. */
    public static void install(CamelContext context, StatusPage page) throws Exception {
        if (context.hasService(ManagementHttpServer.class) != null) {
            context.addStartupListener(new StatusServer(page));
        }
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
    }

    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
        ManagementHttpServer server = context.hasService(ManagementHttpServer.class);
        VertxPlatformHttpRouter router = server == null ? null : server.getRouter();
        if (router == null) {
            LOG.warn("No status page: the management server's router was not found");
            return;
        }
        // Blocking handlers, unordered: building the page reads files and lists the manifests.
        router.route("/").method(HttpMethod.GET).blockingHandler(ctx ->
                send(ctx, "text/html; charset=utf-8", StatusHtml.render(page.build())), false);
        router.route("/status.json").method(HttpMethod.GET).blockingHandler(ctx ->
                send(ctx, "application/json", json(page.build())), false);
        ASSETS.forEach((path, type) -> {
            String body = resource(path.substring(1));
            router.route(path).method(HttpMethod.GET).handler(ctx -> send(ctx, type, body));
        });
        LOG.info("Status page on the management port: http://{}:{}/", server.getHost(), server.getPort());
    }

    private static void send(RoutingContext ctx, String type, String body) {
        HttpServerResponse r = ctx.response();
        r.putHeader(HttpHeaders.CONTENT_TYPE, type)
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .putHeader("Content-Security-Policy", CSP)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "no-referrer")
                .end(body);
    }

    static String json(StatusPage.Status status) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(status);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String resource(String name) {
        try (InputStream in = StatusServer.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
