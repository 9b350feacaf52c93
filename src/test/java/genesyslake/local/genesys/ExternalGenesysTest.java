package genesyslake.local.genesys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import genesyslake.genesys.GenesysHttp;
import genesyslake.testsupport.ExternalGenesys;
import genesyslake.testsupport.ProcessTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The local Genesys Cloud runs as its own process, and its jobs outlive their clients: a job submitted and partly
 * paged by one GenesysHttp is found (same id, same state, same cursor) and paged to the end by a brand-new one.
 */
@ProcessTest
class ExternalGenesysTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JOBS = "/api/v2/analytics/conversations/details/jobs";
    private static final String BODY = "{\"interval\":\"2026-10-05T00:00:00.000Z/2026-10-06T00:00:00.000Z\"}";

    @Test
    @Execution(ExecutionMode.CONCURRENT) // its own local Genesys process
    void aJobSubmittedByOneClientIsPagedToTheEndByAnother() throws Exception {
        LocalGenesysSettings settings = LocalGenesysSettings.defaults().withConversationsPerDay(300);
        try (ExternalGenesys genesys = ExternalGenesys.start(settings)) {
            assertTrue(genesys.port() > 0, "the process printed the port it chose");

            GenesysHttp first = genesys.newClient();
            String jobId = first.postJson(JOBS, BODY.getBytes(StandardCharsets.UTF_8)).path("jobId").asText();
            List<String> states = new ArrayList<>();
            String state;
            do {
                state = first.getJson(JOBS + "/" + jobId, Map.of()).path("state").asText();
                states.add(state);
            } while (!state.equals("FULFILLED"));
            assertEquals(List.of("QUEUED", "QUEUED", "PENDING", "PENDING", "FULFILLED"), states);
            JsonNode page = first.getJson(JOBS + "/" + jobId + "/results", Map.of("pageSize", "50"));
            List<String> ids = new ArrayList<>();
            page.path("conversations").forEach(c -> ids.add(c.path("conversationId").asText()));
            String cursor = page.path("cursor").asText(null);
            assertNotNull(cursor);
            assertEquals(50, ids.size());

            // A new client instance (new token, nothing shared with the first) picks the job up where it was.
            GenesysHttp second = genesys.newClient();
            assertEquals("FULFILLED", second.getJson(JOBS + "/" + jobId, Map.of()).path("state").asText());
            int pages = 1;
            while (cursor != null) {
                page = second.getJson(JOBS + "/" + jobId + "/results", Map.of("pageSize", "50", "cursor", cursor));
                page.path("conversations").forEach(c -> ids.add(c.path("conversationId").asText()));
                cursor = page.hasNonNull("cursor") ? page.get("cursor").asText() : null;
                pages++;
            }
            assertEquals(1, first.stats().tokenRequests.get());
            assertEquals(1, second.stats().tokenRequests.get());

            // Exactly what the same settings generate in this JVM, each once, in order.
            List<String> expected = new ArrayList<>();
            for (byte[] b : new GenesysDataset(settings).conversationsForJob(JSON.readTree(BODY))) {
                expected.add(JSON.readTree(b).path("conversationId").asText());
            }
            assertTrue(expected.size() > 300, "overlap matching: " + expected.size());
            assertEquals(expected, ids);
            assertEquals((expected.size() + 49) / 50, pages);
            assertTrue(genesys.isAlive());
        }
    }

    @Test
    @Execution(ExecutionMode.CONCURRENT) // its own local Genesys process
    void closeKillsTheProcess() throws Exception {
        ExternalGenesys genesys = ExternalGenesys.start(LocalGenesysSettings.defaults());
        assertTrue(genesys.isAlive());
        genesys.close();
        assertFalse(genesys.isAlive());
    }
}
