package genesyslake.management;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import genesyslake.config.Settings;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.AuthenticationHandler;
import org.apache.camel.CamelContext;
import org.apache.camel.ExtendedStartupListener;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.component.platform.http.plugin.JolokiaPlatformHttpPlugin;
import org.apache.camel.component.platform.http.vertx.auth.AuthenticationConfig;
import org.apache.camel.component.platform.http.vertx.auth.AuthenticationConfig.AuthenticationConfigEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The management port's guard. Every request (status page, health, metrics, Jolokia) must name the management host in
 * its Host header (no DNS rebinding): loopback's names, the bound host, and {@code lake.management.allowed-hosts}.
 * Installed through camel-platform-http's own authentication hook on {@code /*}, so it runs before every route of the
 * port from the first request on. Jolokia's handler ({@link GuardedJolokia}) asks {@link #jolokiaCaller} in addition:
 * an Origin (or Referer) of this very origin (scheme, host and port; no CSRF) and, when HTTP Basic credentials are
 * sent, the configured ones ({@code lake.management.user} / {@code lake.management.password}). Whether the request
 * may run an operation is not decided here: the caller picks which Jolokia agent executes it, and only the
 * operator's agent can exec.
 */
public final class ManagementSecurity implements AuthenticationHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ManagementSecurity.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String ALLOWED_HOSTS = "lake.management.allowed-hosts";
    public static final String PASSWORD_FILE = "lake.management.password-file";
    private static final String REALM = "genesys-lake";
    /** A reg-name or IPv4 address as a Host header carries it; stricter than RFC 3986 (no %-escapes, no sub-delims). */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,253}");
    private static final Pattern IPV6 = Pattern.compile("\\[[0-9A-Fa-f:.]{2,45}]");
    private static final Pattern PORT = Pattern.compile(":[0-9]{1,5}");
    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]{0,15}");

    /** Who sends a Jolokia request: anyone on the management host, or the operator (valid HTTP Basic credentials). */
    enum Caller { ANONYMOUS, OPERATOR }

    private final Set<String> hosts;
    private final byte[] expected;

    ManagementSecurity(Set<String> hosts, String user, String password) {
        Set<String> names = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        names.addAll(hosts);
        this.hosts = names;
        this.expected = user == null || password == null ? null
                : (user + ":" + password).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Registers the Host guard on the whole management port and, with Jolokia on, {@link GuardedJolokia} as the
     * Jolokia plugin; a no-op without a management server. Call while configuring the context, before it starts.
     *
     * @throws Settings.SettingsException naming {@value #ALLOWED_HOSTS} when an entry is not a host name or address
     */
    public static void install(CamelContext context, String user, String password, String allowedHosts)
            throws Exception {
        ManagementHttpServer server = context.hasService(ManagementHttpServer.class);
        if (server == null) {
            return;
        }
        boolean configured = !isBlank(user) && !isBlank(password);
        if (!configured && (!isBlank(user) || !isBlank(password))) {
            LOG.warn("Only one of lake.management.user / lake.management.password is set: Jolokia operations stay refused");
        }
        Set<String> hosts = hosts(server);
        hosts.addAll(allowedHosts(allowedHosts));
        ManagementSecurity guard = new ManagementSecurity(hosts, configured ? user : null, configured ? password : null);
        AuthenticationConfigEntry entry = new AuthenticationConfigEntry();
        entry.setPath("/*");
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
        context.addStartupListener(new ExtendedStartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext c, boolean alreadyStarted) {
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext c, boolean alreadyStarted) {
                if (server.getRouter() != null) {
                    server.getRouter().route("/*").failureHandler(guard::malformedHost);
                }
            }
        });
        if (server.isJolokiaEnabled()) {
            // Found by ManagementHttpServer under Jolokia's plugin id before it looks for Camel's own.
            context.getRegistry().bind(JolokiaPlatformHttpPlugin.NAME, new GuardedJolokia(guard));
        }
        LOG.info("Management port answers Host {} only; Jolokia reads open there, operations {}", guard.hosts,
                configured ? "need HTTP Basic credentials (lake.management.user)"
                        : "refused until lake.management.user and lake.management.password are set");
    }

    /**
     * The operator's password: the file {@value #PASSWORD_FILE} names when set (a Kubernetes Secret mounted as a file,
     * a systemd credential), else {@code lake.management.password} (or its environment variable).
     */
    public static String operatorPassword(Settings s) {
        return s.string(PASSWORD_FILE, "").isBlank() ? s.string("lake.management.password", "") : readSecret(s, PASSWORD_FILE);
    }

    /**
     * The secret in the file the setting names ("" while the setting is blank), without the line end an editor or
     * {@code echo} leaves; the secret itself is never in the message.
     *
     * @throws Settings.SettingsException naming the setting when the file cannot be read or is empty
     */
    static String readSecret(Settings s, String key) {
        String file = s.string(key, "").trim();
        if (file.isEmpty()) {
            return "";
        }
        String secret;
        try {
            secret = java.nio.file.Files.readString(java.nio.file.Path.of(file), StandardCharsets.UTF_8);
        } catch (java.io.IOException | RuntimeException e) {
            throw new Settings.SettingsException(key, "cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        }
        secret = secret.endsWith("\r\n") ? secret.substring(0, secret.length() - 2)
                : secret.endsWith("\n") ? secret.substring(0, secret.length() - 1) : secret;
        if (secret.isEmpty()) {
            throw new Settings.SettingsException(key, file + " is empty");
        }
        return secret;
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

    /** {@value #ALLOWED_HOSTS}: comma-separated host names or addresses, without port or scheme. */
    static Set<String> allowedHosts(String setting) {
        Set<String> names = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        if (setting == null) {
            return names;
        }
        for (String raw : setting.split(",")) {
            String name = raw.trim();
            if (name.isEmpty()) {
                continue;
            }
            boolean ipv6 = name.indexOf(':') != name.lastIndexOf(':');
            String bracketed = ipv6 && !name.startsWith("[") ? "[" + name + "]" : name;
            HostPort parsed = HostPort.parse(bracketed);
            if (parsed == null || parsed.port() != -1) {
                throw new Settings.SettingsException(ALLOWED_HOSTS, "'" + shorten(name) + "' is not a host name or IP "
                        + "address (no scheme, no port); e.g. " + ALLOWED_HOSTS + "=10.1.2.3,lake.internal");
            }
            names.add(parsed.host());
        }
        return names;
    }

    /** The port-wide check: a Host naming the management host, else 403. */
    @Override
    public void handle(RoutingContext ctx) {
        String refusal = hostRefusal(ctx.request());
        if (refusal != null) {
            refuse(ctx, 403, refusal);
            return;
        }
        ctx.next();
    }

    /**
     * Vert.x refuses a request whose Host is not a valid host[:port] (RFC 9112: 400) before any route runs, with a
     * bare "Bad Request"; this failure handler gives that refusal the same JSON body as the others, naming the reason.
     */
    void malformedHost(RoutingContext ctx) {
        String refusal = ctx.statusCode() == 400 && !ctx.response().headWritten() ? hostRefusal(ctx.request()) : null;
        if (refusal == null) {
            ctx.next();
            return;
        }
        refuse(ctx, 400, refusal);
    }

    /** Why the Host header is refused, or null when it names the management host. */
    String hostRefusal(HttpServerRequest req) {
        List<String> all = req.headers().getAll(HttpHeaders.HOST);
        if (all.size() > 1) {
            return "more than one Host header";
        }
        String host = hostHeader(req);
        if (host == null) {
            return "no Host header: send Host naming the management host, e.g. Host: 127.0.0.1";
        }
        HostPort hp = HostPort.parse(host);
        if (hp == null) {
            return "Host '" + shorten(host) + "' is not host[:port]";
        }
        if (!hosts.contains(hp.host())) {
            // The configured names are not listed: they are not the sender's business.
            return "Host " + shorten(hp.host()) + " is not the management host (127.0.0.1, localhost, or a name in "
                    + ALLOWED_HOSTS + ")";
        }
        return null;
    }

    /**
     * Who sends this Jolokia request: checks the Host again, then Origin/Referer (this origin only) and credentials.
     * Answers the refusal itself (403, or 401 for wrong credentials) and returns null when refused.
     */
    Caller jolokiaCaller(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        String refusal = hostRefusal(req);
        if (refusal == null) {
            refusal = originRefusal(req);
        }
        if (refusal != null) {
            refuse(ctx, 403, refusal);
            return null;
        }
        List<String> authorization = req.headers().getAll(HttpHeaders.AUTHORIZATION);
        if (authorization.isEmpty() || expected == null) {
            // Without configured credentials, none can be right: the request is anyone's (and so cannot exec).
            return Caller.ANONYMOUS;
        }
        if (authorization.size() == 1 && credentialsMatch(authorization.get(0))) {
            return Caller.OPERATOR;
        }
        challenge(ctx);
        refuse(ctx, 401, "wrong credentials: Jolokia needs HTTP Basic with lake.management.user and its password");
        return null;
    }

    /** Whether operations can be authorised at all (both lake.management.user and password set). */
    boolean operationsConfigured() {
        return expected != null;
    }

    /** Why the Origin (or, without one, the Referer) is not this origin, or null when it is. */
    private String originRefusal(HttpServerRequest req) {
        List<String> origins = req.headers().getAll(HttpHeaders.ORIGIN);
        boolean referer = origins.isEmpty();
        List<String> from = referer ? req.headers().getAll(HttpHeaders.REFERER) : origins;
        HostPort host = HostPort.parse(hostHeader(req));
        String scheme = req.isSSL() ? "https" : "http";
        String self = scheme + "://" + hostHeader(req);
        if (from.isEmpty()) {
            // Jolokia's strict CORS checking would refuse it too, with a less helpful error.
            return "send an Origin header naming the management host: Origin: " + self;
        }
        if (from.size() > 1) {
            return "more than one " + (referer ? "Referer" : "Origin") + " header";
        }
        Origin origin = Origin.parse(from.get(0), referer);
        if (origin == null || !origin.scheme().equals(scheme) || !origin.host().equalsIgnoreCase(host.host())
                || origin.port() != host.portOr(defaultPort(scheme))) {
            return "cross-origin request refused: " + (referer ? "Referer" : "Origin") + " '" + shorten(from.get(0))
                    + "' is not " + self;
        }
        return null;
    }

    /** The Host header as sent (Vert.x's host() is null when it is not valid), or HTTP/2's :authority. */
    private static String hostHeader(HttpServerRequest req) {
        String host = req.getHeader(HttpHeaders.HOST);
        if (host == null && req.version() == HttpVersion.HTTP_2 && req.authority() != null) {
            host = req.authority().toString();
        }
        return host;
    }

    private boolean credentialsMatch(String authorization) {
        if (!authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
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

    static void challenge(RoutingContext ctx) {
        ctx.response().putHeader("WWW-Authenticate", "Basic realm=\"" + REALM + "\"");
    }

    /** Ends the request with this status and a JSON body naming the reason, in Jolokia's error shape. */
    static void refuse(RoutingContext ctx, int status, String reason) {
        ObjectNode body = JSON.createObjectNode().put("status", status)
                .put("error_type", "java.lang.SecurityException").put("error", reason);
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end(body.toString());
    }

    static int defaultPort(String scheme) {
        return switch (scheme) {
            case "http" -> 80;
            case "https" -> 443;
            default -> -1;
        };
    }

    /** Header values echoed in a refusal are cut short: they are the sender's, and may be long. */
    private static String shorten(String s) {
        return s.length() <= 100 ? s : s.substring(0, 100) + "…";
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    /** A Host header's (or URL authority's) host and port; port -1 when absent. Host: lower case, IPv6 bracketed. */
    record HostPort(String host, int port) {

        int portOr(int defaultPort) {
            return port == -1 ? defaultPort : port;
        }

        /** host[:port], or null when it is anything else (userinfo, a bad port, stray characters, empty). */
        static HostPort parse(String value) {
            if (value == null || value.isEmpty()) {
                return null;
            }
            int end;
            if (value.startsWith("[")) {
                end = value.indexOf(']') + 1;
                if (end == 0) {
                    return null;
                }
            } else {
                int colon = value.indexOf(':');
                end = colon < 0 ? value.length() : colon;
            }
            String host = value.substring(0, end);
            String rest = value.substring(end);
            boolean valid = host.startsWith("[")
                    ? IPV6.matcher(host).matches() && host.indexOf(':') != host.lastIndexOf(':')
                    : NAME.matcher(host).matches();
            if (!valid) {
                return null;
            }
            int port = -1;
            if (!rest.isEmpty()) {
                if (!PORT.matcher(rest).matches()) {
                    return null;
                }
                port = Integer.parseInt(rest.substring(1));
                if (port < 1 || port > 65535) {
                    return null;
                }
            }
            return new HostPort(host.toLowerCase(Locale.ROOT), port);
        }
    }

    /** An Origin (scheme://host[:port]) or a Referer URL's origin; port made explicit (80/443 by default). */
    record Origin(String scheme, String host, int port) {

        /** The origin of the header value, or null when it is not one ("null", userinfo, not a URL, a bad port). */
        static Origin parse(String value, boolean referer) {
            int sep = value.indexOf("://");
            if (sep <= 0 || !SCHEME.matcher(value.substring(0, sep)).matches()) {
                return null;
            }
            String scheme = value.substring(0, sep).toLowerCase(Locale.ROOT);
            String rest = value.substring(sep + 3);
            int end = rest.length();
            for (char c : new char[] {'/', '?', '#', '\\'}) {
                int i = rest.indexOf(c);
                if (i >= 0) {
                    end = Math.min(end, i);
                }
            }
            if (end < rest.length() && (!referer || rest.charAt(end) == '\\')) {
                return null; // an Origin is scheme://host[:port], nothing after it
            }
            String authority = rest.substring(0, end);
            HostPort hp = authority.contains("@") ? null : HostPort.parse(authority);
            return hp == null ? null : new Origin(scheme, hp.host(), hp.portOr(defaultPort(scheme)));
        }
    }
}
