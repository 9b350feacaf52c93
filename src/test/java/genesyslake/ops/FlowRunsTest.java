package genesyslake.ops;

import genesyslake.management.FlowOutcome;
import genesyslake.management.FlowRunStatus;
import genesyslake.management.FlowRuns;
import genesyslake.management.OneRunAtATime;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ensures FlowRuns runs work off the caller's thread, refuses rather than queues, and remembers the last runs. */
class FlowRunsTest {

    private final DefaultCamelContext context = new DefaultCamelContext();
    private final CountDownLatch release = new CountDownLatch(1);
    private FlowRuns runs;

    @BeforeEach
    void start() throws Exception {
        context.start();
        runs = new FlowRuns(context, new OneRunAtATime(), 1, 3);
        context.addService(runs, true, true);
    }

    @AfterEach
    void stop() {
        release.countDown();
        context.stop();
    }

    private FlowOutcome blocked(String flow) throws InterruptedException {
        assertTrue(release.await(30, TimeUnit.SECONDS));
        return new FlowOutcome("lake-run", flow, true, 7, 1, "done");
    }

    @Test
    void aRunStartsAtOnceEndsWithItsOutcomeAndASecondStartOfTheSameFlowIsRefusedMeanwhile() throws Exception {
        FlowRunStatus started = runs.start("usage-export", "startFlow(usage-export)", p -> blocked("usage-export"));
        assertTrue(started.active(), started.toString());
        FlowRunStatus again = runs.start("usage-export", "startFlow(usage-export)", p -> blocked("usage-export"));
        assertEquals(FlowRunStatus.REFUSED, again.getState());
        assertTrue(again.getSummary().contains("already running"), again.toString());

        FlowOutcome waited = runs.await(started, Duration.ofMillis(200));
        assertFalse(waited.isSuccess());
        assertTrue(waited.getSummary().contains("still running"), waited.toString());
        assertEquals(started.getRunId(), waited.getRunId(), "the answer names the run to poll");

        release.countDown();
        FlowOutcome done = runs.await(started, null);
        assertTrue(done.isSuccess(), done.toString());
        FlowRunStatus status = runs.status(started.getRunId());
        assertEquals(FlowRunStatus.SUCCEEDED, status.getState());
        assertEquals(7, status.getRecords());
    }

    @Test
    void whenThePoolAndItsQueueAreFullAFurtherRunIsRefusedNotQueued() {
        runs.start("a", "startFlow(a)", p -> blocked("a"));
        runs.start("b", "startFlow(b)", p -> blocked("b")); // waits for the one thread
        FlowRunStatus third = runs.start("c", "startFlow(c)", p -> blocked("c"));
        assertEquals(FlowRunStatus.REFUSED, third.getState(), third.toString());
        assertTrue(third.getSummary().contains("too many runs"), third.toString());
    }

    @Test
    void aFailingRunIsFailedWithItsReasonAndOnlyTheLastRunsAreRemembered() throws Exception {
        FlowRunStatus failing = runs.start("x", "startFlow(x)", p -> {
            throw new IllegalStateException("Genesys said no");
        });
        FlowOutcome o = runs.await(failing, null);
        assertFalse(o.isSuccess());
        assertEquals(FlowRunStatus.FAILED, runs.status(failing.getRunId()).getState());
        assertTrue(runs.status(failing.getRunId()).getSummary().contains("Genesys said no"));
        for (int i = 0; i < 4; i++) {
            runs.refused("x", "startFlowFor(x, bad)", "not valid");
        }
        List<FlowRunStatus> recent = runs.recent();
        assertEquals(3, recent.size(), recent.toString());
        assertEquals(null, runs.status(failing.getRunId()), "the oldest ended run is forgotten");
    }
}
