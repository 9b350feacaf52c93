package genesyslake.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import genesyslake.testsupport.FlowTest;
import genesyslake.testsupport.LocalDaemon;
import org.apache.camel.Route;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures the management port is safe by default: Jolokia reaches only the project's triggers and read-only views,
 * refuses cross-origin and foreign-Host requests, asks for credentials for operations and never shows a secret.
 */
@FlowTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ManagementSecurityTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String CLIENT_SECRET = "SENTINEL-client-secret-5f1c";
    private static final String S3_SECRET = "SENTINEL-s3-secret-77aa";
    private static final String PASSWORD = "SENTINEL-password-91be";
    private static final String USER = "operator";
    private static final String BAD_INTERVAL = "2025-13-01/not-an-interval";

    private LocalDaemon daemon;
    private int port;
    private String base;
    private String origin;

    @BeforeAll
    void start() {
        // As if started with -Dgenesys.client-secret=...: a system property (what Jolokia's Runtime MBean would show)
        // and the daemon's own setting.
        System.setProperty("genesys.client-secret", CLIENT_SECRET);
        port = Ops.freePort();
        daemon = LocalDaemon.start(Map.of("camel.management.enabled", "true", "camel.management.port", String.valueOf(port),
                "genesys.client-secret", CLIENT_SECRET, "local.s3.secret-key", S3_SECRET,
                "lake.management.user", USER, "lake.management.password", PASSWORD,
                "usage.query-files", "queries/usage-query.json"));
        base = "http://127.0.0.1:" + port + "/observe/jolokia";
        origin = "http://127.0.0.1:" + port;
    }

    @AfterAll
    void stop() {
        System.clearProperty("genesys.client-secret");
        if (daemon != null) {
            daemon.closeAndDelete();
        }
    }

    // ---- 1. the policy: project triggers and read-only Camel views only ----

    @Test
    void withCredentialsTheProjectsTriggerRuns() throws Exception {
        HttpResponse<String> res = post(exec("genesyslake:type=Flows", "runUsageExportFor(java.lang.String,java.lang.String)",
                BAD_INTERVAL, "Month"), origin, USER, PASSWORD);
        JsonNode json = JSON.readTree(res.body());
        assertEquals(200, json.path("status").asInt(), res.body());
        assertFalse(json.path("value").path("success").asBoolean(), "the trigger ran and reported the bad interval");
    }

    @Test
    void camelRouteAndServiceOperationsAndJvmGcAreRefusedEvenWithCredentials() throws Exception {
        String id = startedRoute();
        String route = firstName("org.apache.camel:type=routes,name=\"" + id + "\",*");
        for (String op : List.of("stop()", "remove()", "suspend()", "start()")) {
            assertRefused(post(exec(route, op), origin, USER, PASSWORD), "route " + op);
        }
        String context = firstName("org.apache.camel:type=context,*");
        for (String op : List.of("stop()", "suspend()")) {
            assertRefused(post(exec(context, op), origin, USER, PASSWORD), "context " + op);
        }
        for (String service : names("org.apache.camel:type=services,*")) {
            assertRefused(post(exec(service, "stop()"), origin, USER, PASSWORD), "service stop " + service);
        }
        assertRefused(post(exec("java.lang:type=Memory", "gc()"), origin, USER, PASSWORD), "gc");
        assertRefused(post(Map.of("type", "write", "mbean", route, "attribute", "Tracing", "value", true),
                origin, USER, PASSWORD), "attribute write");
        assertTrue(daemon.context().getRouteController().getRouteStatus(id).isStarted(), "route " + id + " still runs");
        assertTrue(daemon.context().isStarted(), "the context still runs");
    }

    @Test
    void camelAttributesAreReadableButJvmArgumentsAndSystemPropertiesAreNot() throws Exception {
        String route = firstName("org.apache.camel:type=routes,name=\"" + startedRoute() + "\",*");
        JsonNode state = JSON.readTree(get("/read/" + route + "/State", origin, null, null).body());
        assertEquals(200, state.path("status").asInt(), state.toString());
        assertEquals("Started", state.path("value").asText());
        for (String attr : List.of("InputArguments", "SystemProperties", "ClassPath")) {
            assertRefused(get("/read/java.lang:type=Runtime/" + attr, origin, USER, PASSWORD), "Runtime " + attr);
        }
        assertRefused(get("/read/com.sun.management:type=HotSpotDiagnostic/DiagnosticOptions", origin, USER, PASSWORD),
                "HotSpotDiagnostic");
    }

    // ---- 2. strict Origin and Host checking ----

    @Test
    void aCrossOriginExecIsRefusedAndTheFlowDoesNotRun() throws Exception {
        String usage = "2024-03-01/2024-04-01";
        Map<String, Object> body = exec("genesyslake:type=Flows", "runUsageExportFor(java.lang.String,java.lang.String)",
                usage, "Month");
        assertRefused(post(body, "http://evil.example", USER, PASSWORD), "POST from a foreign Origin");
        assertRefused(get("/exec/genesyslake:type=Flows/runFlow/catalog-refresh", "http://evil.example", USER, PASSWORD),
                "GET from a foreign Origin");
        assertRefused(get("/exec/genesyslake:type=Flows/runFlow/catalog-refresh", "http://127.0.0.1:1", USER, PASSWORD),
                "another port on loopback is another origin");
        HttpRequest.Builder referer = request("/exec/genesyslake:type=Flows/runFlow/catalog-refresh", null, USER, PASSWORD)
                .header("Referer", "http://evil.example/page.html");
        assertRefused(HTTP.send(referer.GET().build(), HttpResponse.BodyHandlers.ofString()), "GET with a foreign Referer");
        assertRefused(post(body, null, USER, PASSWORD), "no Origin nor Referer (strict checking)");
        assertTrue(daemon.lake().keys("granularity=month/usage_20240301T0000Z").isEmpty(), "the export never ran");
    }

    @Test
    void aRequestForAnotherHostNameIsRefused() throws Exception {
        // DNS rebinding: a page on evil.example whose name now resolves to 127.0.0.1 sends Host and Origin evil.example.
        String raw = "GET /observe/jolokia/version HTTP/1.1\r\nHost: evil.example:" + port
                + "\r\nOrigin: http://evil.example:" + port + "\r\nConnection: close\r\n\r\n";
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = s.getOutputStream();
            out.write(raw.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String status = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            assertTrue(status.contains(" 403"), status);
        }
        assertEquals(200, get("/version", origin, null, null).statusCode(), "the same request with the right Host works");
    }

    // ---- 3. HTTP Basic for operations ----

    @Test
    void operationsNeedTheConfiguredCredentialsWhileReadsStayOpen() throws Exception {
        Map<String, Object> body = exec("genesyslake:type=Flows", "runUsageExportFor(java.lang.String,java.lang.String)",
                BAD_INTERVAL, "Month");
        HttpResponse<String> none = post(body, origin, null, null);
        assertEquals(401, none.statusCode(), none.body());
        assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"), none.headers().toString());
        assertEquals(401, post(body, origin, USER, "wrong").statusCode());
        assertEquals(401, post(body, origin, "someone", PASSWORD).statusCode());
        assertEquals(401, get("/exec/genesyslake:type=Flows/runFlow/catalog-refresh", origin, null, null).statusCode());
        assertEquals(401, get("/?p=/exec/genesyslake:type=Flows/runFlow/catalog-refresh", origin, null, null).statusCode());
        assertEquals(200, post(body, origin, USER, PASSWORD).statusCode());
        for (String read : List.of("/version", "/list/genesyslake", "/search/genesyslake:*", "/read/genesyslake:type=Flows")) {
            HttpResponse<String> res = get(read, origin, null, null);
            assertEquals(200, JSON.readTree(res.body()).path("status").asInt(), read + ": " + res.body());
        }
        assertEquals(200, Ops.get("http://127.0.0.1:" + port + "/observe/health").statusCode(), "health needs nothing");
    }

    /** Last: a second daemon in this JVM shares the platform MBean server (its stop unregisters genesyslake:*). */
    @Test
    @Order(Integer.MAX_VALUE)
    void withoutConfiguredCredentialsOperationsAreRefusedAndReadsStillWork() throws Exception {
        int other = Ops.freePort();
        LocalDaemon plain = LocalDaemon.start(Map.of("camel.management.enabled", "true",
                "camel.management.port", String.valueOf(other), "usage.query-files", "queries/usage-query.json"));
        try {
            String otherBase = "http://127.0.0.1:" + other;
            HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(URI.create(otherBase + "/observe/jolokia/"))
                    .header("Origin", otherBase).header("Authorization", basic("", ""))
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(exec("genesyslake:type=Flows",
                            "runUsageExportFor(java.lang.String,java.lang.String)", BAD_INTERVAL, "Month")))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(403, res.statusCode(), res.body());
            assertTrue(res.body().contains("lake.management.user"), res.body());
            HttpResponse<String> read = HTTP.send(HttpRequest.newBuilder(URI.create(otherBase
                    + "/observe/jolokia/read/genesyslake:type=Flows")).header("Origin", otherBase).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, JSON.readTree(read.body()).path("status").asInt(), read.body());
        } finally {
            plain.closeAndDelete();
        }
    }

    // ---- 4. no secret through any management endpoint ----

    @Test
    void noSecretAppearsInAnyManagementResponse() throws Exception {
        List<String> seen = new ArrayList<>();
        for (String path : List.of("/list", "/search/*:*", "/read/java.lang:type=Runtime",
                "/read/java.lang:type=Runtime/SystemProperties", "/read/java.lang:type=Runtime/InputArguments",
                "/read/java.lang:*", "/read/org.apache.camel:*", "/read/genesyslake:*", "/read/*:*")) {
            for (boolean withCredentials : new boolean[] {false, true}) {
                HttpResponse<String> res = get(path, origin, withCredentials ? USER : null, withCredentials ? PASSWORD : null);
                seen.add(path + " -> " + res.statusCode() + " " + res.body().length() + " chars");
                assertNoSecret(path, res.body());
            }
        }
        Map<String, Object> bulk = new LinkedHashMap<>();
        bulk.put("type", "read");
        bulk.put("mbean", "org.apache.camel:type=context,*");
        assertNoSecret("POST read of the context", post(bulk, origin, USER, PASSWORD).body());
        assertNoSecret("metrics", Ops.get("http://127.0.0.1:" + port + "/metrics").body());
        assertNoSecret("health", Ops.get("http://127.0.0.1:" + port + "/observe/health").body());
        HttpResponse<String> sysProps = get("/read/java.lang:type=Runtime/SystemProperties", origin, USER, PASSWORD);
        assertNotEquals(200, JSON.readTree(sysProps.body()).path("status").asInt(), sysProps.body());
        assertTrue(seen.size() > 10, seen.toString());
    }

    private static void assertNoSecret(String what, String body) {
        for (String secret : List.of(CLIENT_SECRET, S3_SECRET, PASSWORD)) {
            assertFalse(body.contains(secret), what + " shows " + secret + ": "
                    + body.substring(Math.max(0, body.indexOf(secret) - 300), Math.min(body.length(), body.indexOf(secret) + 50)));
        }
    }

    // ---- helpers ----

    private static Map<String, Object> exec(String mbean, String operation, Object... arguments) {
        return Map.of("type", "exec", "mbean", mbean, "operation", operation, "arguments", List.of(arguments));
    }

    /** A refusal: an HTTP error, or Jolokia's own error status in a 200-or-500 answer; never a value. */
    private static void assertRefused(HttpResponse<String> res, String what) throws Exception {
        int status = res.statusCode();
        if (status == 200 || status == 500) {
            JsonNode json = JSON.readTree(res.body());
            status = json.path("status").asInt();
            assertFalse(json.has("value"), what + " returned a value: " + res.body());
        }
        assertTrue(status == 401 || status == 403, what + " must be refused, got " + status + ": " + res.body());
    }

    private String startedRoute() {
        return daemon.context().getRoutes().stream().map(Route::getRouteId)
                .filter(id -> daemon.context().getRouteController().getRouteStatus(id).isStarted()).findFirst().orElseThrow();
    }

    private String firstName(String pattern) throws Exception {
        List<String> names = names(pattern);
        assertFalse(names.isEmpty(), "no MBean " + pattern);
        return names.get(0);
    }

    private List<String> names(String pattern) throws Exception {
        HttpResponse<String> res = get("/search/" + pattern, origin, null, null);
        JsonNode json = JSON.readTree(res.body());
        assertEquals(200, json.path("status").asInt(), pattern + ": " + res.body());
        List<String> names = new ArrayList<>();
        json.path("value").forEach(n -> names.add(n.asText()));
        return names;
    }

    private HttpRequest.Builder request(String path, String origin, String user, String password) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path.replace("\"", "%22").replace(" ", "%20")))
                .timeout(Duration.ofSeconds(60));
        if (origin != null) {
            b.header("Origin", origin);
        }
        if (user != null) {
            b.header("Authorization", basic(user, password));
        }
        return b;
    }

    private HttpResponse<String> get(String path, String origin, String user, String password) throws Exception {
        return HTTP.send(request(path, origin, user, password).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(Object body, String origin, String user, String password) throws Exception {
        return HTTP.send(request("/", origin, user, password).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
