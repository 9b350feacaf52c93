package genesyslake.management;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.AuthenticationHandler;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.component.platform.http.vertx.auth.AuthenticationConfig;
import org.apache.camel.component.platform.http.vertx.auth.AuthenticationConfig.AuthenticationConfigEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Guards Jolokia on the management port: the Host must be the management host (no DNS rebinding), an Origin (or
 * Referer) naming that same host and port is required (no CSRF), and anything but a GET read/list/search/version needs HTTP Basic
 * credentials ({@code lake.management.user} / {@code lake.management.password}); without them configured, operations
 * are refused. Installed through camel-platform-http's own authentication hook, so it runs before Jolokia's route
 * from the first request on; Jolokia's policy (jolokia-access.xml) then decides which MBeans may be touched.
 */
public final class ManagementSecurity implements AuthenticationHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ManagementSecurity.class);
    /** Jolokia request types that only read; everything else (exec, write, notification, POST bulk) is an operation. */
    private static final Set<String> READS = Set.of("", "read", "list", "search", "version");
    private static final String REALM = "genesys-lake";

    private final Set<String> hosts;
    private final byte[] expected;
    private final String jolokiaPath;

    ManagementSecurity(Set<String> hosts, String user, String password, String jolokiaPath) {
        this.hosts = hosts;
        this.expected = user == null || password == null ? null
                : (user + ":" + password).getBytes(StandardCharsets.UTF_8);
        this.jolokiaPath = jolokiaPath;
    }

    /**
     * Registers the guard on the management server's Jolokia path; a no-op when the management server or Jolokia is
     * off. Call while configuring the context, before the management server starts.
     */
    public static void install(CamelContext context, String user, String password) {
        ManagementHttpServer server = context.hasService(ManagementHttpServer.class);
        if (server == null || !server.isJolokiaEnabled()) {
            return;
        }
        boolean configured = !isBlank(user) && !isBlank(password);
        if (!configured && (!isBlank(user) || !isBlank(password))) {
            LOG.warn("Only one of lake.management.user / lake.management.password is set: Jolokia operations stay refused");
        }
        Set<String> hosts = hosts(server);
        String path = server.getJolokiaPath();
        ManagementSecurity guard = new ManagementSecurity(hosts, configured ? user : null, configured ? password : null, path);
        AuthenticationConfigEntry entry = new AuthenticationConfigEntry();
        entry.setPath(path + "/*");
        entry.setAuthenticationProviderFactory(vertx -> null); // the guard checks the one configured user itself
        entry.setAuthenticationHandlerFactory(new AuthenticationConfig.AuthenticationHandlerFactory() {
            @Override
            public <T extends AuthenticationProvider> AuthenticationHandler createAuthenticationHandler(T provider) {
                return guard;
            }
        });
        AuthenticationConfig auth = server.getConfiguration().getAuthenticationConfig();
        auth.getEntries().add(entry);
        auth.setEnabled(true);
        LOG.info("Jolokia on the management port: reads open to {} only; operations {}", hosts,
                configured ? "need HTTP Basic credentials (lake.management.user)"
                        : "refused until lake.management.user and lake.management.password are set");
    }

    /** The names the management host goes by in a Host header: loopback's, and the bound host when it is one. */
    static Set<String> hosts(ManagementHttpServer server) {
        Set<String> hosts = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        hosts.addAll(Set.of("127.0.0.1", "localhost", "[::1]"));
        String bound = server.getHost();
        if (bound != null && !bound.isBlank() && !bound.equals("0.0.0.0") && !bound.equals("::")) {
            hosts.add(bound.contains(":") && !bound.startsWith("[") ? "[" + bound + "]" : bound);
        }
        return hosts;
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        String host = req.host(); // the Host header, or HTTP/2's :authority
        if (host == null || !hosts.contains(hostName(host))) {
            refuse(ctx, 403, "Host " + host + " is not the management host");
            return;
        }
        String origin = req.getHeader(HttpHeaders.ORIGIN);
        String from = origin != null ? origin : req.getHeader(HttpHeaders.REFERER);
        if (from == null) {
            // Jolokia's strict CORS checking would refuse it too, with a less helpful error.
            refuse(ctx, 403, "Send an Origin header naming the management host: Origin: http://" + host);
            return;
        }
        if (!host.equalsIgnoreCase(authority(from))) {
            refuse(ctx, 403, "Cross-origin request refused: " + (origin != null ? "Origin" : "Referer") + " is not "
                    + "http://" + host);
            return;
        }
        if (isRead(req)) {
            ctx.next();
            return;
        }
        if (expected == null) {
            refuse(ctx, 403, "Jolokia operations are disabled: set lake.management.user and lake.management.password");
            return;
        }
        if (!credentialsMatch(req.getHeader(HttpHeaders.AUTHORIZATION))) {
            ctx.response().putHeader("WWW-Authenticate", "Basic realm=\"" + REALM + "\"");
            refuse(ctx, 401, "Jolokia operations need HTTP Basic credentials (lake.management.user)");
            return;
        }
        ctx.next();
    }

    /** A GET whose Jolokia type (first path segment, or of the p parameter) only reads. POST is always an operation. */
    private boolean isRead(HttpServerRequest req) {
        if (req.method() != HttpMethod.GET) {
            return false;
        }
        String rest = req.getParam("p");
        if (rest == null) {
            String path = req.path();
            rest = path.length() > jolokiaPath.length() ? path.substring(jolokiaPath.length()) : "";
        }
        while (rest.startsWith("/")) {
            rest = rest.substring(1);
        }
        int slash = rest.indexOf('/');
        String type = (slash < 0 ? rest : rest.substring(0, slash)).toLowerCase(Locale.ROOT);
        return READS.contains(type);
    }

    private boolean credentialsMatch(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        byte[] given;
        try {
            given = Base64.getDecoder().decode(authorization.substring(6).trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(expected, given);
    }

    private static void refuse(RoutingContext ctx, int status, String message) {
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end("{\"status\":" + status + ",\"error_type\":\"java.lang.SecurityException\",\"error\":\""
                        + message.replace("\\", "\\\\").replace("\"", "'") + "\"}");
    }

    /** "host:port" → "host"; "[::1]:8091" → "[::1]". */
    static String hostName(String hostHeader) {
        String h = hostHeader.trim();
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? h : h.substring(0, end + 1);
        }
        int colon = h.lastIndexOf(':');
        return colon < 0 ? h : h.substring(0, colon);
    }

    /** The host[:port] of an Origin or Referer URL, or "" when it is not one ("null" origins included). */
    static String authority(String url) {
        try {
            String a = URI.create(url.trim()).getRawAuthority();
            return a == null ? "" : a;
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
