package genesyslake.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import genesyslake.testsupport.FlowTest;
import genesyslake.testsupport.LocalDaemon;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ensures one run has one id: the one runFlow answers is the one runStatus knows, the log lines and the manifest carry. */
@FlowTest
class OneRunIdTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private LocalDaemon daemon;

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.closeAndDelete();
        }
    }

    @Test
    void runFlowAnswersTheIdThatRunStatusTheLogAndTheManifestCarry() throws Exception {
        try (LogCapture logs = new LogCapture()) {
            daemon = LocalDaemon.start(Map.of("usage.query-files", "queries/usage-query.json"));
            MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
            ObjectName flows = new ObjectName("genesyslake:type=Flows");
            CompositeData outcome = (CompositeData) jmx.invoke(flows, "runFlow", new Object[] {"usage-export"},
                    new String[] {String.class.getName()});
            assertTrue((Boolean) outcome.get("success"), String.valueOf(outcome.get("summary")));
            String id = (String) outcome.get("runId");

            CompositeData status = (CompositeData) jmx.invoke(flows, "runStatus", new Object[] {id},
                    new String[] {String.class.getName()});
            assertEquals(id, status.get("runId"));
            assertEquals("succeeded", String.valueOf(status.get("state")).toLowerCase(), String.valueOf(status));

            List<String> manifests = daemon.lake().keys("_manifests/usage-export/");
            assertEquals(1, manifests.size());
            JsonNode manifest = JSON.readTree(String.join("\n", daemon.lake().lines(manifests.get(0), false)));
            assertEquals(id, manifest.path("runId").asText(), "the manifest names the run runFlow answered");

            assertFalse(logs.matching(l -> l.contains("usage-export run " + id + " exported")).isEmpty(),
                    "the export's log line names the run: " + logs.matching(l -> l.contains("exported")));
            assertFalse(logs.matching(l -> l.contains("Run " + id + " ")).isEmpty(), "the trigger's log line too");
        }
    }
}
