package genesyslake.ops;

import com.fasterxml.jackson.databind.JsonNode;
import genesyslake.testsupport.FlowTest;
import genesyslake.testsupport.LocalDaemon;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures every endpoint of the management port (health and its live/ready, /metrics, the status page, Jolokia)
 * answers only a Host naming the management host or a name in {@code lake.management.allowed-hosts} (no DNS
 * rebinding; issue 23, item 4); that Jolokia's Origin/Referer must be this origin by scheme, host and port; and that
 * refused requests get 4xx with a JSON reason, never a 500, whatever the headers (item 8).
 */
@FlowTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ManagementHostTest {

    /** A scraper's service name and a pod IP, as a Kubernetes deployment would set them. */
    private static final String ALLOWED = "lake-metrics.monitoring.svc,10.9.8.7";
    private static final List<String> ENDPOINTS = List.of("/observe/health", "/observe/health/live", "/observe/health/ready",
            "/metrics", "/", "/status.json", "/status/status.js", "/observe/jolokia/version",
            "/observe/jolokia/read/genesyslake:type=Flows/Flows");

    private LocalDaemon daemon;
    private int port;
    private RawHttp http;
    private String self;

    @BeforeAll
    void start() {
        port = Ops.freePort();
        daemon = LocalDaemon.start(Map.of("camel.management.enabled", "true", "camel.management.port", String.valueOf(port),
                "camel.metrics.enabled", "true", "usage.query-files", "queries/usage-query.json",
                "lake.management.user", "operator", "lake.management.password", "host-test-password",
                "lake.management.allowed-hosts", ALLOWED));
        http = new RawHttp(port);
        self = "127.0.0.1:" + port;
    }

    @AfterAll
    void stop() {
        daemon.closeAndDelete();
    }

    @Test
    void everyEndpointAnswersOnlyTheManagementHostOrAnAllowedName() {
        List<String> wrong = new ArrayList<>();
        for (String path : ENDPOINTS) {
            for (String host : List.of("evil.example", "evil.example:" + port, "127.0.0.1.evil.example:" + port,
                    "localhost.evil.example", "0.0.0.0:" + port, "lake-metrics.monitoring.svc.evil.example", "10.9.8.77")) {
                RawHttp.Response res = http.get(path, "Host", host, "Origin", "http://" + host);
                JsonNode json = JolokiaCorpus.parse(res.body());
                if (res.status() != 403 || json == null || !json.path("error").asText().contains("lake.management.allowed-hosts")) {
                    wrong.add(path + " for Host " + host + " -> " + res);
                }
            }
            // Host names are case-insensitive; Jolokia's own <cors> list (jolokia-access.xml) then wants the Origin
            // as browsers send it: lower case, with the port.
            for (String[] host : new String[][] {{self, "http://" + self}, {"localhost:" + port, "http://localhost:" + port},
                    {"LOCALHOST:" + port, "http://localhost:" + port}, {"127.0.0.1", "http://127.0.0.1:80"}}) {
                RawHttp.Response res = http.get(path, "Host", host[0], "Origin", host[1]);
                if (res.status() != 200 && res.status() != 503) {
                    wrong.add(path + " for the management host " + host[0] + " -> " + res);
                }
            }
        }
        // A scraper by its service name, a kubelet probe by the pod IP (Host = podIP:port): health and metrics answer.
        for (String path : List.of("/observe/health/live", "/observe/health/ready", "/observe/health", "/metrics", "/")) {
            for (String host : List.of("lake-metrics.monitoring.svc:9404", "10.9.8.7:" + port, "10.9.8.7")) {
                RawHttp.Response res = http.get(path, "Host", host);
                if (res.status() != 200 && res.status() != 503) {
                    wrong.add(path + " for the allowed Host " + host + " -> " + res);
                }
            }
        }
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    }

    @Test
    void jolokiaWantsAnOriginOfThisSchemeHostAndPort() {
        String read = "/observe/jolokia/version";
        List<String> wrong = new ArrayList<>();
        expect(wrong, 200, read, "Host", self, "Origin", "http://" + self);
        expect(wrong, 200, read, "Host", self, "Referer", "http://" + self + "/status.json?x=1");
        // Default ports are the same origin: Host without a port is port 80 for http.
        expect(wrong, 200, read, "Host", "127.0.0.1", "Origin", "http://127.0.0.1:80");
        for (String origin : List.of("ftp://" + self, "https://" + self, "ws://" + self, "file://" + self, "http://127.0.0.1",
                "http://127.0.0.1:1", "http://" + self + "/", "http://localhost:" + port, "http://127.0.0.2:" + port,
                "http://" + self + "@evil.example", "http://user@" + self, "http://" + self + "0", "null", "not a url",
                "http://" + self + ":1", "http://[::1", "http://127.0.0.1:99999999999", "%zz", "x".repeat(6000))) {
            expect(wrong, 403, read, "Host", self, "Origin", origin);
        }
        for (String referer : List.of("ftp://" + self + "/x", "https://" + self + "/x", "http://" + self + "@evil.example/",
                "http://evil.example/?u=http://" + self)) {
            expect(wrong, 403, read, "Host", self, "Referer", referer);
        }
        expect(wrong, 403, read, "Host", self);
        expect(wrong, 403, read, "Host", self, "Origin", "http://" + self, "Origin", "http://evil.example");
        expect(wrong, 403, read, "Host", self, "Origin", "https://" + self, "Referer", "http://" + self + "/");
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    }

    @Test
    void hostileHeadersAreRefusedWithAReasonNeverWithAServerError() {
        String origin = "http://" + self;
        List<String[]> headerSets = new ArrayList<>();
        for (String host : List.of("user@" + self, "127.0.0.1:99999999999", "127.0.0.1:0", "127.0.0.1:-1", "[::1",
                self + ":1", self + ", evil.example", "", "127.0.0.1:abc", "h".repeat(2000))) {
            headerSets.add(new String[] {"Host", host, "Origin", origin});
        }
        headerSets.add(new String[] {"Host", self, "Host", "evil.example", "Origin", origin});
        headerSets.add(new String[] {"Host", self, "Host", self, "Origin", origin});
        headerSets.add(new String[] {"Host", self, "Origin", origin, "X-Long", "z".repeat(20_000)});
        // What only Jolokia reads: Authorization (credentials are configured: 401) and Origin.
        List<String[]> jolokiaSets = new ArrayList<>();
        for (String auth : List.of("Bearer x", "Basic", "Basic !!!", "Basic " + "A".repeat(6000), "Basic ===", "\u00e9")) {
            jolokiaSets.add(new String[] {"Host", self, "Origin", origin, "Authorization", auth});
        }
        jolokiaSets.add(new String[] {"Host", self, "Origin", origin + "/" + "y".repeat(6000)});
        jolokiaSets.add(new String[] {"Host", self, "Origin", "http://" + self + ":" + "9".repeat(30)});
        jolokiaSets.add(new String[] {"Host", self, "Origin", origin, "Authorization", "Basic " + "A".repeat(6000),
                "Referer", "x".repeat(1500)});
        List<String> wrong = new ArrayList<>();
        List<String> jolokia = List.of("/observe/jolokia/version", "/observe/jolokia/read/genesyslake:type=Flows/Flows",
                "/observe/jolokia/exec/genesyslake:type=Flows/recentRuns",
                "/observe/jolokia/read/genesyslake:type=Flows/Flows?maxDepth=abc", "/observe/jolokia/read/bad::name/x");
        List<String> targets = new ArrayList<>(ENDPOINTS);
        targets.addAll(jolokia);
        for (String path : targets) {
            List<String[]> sets = new ArrayList<>(headerSets);
            if (jolokia.contains(path)) {
                sets.addAll(jolokiaSets);
            }
            for (String[] headers : sets) {
                RawHttp.Response res = http.get(path, headers);
                boolean refusedWithReason = (res.status() == 400 || res.status() == 401 || res.status() == 403)
                        && JolokiaCorpus.parse(res.body()) != null && JolokiaCorpus.parse(res.body()).hasNonNull("error");
                boolean tooLong = res.status() == 431; // Vert.x's header limit (8 KiB), before any handler
                if (!refusedWithReason && !tooLong) {
                    String shown = String.join(" | ", headers);
                    wrong.add(path + " [" + shown.substring(0, Math.min(120, shown.length())) + "] -> " + res);
                }
            }
        }
        // Jolokia input it cannot parse is the sender's mistake (400 with Jolokia's reason), not a server error.
        for (String bad : List.of("/observe/jolokia/read/genesyslake:type=Flows/Flows?maxDepth=abc",
                "/observe/jolokia/read/genesyslake:type=Flows/Flows?ifModifiedSince=x", "/observe/jolokia/read/bad::name/x",
                "/observe/jolokia/nonsense/x")) {
            expect(wrong, 400, bad, "Host", self, "Origin", origin);
        }
        for (String body : List.of("", "nonsense{", "[[{\"type\":\"read\"}]]", "{\"type\":5}", "[1]", "\"read\"")) {
            RawHttp.Response res = http.post("/observe/jolokia/", body, "Host", self, "Origin", origin);
            if (res.status() != 400 || JolokiaCorpus.parse(res.body()) == null) {
                wrong.add("POST " + body + " -> " + res);
            }
        }
        RawHttp.Response huge = http.sendRaw("POST /observe/jolokia/ HTTP/1.1\r\nHost: " + self + "\r\nOrigin: " + origin
                + "\r\nContent-Type: application/json\r\nContent-Length: 2097152\r\nConnection: close\r\n\r\n");
        assertEquals(413, huge.status(), "a body over 1 MiB is refused before it is read: " + huge);
        // HTTP/1.0 may omit Host: refused too, with the same reason shape.
        RawHttp.Response old = http.sendRaw("GET /observe/health HTTP/1.0\r\n\r\n");
        assertEquals(403, old.status(), old.toString());
        assertTrue(JolokiaCorpus.json(old).path("error").asText().contains("Host"), old.toString());
        assertTrue(wrong.isEmpty(), wrong.size() + " answers were not a reasoned refusal:\n" + String.join("\n", wrong));
    }

    private void expect(List<String> wrong, int status, String path, String... headers) {
        RawHttp.Response res = http.get(path, headers);
        boolean ok = res.status() == status && (status == 200 || JolokiaCorpus.parse(res.body()) != null
                && JolokiaCorpus.parse(res.body()).hasNonNull("error"));
        if (!ok) {
            String shown = String.join(" | ", headers);
            wrong.add("expected " + status + " for [" + shown.substring(0, Math.min(120, shown.length())) + "], got " + res);
        }
    }
}
