package genesyslake.ops;

import genesyslake.ops.JolokiaCorpus.Probe;
import genesyslake.testsupport.FlowTest;
import genesyslake.testsupport.LocalDaemon;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures that with {@code lake.management.user}/{@code password} blank (the shipped default) no Jolokia operation runs,
 * whatever the request's syntax or credentials (issue 23, item 1), and that reads still work.
 */
@FlowTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JolokiaOperationsDisabledTest {

    private LocalDaemon daemon;
    private int port;
    private RawHttp http;
    private String host;

    @BeforeAll
    void start() {
        port = Ops.freePort();
        daemon = LocalDaemon.start(Map.of("camel.management.enabled", "true", "camel.management.port", String.valueOf(port),
                "usage.query-files", "queries/usage-query.json"));
        http = new RawHttp(port);
        host = "127.0.0.1:" + port;
    }

    @AfterAll
    void stop() {
        daemon.closeAndDelete();
    }

    @Test
    void noOperationRunsWithOrWithoutAnyCredentials() throws Exception {
        List<String> ran = new ArrayList<>();
        for (Probe probe : JolokiaCorpus.operations(port)) {
            for (String[] auth : new String[][] {{}, {"Authorization", JolokiaOperationsTest.basic("", "")},
                    {"Authorization", JolokiaOperationsTest.basic("operator", "")}, {"Authorization", "Basic !!!"}}) {
                List<String> headers = new ArrayList<>(List.of("Host", host, "Origin", "http://" + host));
                headers.addAll(List.of(auth));
                RawHttp.Response res = probe.send(http, headers.toArray(new String[0]));
                String why = JolokiaCorpus.notRefused(res);
                if (why != null || res.status() == 401) {
                    ran.add(probe + " " + List.of(auth) + " -> " + (why != null ? why : "401: credentials cannot help"));
                }
            }
        }
        assertTrue(ran.isEmpty(), ran.size() + " not refused:\n" + String.join("\n", ran));
        for (Probe repro : JolokiaCorpus.operations(port).subList(0, 3)) {
            RawHttp.Response res = repro.send(http, "Host", host, "Origin", "http://" + host);
            assertEquals(403, res.status(), repro + ": " + res);
            assertTrue(res.body().contains("lake.management.user"), res.body());
        }
        // Asked over JMX in this JVM: no flow was started by any of the corpus.
        Object runs = ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName(JolokiaCorpus.M), "recentRuns",
                null, null);
        assertEquals(0, ((Object[]) runs).length, "runs started: " + java.util.Arrays.toString((Object[]) runs));
    }

    @Test
    void readsStillWork() {
        for (Probe probe : JolokiaCorpus.reads()) {
            RawHttp.Response res = probe.send(http, "Host", host, "Origin", "http://" + host);
            assertEquals(200, res.status(), probe + ": " + res);
        }
    }
}
