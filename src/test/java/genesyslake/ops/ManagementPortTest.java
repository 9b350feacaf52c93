package genesyslake.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import genesyslake.testsupport.FlowTest;
import genesyslake.testsupport.LocalDaemon;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** Ensures the management port (loopback only) triggers flows over Jolokia and serves health and Prometheus metrics. */
@FlowTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ManagementPortTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EXEC_USAGE = "runUsageExportFor(java.lang.String,java.lang.String)";

    private LocalDaemon daemon;
    private int port;
    private String base;

    @BeforeAll
    void start() {
        port = Ops.freePort();
        daemon = LocalDaemon.start(Map.of("camel.management.enabled", "true", "camel.management.port", String.valueOf(port),
                "camel.metrics.enabled", "true", "usage.query-files", "queries/usage-query.json",
                // Month-only usage queries: the watermark is the start of this month, up to 31 days + a period old.
                "lake.health.max-lag.usage-export", "33d",
                "lake.management.user", "operator", "lake.management.password", "test-password"));
        base = "http://127.0.0.1:" + port;
    }

    @AfterAll
    void stop() {
        daemon.closeAndDelete();
    }

    private JsonNode exec(String operation, String... arguments) throws Exception {
        String body = JSON.writeValueAsString(Map.of("type", "exec", "mbean", "genesyslake:type=Flows",
                "operation", operation, "arguments", List.of(arguments)));
        // As the README's curl does: the management host as Origin and the configured operator (ManagementSecurityTest).
        HttpResponse<String> res = Ops.post(base + "/observe/jolokia/", body, "Origin", base, "Authorization",
                "Basic " + java.util.Base64.getEncoder().encodeToString("operator:test-password".getBytes()));
        assertEquals(200, res.statusCode(), res.body());
        JsonNode json = JSON.readTree(res.body());
        assertEquals(200, json.path("status").asInt(), res.body());
        return json.path("value");
    }

    @Test
    void aJolokiaExecOverHttpRunsTheUsageExportAndItLandsInTheLake() throws Exception {
        JsonNode outcome = exec(EXEC_USAGE, "2025-01-01/2025-02-01", "Month");
        assertTrue(outcome.path("success").asBoolean(), outcome.toString());
        assertEquals("usage-export", outcome.path("flow").asText());
        assertTrue(outcome.path("records").asLong() > 0, outcome.toString());
        List<String> keys = daemon.lake().keys("granularity=month/usage_20250101T0000Z_20250201T0000Z");
        assertEquals(1, keys.size(), "one object for the month: " + keys);
        assertEquals(outcome.path("records").asLong(), daemon.lake().lines(keys.get(0), true).size());
        assertFalse(daemon.lake().keys("_manifests/usage-export/20250101T0000Z_20250201T0000Z").isEmpty(),
                "the run manifest landed too");
    }

    @Test
    void aJolokiaTriggerWithABadIntervalAnswersAFailedOutcomeNamingTheInput() throws Exception {
        JsonNode outcome = exec(EXEC_USAGE, "2025-13-01/yesterday-ish", "Month");
        assertFalse(outcome.path("success").asBoolean(), outcome.toString());
        assertTrue(outcome.path("summary").asText().contains("2025-13-01/yesterday-ish"), outcome.toString());
    }

    @Test
    void metricsShowGenesysRequestsRecordsExportedPerFlowAndWatermarkLagAfterARun() throws Exception {
        JsonNode outcome = exec(EXEC_USAGE, "2025-02-01/2025-03-01", "Month");
        assertTrue(outcome.path("success").asBoolean(), outcome.toString());

        HttpResponse<String> res = Ops.get(base + "/metrics");
        assertEquals(200, res.statusCode());
        String metrics = res.body();
        assertTrue(sample(metrics, "genesys_requests(_total)?") > 0, "genesys_requests counts requests sent");
        assertTrue(sample(metrics, "lake_records_exported(_total)?\\{[^}]*flow=\"usage-export\"[^}]*}")
                >= outcome.path("records").asLong(), "records exported, tagged with the flow");
        assertTrue(Double.isNaN(sample(metrics, "lake_watermark_lag_seconds\\{[^}]*flow=\"usage-export\"[^}]*}")),
                "an explicit interval sets no watermark");
        // The schedule's own run (its file's interval) does.
        assertTrue(exec("runUsageExport()").path("success").asBoolean());
        double lag = sample(Ops.get(base + "/metrics").body(), "lake_watermark_lag_seconds\\{[^}]*flow=\"usage-export\"[^}]*}");
        assertTrue(lag >= 0, "lag is known once the flow has a watermark: " + lag);
        assertTrue(metrics.contains("lake_watermark_lag_seconds{flow=\"conversation-details\"")
                || metrics.matches("(?s).*lake_watermark_lag_seconds\\{[^}]*flow=\"conversation-details\".*"),
                "every flow has a lag gauge, NaN until its first complete run");
    }

    @Test
    void healthAnswersUp() throws Exception {
        HttpResponse<String> res = Ops.get(base + "/observe/health");
        assertEquals(200, res.statusCode(), res.body());
        assertEquals("UP", JSON.readTree(res.body()).path("status").asText(), res.body());
    }

    @Test
    void theManagementServerListensOnLoopbackOnly() throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
        }
        List<InetAddress> others = new ArrayList<>();
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nic.isUp() && !nic.isLoopback()) {
                Collections.list(nic.getInetAddresses()).stream().filter(a -> a instanceof Inet4Address).forEach(others::add);
            }
        }
        assumeFalse(others.isEmpty(), "this machine has no non-loopback IPv4 address to probe");
        for (InetAddress other : others) {
            assertThrows(ConnectException.class, () -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(other, port), 2000);
                }
            }, "the management port must not answer on " + other);
        }
    }

    /** The value of the first Prometheus sample whose name (and labels) match the pattern. */
    private static double sample(String metrics, String nameAndLabels) {
        Matcher m = Pattern.compile("(?m)^" + nameAndLabels + " (?<v>[-+0-9.eENaInf]+)$").matcher(metrics);
        assertTrue(m.find(), "no sample " + nameAndLabels + " in\n" + metrics);
        return Double.parseDouble(m.group("v"));
    }
}
