package genesyslake.ops;

import com.fasterxml.jackson.databind.JsonNode;
import genesyslake.ops.JolokiaCorpus.Probe;
import genesyslake.testsupport.FlowTest;
import genesyslake.testsupport.LocalDaemon;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures a Jolokia operation runs only for the operator however the request is written (issue 23, item 1): every
 * exec, write, notification and config in {@link JolokiaCorpus} is refused without the configured credentials, or
 * with wrong ones, while reads stay open and the operator's operations run in any syntax.
 */
@FlowTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JolokiaOperationsTest {

    private static final String USER = "operator";
    private static final String PASSWORD = "corpus-password-3c1d";

    private LocalDaemon daemon;
    private int port;
    private RawHttp http;
    private String host;

    @BeforeAll
    void start() {
        port = Ops.freePort();
        daemon = LocalDaemon.start(Map.of("camel.management.enabled", "true", "camel.management.port", String.valueOf(port),
                "usage.query-files", "queries/usage-query.json",
                "lake.management.user", USER, "lake.management.password", PASSWORD));
        http = new RawHttp(port);
        host = "127.0.0.1:" + port;
    }

    @AfterAll
    void stop() {
        daemon.closeAndDelete();
    }

    @Test
    void withoutCredentialsNoOperationRunsHoweverItIsWritten() {
        List<String> ran = new ArrayList<>();
        int asked = 0;
        for (Probe probe : JolokiaCorpus.operations(port)) {
            RawHttp.Response res = probe.send(http, "Host", host, "Origin", "http://" + host);
            String why = JolokiaCorpus.notRefused(res);
            if (why != null) {
                ran.add(probe + " -> " + why);
            }
            asked += res.status() == 401 || res.body().contains("\"status\":401") ? 1 : 0;
        }
        assertTrue(ran.isEmpty(), ran.size() + " of the corpus were not refused:\n" + String.join("\n", ran));
        assertTrue(asked >= 40, "most of the corpus reaches Jolokia as an operation and is asked for credentials: " + asked);
        // Issue 23's reproductions: refused with 401 and a challenge, and no run was started.
        for (Probe repro : JolokiaCorpus.operations(port).subList(0, 3)) {
            RawHttp.Response res = repro.send(http, "Host", host, "Origin", "http://" + host);
            assertEquals(401, res.status(), repro + ": " + res);
            assertTrue(res.headers().getOrDefault("www-authenticate", "").startsWith("Basic"), repro + ": " + res.headers());
            assertTrue(res.body().contains("lake.management.user"), res.body());
        }
        RawHttp.Response runs = operator(Probe.get(JolokiaCorpus.J + "/exec/" + JolokiaCorpus.M + "/recentRuns"));
        assertEquals(200, runs.status(), runs.toString());
        assertEquals(0, JolokiaCorpus.json(runs).path("value").size(), "no run was started: " + runs);
    }

    @Test
    void wrongOrForeignCredentialsAreNoBetterThanNone() {
        List<String> authorizations = List.of(basic(USER, "wrong"), basic("someone", PASSWORD), basic(USER, ""),
                "Basic " + b64(USER), "Basic " + b64(USER + ":" + PASSWORD + " "), "Bearer " + PASSWORD, "Basic !!!",
                "Basic", "Digest username=\"operator\"", basic(USER, PASSWORD).replace("Basic ", "Basic  x"),
                "Basic " + "A".repeat(6000));
        List<String> ran = new ArrayList<>();
        for (Probe probe : JolokiaCorpus.operations(port).subList(0, 12)) {
            for (String authorization : authorizations) {
                RawHttp.Response res = probe.send(http, "Host", host, "Origin", "http://" + host,
                        "Authorization", authorization);
                if (res.status() != 401 || JolokiaCorpus.notRefused(res) != null) {
                    ran.add(probe + " with " + authorization.substring(0, Math.min(30, authorization.length())) + " -> " + res);
                }
            }
            // A right and a wrong header together are not the operator either.
            RawHttp.Response two = probe.send(http, "Host", host, "Origin", "http://" + host,
                    "Authorization", basic(USER, PASSWORD), "Authorization", basic(USER, "wrong"));
            if (two.status() != 401) {
                ran.add(probe + " with two Authorization headers -> " + two);
            }
        }
        assertTrue(ran.isEmpty(), String.join("\n", ran));
    }

    @Test
    void theOperatorsOperationsRunWrittenAnyWay() {
        for (Probe probe : JolokiaCorpus.operatorOperations()) {
            RawHttp.Response res = operator(probe);
            assertEquals(200, res.status(), probe + ": " + res);
            JsonNode json = JolokiaCorpus.json(res);
            for (JsonNode entry : json.isArray() ? json : List.of(json)) {
                assertEquals(200, entry.path("status").asInt(), probe + ": " + entry);
                assertTrue(entry.has("value"), probe + ": " + entry);
            }
        }
        RawHttp.Response lower = JolokiaCorpus.operatorOperations().get(0).send(http, "Host", host,
                "Origin", "http://" + host, "Authorization", basic(USER, PASSWORD).replace("Basic", "basic"));
        assertEquals(200, lower.status(), "the scheme name is case-insensitive: " + lower);
    }

    @Test
    void readsStayOpenWithoutCredentials() {
        for (Probe probe : JolokiaCorpus.reads()) {
            RawHttp.Response res = probe.send(http, "Host", host, "Origin", "http://" + host);
            assertEquals(200, res.status(), probe + ": " + res);
            JsonNode json = JolokiaCorpus.json(res);
            for (JsonNode entry : json.isArray() ? json : List.of(json)) {
                assertEquals(200, entry.path("status").asInt(), probe + ": " + entry);
            }
        }
    }

    private RawHttp.Response operator(Probe probe) {
        return probe.send(http, "Host", host, "Origin", "http://" + host, "Authorization", basic(USER, PASSWORD));
    }

    static String basic(String user, String password) {
        return "Basic " + b64(user + ":" + password);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
