package genesyslake.flows;

import genesyslake.management.FlowOutcome;
import genesyslake.testsupport.FlowTest;
import genesyslake.testsupport.LocalDaemon;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures reports follow their data: a report skipped on a fresh start (its table not catalogued yet) runs right
 * after the catalog refresh of the details flow that makes that table, once: the other details flow's refresh does
 * not run it again.
 */
@FlowTest
class ReportsFollowTheirDataTest {

    private static final String QUEUE_REPORT = "inbound-voice-conversations-per-queue-per-day";
    private static final String AGENT_STATUS_REPORT = "available-and-interacting-time-per-agent-per-day";

    private LocalDaemon daemon;

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.closeAndDelete();
        }
    }

    private long csvFiles(String report) throws IOException {
        Path dir = daemon.dataDir().resolve("reports").resolve(report);
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> !f.getFileName().toString().startsWith("latest")).count();
        }
    }

    private static boolean await(java.util.concurrent.Callable<Boolean> condition) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            if (condition.call()) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    @Test
    void aReportSkippedOnAFreshStartRunsAfterTheDetailsCatalogRefreshOnce() throws Exception {
        daemon = LocalDaemon.start(Map.of("details.initial-lookback-days", "1", "conversations.trailing-window", "0h",
                "users.trailing-window", "0h", "local.genesys.conversations-per-day", "50",
                LocalDaemon.FIRST_TICK_MS, "100"));
        // The seed's fresh start: usage and the reference names, the refresh and the reports; the details tables are
        // not there yet.
        for (String flow : List.of("usage-export", "reference-users", "reference-queues", "catalog-refresh",
                "athena-report")) {
            FlowOutcome outcome = daemon.run(flow, Map.of());
            assertTrue(outcome.success(), outcome.toString());
        }
        assertEquals(0, csvFiles(QUEUE_REPORT), "skipped: queue_daily is not in the catalog yet");
        assertEquals(0, csvFiles(AGENT_STATUS_REPORT), "skipped: agent_status_daily is not in the catalog yet");
        assertEquals(1, csvFiles("top10-rate-limited-clients"), "the usage reports ran");

        // The conversation-details schedule's tick: export, refresh, and then the reports over its tables.
        daemon.context().getRouteController().startRoute("conversation-details-schedule");
        assertTrue(await(() -> csvFiles(QUEUE_REPORT) == 1), "the queue report ran after the details refresh");
        assertTrue(await(() -> csvFiles("average-handle-time-per-agent") == 1), "so did the other one over its tables");
        assertEquals(0, csvFiles(AGENT_STATUS_REPORT), "user-details has not exported: still skipped");

        daemon.context().getRouteController().startRoute("user-details-schedule");
        assertTrue(await(() -> csvFiles(AGENT_STATUS_REPORT) == 1), "the agent-status report ran after the users' refresh");
        Thread.sleep(500); // the rest of that chain
        assertEquals(1, csvFiles(QUEUE_REPORT), "once: the users' refresh did not run the queue report again");
        assertEquals(1, csvFiles("top10-rate-limited-clients"), "nor the reports that had run");
    }
}
