package genesyslake.management;

import io.netty.buffer.ByteBufInputStream;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.impl.Utils;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.plugin.JolokiaPlatformHttpPlugin;
import org.apache.camel.support.service.ServiceSupport;
import org.jolokia.core.api.LogHandler;
import org.jolokia.json.JSONArray;
import org.jolokia.json.JSONObject;
import org.jolokia.json.JSONStructure;
import org.jolokia.server.core.config.ConfigKey;
import org.jolokia.server.core.config.StaticConfiguration;
import org.jolokia.server.core.http.HttpRequestHandler;
import org.jolokia.server.core.request.BadRequestException;
import org.jolokia.server.core.request.EmptyResponseException;
import org.jolokia.server.core.request.JolokiaRequest;
import org.jolokia.server.core.restrictor.RestrictorFactory;
import org.jolokia.server.core.service.JolokiaServiceManagerFactory;
import org.jolokia.server.core.service.api.AbstractJolokiaService;
import org.jolokia.server.core.service.api.JolokiaServiceManager;
import org.jolokia.server.core.service.api.Restrictor;
import org.jolokia.server.core.service.request.RequestHandler;
import org.jolokia.server.core.util.RequestType;
import org.jolokia.service.jmx.LocalRequestHandler;
import org.jolokia.service.serializer.JolokiaSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.management.ObjectName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Jolokia on the management port, as two agents over the same MBeans and the same policy (jolokia-access.xml): the
 * operator's, used only for a request carrying the configured HTTP Basic credentials, and anyone's, used for every
 * other request, which cannot exec or write at all. So whether a request may run an operation is decided by the agent
 * that parses and executes it, on the request it parsed (after its own path decoding, {@code p} parameter, POST body
 * and bulk lists), never by a second reading of the URL: no difference between two parsers can reopen it. Within each
 * agent the refusal is made twice: a request handler placed before Jolokia's own refuses every request type but the
 * allowed ones (type as Jolokia parsed it; {@code notification} and {@code config} for no one), and the restrictor
 * refuses exec and write on anyone's agent whatever the MBean. Replaces camel-platform-http-jolokia's plugin, which
 * builds one agent with no such hook and answers 500 for refusals it wraps in reflection.
 */
final class GuardedJolokia extends ServiceSupport implements JolokiaPlatformHttpPlugin {

    private static final Logger LOG = LoggerFactory.getLogger(GuardedJolokia.class);
    private static final String POLICY = "classpath:/jolokia-access.xml";
    /** What anyone on the management host may ask; anything else Jolokia parses a request into is an operation. */
    static final Set<RequestType> READS = EnumSet.of(RequestType.READ, RequestType.LIST, RequestType.SEARCH,
            RequestType.VERSION);
    static final Set<RequestType> OPERATOR = EnumSet.of(RequestType.READ, RequestType.LIST, RequestType.SEARCH,
            RequestType.VERSION, RequestType.EXEC, RequestType.WRITE);
    static final String NEEDS_CREDENTIALS = "Jolokia operations (exec, write) need HTTP Basic credentials "
            + "(lake.management.user)";
    static final String DISABLED = "Jolokia operations (exec, write) are disabled: set lake.management.user and "
            + "lake.management.password";

    private final ManagementSecurity security;
    private CamelContext camelContext;
    private JolokiaServiceManager anyoneManager;
    private JolokiaServiceManager operatorManager;
    private HttpRequestHandler anyone;
    private HttpRequestHandler operator;
    private Handler<RoutingContext> handler;

    GuardedJolokia(ManagementSecurity security) {
        this.security = security;
    }

    @Override
    protected void doStart() throws Exception {
        Restrictor policy = RestrictorFactory.lookupPolicyRestrictor(POLICY);
        if (policy == null) {
            // Jolokia (and Camel's plugin) would then allow every MBean: refuse to serve it instead.
            throw new IllegalStateException("jolokia-access.xml is missing from the classpath: Jolokia is not served");
        }
        String refusal = security.operationsConfigured() ? NEEDS_CREDENTIALS : DISABLED;
        anyoneManager = manager("anyone", new ReadOnly(policy), new Gatekeeper(READS, refusal));
        operatorManager = manager("operator", policy, new Gatekeeper(OPERATOR, null));
        anyone = new HttpRequestHandler(anyoneManager.start());
        operator = new HttpRequestHandler(operatorManager.start());
        handler = this::handle;
    }

    @Override
    protected void doStop() {
        for (JolokiaServiceManager m : new JolokiaServiceManager[] {anyoneManager, operatorManager}) {
            if (m != null) {
                m.stop();
            }
        }
    }

    private JolokiaServiceManager manager(String who, Restrictor restrictor, Gatekeeper gatekeeper) {
        StaticConfiguration config = new StaticConfiguration(ConfigKey.AGENT_ID, "genesys-lake-" + who + "-"
                + Integer.toHexString(System.identityHashCode(this)),
                // No stack traces or serialised exceptions in answers, whatever the request asks.
                ConfigKey.ALLOW_ERROR_DETAILS, "false");
        JolokiaServiceManager m = JolokiaServiceManagerFactory.createJolokiaServiceManager(config, new Log(), restrictor);
        m.addService(new JolokiaSerializer());
        m.addService(new LocalRequestHandler(1));
        m.addService(gatekeeper);
        return m;
    }

    /** One Jolokia request: the caller picks the agent; Jolokia's answer, with HTTP 401/403 when it was refused. */
    private void handle(RoutingContext ctx) {
        ManagementSecurity.Caller caller = security.jolokiaCaller(ctx);
        if (caller == null) {
            return; // refused, answered
        }
        HttpRequestHandler jolokia = caller == ManagementSecurity.Caller.OPERATOR ? operator : anyone;
        HttpServerRequest req = ctx.request();
        JSONStructure json;
        try {
            String from = req.getHeader(HttpHeaders.ORIGIN) != null ? req.getHeader(HttpHeaders.ORIGIN)
                    : req.getHeader(HttpHeaders.REFERER);
            String address = req.remoteAddress() == null ? "" : req.remoteAddress().host();
            jolokia.checkAccess(req.scheme(), address, address, from);
            if (req.method() == HttpMethod.GET) {
                json = jolokia.handleGetRequest(req.uri(), Utils.pathOffset(req.path(), ctx), params(req.params()));
            } else {
                RequestBody body = ctx.body();
                if (body == null || body.buffer() == null || body.length() == 0) {
                    answer(ctx, 400, error(400, "BadRequestException", "a POST needs a JSON request as its body"));
                    return;
                }
                json = jolokia.handlePostRequest(req.uri(), new ByteBufInputStream(body.buffer().getByteBuf()),
                        StandardCharsets.UTF_8.name(), params(req.params()));
            }
        } catch (SecurityException e) {
            answer(ctx, 403, error(403, "SecurityException", e.getMessage()));
            return;
        } catch (BadRequestException | EmptyResponseException | IllegalArgumentException | ClassCastException
                 | UnsupportedOperationException e) {
            // The sender's mistake as Jolokia parses it (bad JSON, an unknown type, a malformed name or parameter).
            answer(ctx, 400, error(400, e.getClass().getSimpleName(), e.getMessage()));
            return;
        } catch (IOException | RuntimeException e) {
            LOG.warn("Jolokia request failed: {}", e.toString());
            answer(ctx, 500, jolokia.handleThrowable(e));
            return;
        }
        int status = 200;
        if (json instanceof JSONObject one) {
            status = refusal(one, caller);
        } else if (json instanceof JSONArray bulk) {
            bulk.forEach(entry -> refusal((JSONObject) entry, caller)); // each entry its own status; HTTP 200
        }
        if (status == 401) {
            ManagementSecurity.challenge(ctx);
        }
        answer(ctx, status, json);
    }

    /**
     * The HTTP status for one of Jolokia's answers: 401 or 403 when it refused (401 when credentials would have made
     * the difference, and then in the answer too), else 200 (Jolokia's own status stays in the body).
     */
    private int refusal(JSONObject answer, ManagementSecurity.Caller caller) {
        if (!(answer.get("status") instanceof Number n) || n.intValue() != 403) {
            return 200;
        }
        if (caller == ManagementSecurity.Caller.ANONYMOUS && security.operationsConfigured()
                && String.valueOf(answer.get("error")).contains(NEEDS_CREDENTIALS)) {
            answer.put("status", 401);
            return 401;
        }
        return 403;
    }

    private static JSONObject error(int status, String type, String message) {
        JSONObject o = new JSONObject();
        o.put("status", status);
        o.put("error_type", type);
        o.put("error", message == null ? type : message);
        return o;
    }

    private static void answer(RoutingContext ctx, int status, JSONStructure json) {
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").putHeader("X-Content-Type-Options", "nosniff")
                .end(json == null ? "" : json.toJSONString());
    }

    private static Map<String, String[]> params(MultiMap params) {
        Map<String, String[]> map = new HashMap<>();
        for (String name : params.names()) {
            map.put(name, params.getAll(name).toArray(new String[0]));
        }
        return map;
    }

    @Override
    public Object getHandler() {
        return handler;
    }

    @Override
    public String getId() {
        return NAME;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    /**
     * First of an agent's request handlers (Jolokia's own start at -2): takes every request whose type, as Jolokia
     * parsed it, is not allowed here, and refuses it before any other handler sees it.
     */
    static final class Gatekeeper extends AbstractJolokiaService<RequestHandler> implements RequestHandler {

        private final Set<RequestType> allowed;
        /** Why an operation (exec, write) is refused here; null: it is not. */
        private final String refusal;

        Gatekeeper(Set<RequestType> allowed, String refusal) {
            super(RequestHandler.class, -100);
            this.allowed = allowed;
            this.refusal = refusal;
        }

        @Override
        public boolean canHandle(JolokiaRequest request) {
            return request.getType() == null || !allowed.contains(request.getType());
        }

        @Override
        public <R extends JolokiaRequest> Object handleRequest(R request, Object previous) {
            if (refusal == null || !OPERATOR.contains(request.getType())) {
                throw new SecurityException("Jolokia " + request.getType() + " requests are not served on this port");
            }
            throw new SecurityException(refusal);
        }

        @Override
        public String getProvider() {
            return "genesys-lake";
        }

        @Override
        public Object getRuntimeInfo() {
            return null;
        }
    }

    /** The policy, less everything that changes state: no exec, no write, whatever the MBean. */
    static final class ReadOnly implements Restrictor {

        private final Restrictor policy;

        ReadOnly(Restrictor policy) {
            this.policy = policy;
        }

        @Override
        public boolean isHttpMethodAllowed(org.jolokia.server.core.util.HttpMethod method) {
            return policy.isHttpMethodAllowed(method);
        }

        @Override
        public boolean isTypeAllowed(RequestType type) {
            return READS.contains(type) && policy.isTypeAllowed(type);
        }

        @Override
        public boolean isAttributeReadAllowed(ObjectName name, String attribute) {
            return policy.isAttributeReadAllowed(name, attribute);
        }

        @Override
        public boolean isAttributeWriteAllowed(ObjectName name, String attribute) {
            return false;
        }

        @Override
        public boolean isOperationAllowed(ObjectName name, String operation) {
            return false;
        }

        @Override
        public boolean isRemoteAccessAllowed(String... hostOrAddress) {
            return policy.isRemoteAccessAllowed(hostOrAddress);
        }

        @Override
        public boolean isOriginAllowed(String origin, boolean onlyWhenStrictCheckingIsEnabled) {
            return policy.isOriginAllowed(origin, onlyWhenStrictCheckingIsEnabled);
        }

        @Override
        public boolean isObjectNameHidden(ObjectName name) {
            return policy.isObjectNameHidden(name);
        }

        @Override
        public boolean ignoreScheme() {
            return policy.ignoreScheme();
        }
    }

    private record Log() implements LogHandler {
        @Override
        public void debug(String message) {
            LOG.debug(message);
        }

        @Override
        public void info(String message) {
            LOG.info(message);
        }

        @Override
        public void error(String message, Throwable t) {
            LOG.error(message, t);
        }

        @Override
        public boolean isDebug() {
            return LOG.isDebugEnabled();
        }
    }
}
