package genesyslake.ops;

import genesyslake.testsupport.FlowTest;
import genesyslake.testsupport.LocalDaemon;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ensures a schedule's tick refused because its flow is still running is one INFO line, not an ERROR. */
@FlowTest
class RefusedTickTest {

    private LocalDaemon daemon;

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.closeAndDelete();
        }
    }

    @Test
    void aTickRefusedWhileTheFlowRunsIsLoggedAtInfo() throws Exception {
        daemon = LocalDaemon.start(Map.of("details.initial-lookback-days", "2", "conversations.trailing-window", "0h",
                "details.page-size", "25", "genesys.rate-limit.requests-per-minute", "120",
                LocalDaemon.FIRST_TICK_MS, "100"));
        try (LogCapture logs = new LogCapture()) {
            // A slow run (2 requests/s, 20 pages a day) holds the flow while the schedule ticks (at once once started);
            // once the tick is refused the run is cancelled: its own end is not what this proves.
            var flows = daemon.bean("flowsMBean", genesyslake.management.Flows.class);
            var oneRun = daemon.bean("oneRunAtATime", genesyslake.management.OneRunAtATime.class);
            String runId = flows.startFlow("conversation-details").getRunId();
            assertTrue(Ops.await(() -> oneRun.isRunning("conversation-details"), 30_000), "the run started");
            daemon.context().getRouteController().startRoute("conversation-details-schedule");
            String skipped = logs.await(l -> l.contains("tick skipped") && l.contains("already running"), 30_000);
            assertNotNull(skipped, "the refused tick is logged; log:\n" + String.join("\n", logs.lines()));
            assertTrue(skipped.startsWith("INFO"), skipped);
            assertEquals(List.of(), logs.matching(l -> (l.startsWith("ERROR") || l.startsWith("WARN"))
                    && l.contains("already running")), "not an error");
            daemon.context().getRouteController().stopRoute("conversation-details-schedule");
            assertTrue(oneRun.isRunning("conversation-details"), "the tick came while the run still ran");
            flows.cancelRun(runId);
            assertTrue(Ops.await(() -> !oneRun.isRunning("conversation-details"), 60_000), "the run ended");
        }
    }
}
