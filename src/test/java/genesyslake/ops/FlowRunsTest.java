package genesyslake.ops;

import genesyslake.lake.LakeNames;
import genesyslake.management.FlowOutcome;
import genesyslake.management.FlowRunStatus;
import genesyslake.management.FlowRuns;
import genesyslake.management.OneRunAtATime;
import genesyslake.testsupport.UnitTest;
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
@UnitTest
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
    @Test
    void aQueuedRunCancelledNeverStartsAndIsCancelled() throws Exception {
        runs.start("a", "startFlow(a)", p -> blocked("a")); // holds the one thread
        java.util.concurrent.atomic.AtomicBoolean ran = new java.util.concurrent.atomic.AtomicBoolean();
        FlowRunStatus queued = runs.start("b", "startFlow(b)", p -> {
            ran.set(true);
            return new FlowOutcome("lake-run", "b", true, 1, 1, "done");
        });
        assertEquals(FlowRunStatus.QUEUED, queued.getState(), queued.toString());
        FlowRunStatus cancelled = runs.cancel(queued.getRunId());
        assertEquals(FlowRunStatus.CANCELLED, cancelled.getState(), cancelled.toString());
        assertTrue(cancelled.getSummary().contains("before it started"), cancelled.toString());
        release.countDown();
        FlowRunStatus next = runs.start("c", "startFlow(c)", p -> new FlowOutcome("lake-run", "c", true, 1, 1, "done"));
        runs.await(next, null); // the pool has taken b from its queue and passed it by by now
        assertFalse(ran.get(), "a run cancelled while queued never runs");
        assertEquals(FlowRunStatus.CANCELLED, runs.status(queued.getRunId()).getState());
        assertEquals(null, runs.cancel("nosuchid"), "an unknown run");
    }

    @Test
    void aRunningRunIsAskedThroughTheFlagItsExchangesCarryAndEndsCancelled() throws Exception {
        org.apache.camel.Exchange exchange = new org.apache.camel.support.DefaultExchange(context);
        CountDownLatch sawIt = new CountDownLatch(1);
        FlowRunStatus running = runs.start("x", "startBackfill(x, ...)", p -> {
            p.exchange(exchange); // as FlowRunner hands it each exchange it sends
            genesyslake.lake.RunCancel cancel = exchange.getProperty(genesyslake.lake.LakeNames.CANCEL,
                    genesyslake.lake.RunCancel.class);
            while (!cancel.isRequested()) { // what the routes' filters read between pages
                Thread.sleep(10);
            }
            sawIt.countDown();
            return new FlowOutcome("lake-run", "x", false, 3, 1, "cancelled after page 2");
        });
        assertTrue(Ops.await(() -> FlowRunStatus.RUNNING.equals(runs.status(running.getRunId()).getState()), 5000));
        FlowRunStatus asked = runs.cancel(running.getRunId());
        assertTrue(sawIt.await(10, TimeUnit.SECONDS), "the run saw the request on its exchange");
        runs.await(running, null);
        FlowRunStatus ended = runs.status(running.getRunId());
        assertEquals(FlowRunStatus.CANCELLED, ended.getState(), asked + " then " + ended);
        assertEquals(3, ended.getRecords());
        assertEquals("cancelled after page 2", ended.getSummary());
        assertEquals(FlowRunStatus.CANCELLED, runs.cancel(running.getRunId()).getState(), "an ended run stays as it is");
        assertFalse(ended.active());
    }
}
