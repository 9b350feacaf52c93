package genesyslake.local.genesys;

import com.fasterxml.jackson.databind.JsonNode;
import genesyslake.testsupport.FlowTest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The local Genesys' details jobs take their configured time and the org runs at most so many at once, as Genesys. */
@FlowTest
class LocalGenesysJobLimitsTest {

    private static final String INTERVAL = "{\"interval\":\"2026-10-05T00:00:00.000Z/2026-10-06T00:00:00.000Z\"}";
    private static final String CONVERSATIONS = "/api/v2/analytics/conversations/details/jobs";
    private static final String USERS = "/api/v2/analytics/users/details/jobs";

    @Test
    void aJobIsQueuedThenPendingUntilItsLatencyHasPassedWhateverThePolls() throws Exception {
        try (LocalGenesys genesys = new LocalGenesys(LocalGenesysSettings.defaults()
                .withJobs(Duration.ofMillis(1500), 0)).start()) {
            GenesysHttpTestClient client = new GenesysHttpTestClient(genesys);
            String id = client.json("POST", CONVERSATIONS, INTERVAL).path("jobId").asText();
            for (int i = 0; i < 10; i++) { // more polls than running-polls (2) would need: still not done
                String state = client.json("GET", CONVERSATIONS + "/" + id, null).path("state").asText();
                assertTrue(state.equals("QUEUED") || state.equals("PENDING"), "poll " + i + ": " + state);
            }
            long t0 = System.nanoTime();
            String state;
            do {
                Thread.sleep(50);
                state = client.json("GET", CONVERSATIONS + "/" + id, null).path("state").asText();
            } while (!state.equals("FULFILLED") && System.nanoTime() - t0 < 10_000_000_000L);
            assertEquals("FULFILLED", state);
        }
    }

    @Test
    void aSubmissionBeyondTheOrgsRunningJobsAnswers429UntilOneIsDone() throws Exception {
        try (LocalGenesys genesys = new LocalGenesys(LocalGenesysSettings.defaults()
                .withJobs(Duration.ofMillis(800), 2)).start()) {
            GenesysHttpTestClient client = new GenesysHttpTestClient(genesys);
            String first = client.json("POST", CONVERSATIONS, INTERVAL).path("jobId").asText();
            client.json("POST", USERS, INTERVAL); // the limit is the org's, across both kinds
            var refused = client.send("POST", CONVERSATIONS, INTERVAL);
            assertEquals(429, refused.statusCode());
            JsonNode body = GenesysHttpTestClient.MAPPER.readTree(new String(refused.body(), StandardCharsets.UTF_8));
            assertEquals("too.many.requests", body.path("code").asText());
            assertEquals(429, body.path("status").asInt());
            assertEquals(1, genesys.stats().jobsRefused());
            while (!client.json("GET", CONVERSATIONS + "/" + first, null).path("state").asText().equals("FULFILLED")) {
                Thread.sleep(50);
            }
            assertEquals(202, client.send("POST", CONVERSATIONS, INTERVAL).statusCode());
            assertEquals(2, genesys.stats().mostJobsRunning());
        }
    }
}
