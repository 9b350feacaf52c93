package genesyslake.management;

import genesyslake.lake.LakeNames;
import genesyslake.lake.ExportRun;
import genesyslake.query.Interval;
import genesyslake.testsupport.UnitTest;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures every run of a flow route is remembered whoever sent it: its outcome and records, a failure's reason, and,
 * when a schedule chains flows on one exchange, each flow's own records (not the previous flow's); other routes are
 * not tracked and the oldest runs are forgotten.
 */
@UnitTest
class FlowHistoryTest {

    private CamelContext context;
    private final java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(1);
    private final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    private final java.util.concurrent.atomic.AtomicInteger tries = new java.util.concurrent.atomic.AtomicInteger();
    private final FlowHistory history = new FlowHistory(3, Clock.systemUTC());

    @BeforeEach
    void start() throws Exception {
        context = new DefaultCamelContext();
        context.addRoutePolicyFactory(history);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:export").routeId("export-a").routeGroup("export").process(ex -> {
                    ExportRun run = new ExportRun("export-a", "r1", Interval.of(LocalDate.of(2026, 1, 1),
                            LocalDate.of(2026, 1, 2)), Path.of("unused"));
                    run.records().set(ex.getIn().getHeader("records", 0L, Long.class));
                    ex.setProperty(LakeNames.RUN, run);
                });
                from("direct:catalog").routeId("catalog").routeGroup("catalog").setBody(constant("catalog refreshed"));
                from("direct:broken").routeId("broken").routeGroup("report").throwException(new IllegalStateException("boom"));
                from("direct:chain").routeId("chain").to("direct:export").to("direct:catalog");
                from("direct:flaky").routeId("flaky").routeGroup("report").choice()
                        .when(header("fail")).throwException(new IllegalStateException("bad query")).end();
                from("direct:busy").routeId("busy").routeGroup("report")
                        .throwException(new OneRunAtATime.FlowBusyException("busy"));
                // As catalog-refresh-when-free waits for the other refresh: a flow with OneRunAtATime, a caller that
                // tries again while it is refused.
                from("direct:slow").routeId("slow").routeGroup("catalog").routePolicy(new OneRunAtATime())
                        .process(ex -> {
                            running.countDown();
                            if (ex.getIn().getHeader("hold", false, Boolean.class)) {
                                release.await();
                            }
                        });
                from("direct:slow-when-free").routeId("slow-when-free")
                        .loopDoWhile(simple("${exchangeProperty.done} != true"))
                            .doTry().to("direct:slow").setProperty("done", constant(true))
                            .doCatch(OneRunAtATime.FlowBusyException.class)
                                .process(ex -> tries.incrementAndGet()).delay(20).syncDelayed()
                            .end()
                        .end();
            }
        });
        context.start();
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    @Test
    void aChainedScheduleRecordsEachFlowWithItsOwnRecords() {
        context.createProducerTemplate().sendBodyAndHeader("direct:chain", "", "records", 42L);
        FlowHistory.Run export = history.runs("export-a").get(0);
        assertEquals(FlowHistory.Run.SUCCEEDED, export.outcome());
        assertEquals(42L, export.records());
        FlowHistory.Run catalog = history.runs("catalog").get(0);
        assertEquals(FlowHistory.Run.SUCCEEDED, catalog.outcome());
        assertNull(catalog.records(), "the export's run travelling on the exchange is not the catalog's");
        assertEquals("catalog refreshed", catalog.summary());
        assertTrue(history.runs("chain").isEmpty(), "a route outside the flow groups is not tracked");
    }

    @Test
    void aFailureKeepsItsReasonAndOnlyTheLastRunsAreKept() {
        for (int i = 0; i < 5; i++) {
            assertThrows(Exception.class, () -> context.createProducerTemplate().sendBody("direct:broken", ""));
        }
        List<FlowHistory.Run> runs = history.runs("broken");
        assertEquals(3, runs.size());
        assertEquals(FlowHistory.Run.FAILED, runs.get(0).outcome());
        assertEquals("boom", runs.get(0).summary());
        assertTrue(!runs.get(0).started().isBefore(runs.get(2).started()), "newest first");
    }

    @Test
    void theLastRunForHealthTurnsFailedThenGoodAndARefusalIsNotARun() {
        assertTrue(history.lastRun("flaky").isEmpty(), "no run yet");
        assertThrows(Exception.class,
                () -> context.createProducerTemplate().sendBodyAndHeader("direct:flaky", "", "fail", true));
        FlowHistory.LastRun failed = history.lastRun("flaky").orElseThrow();
        assertEquals("bad query", failed.failure());
        assertTrue(!failed.success());
        context.createProducerTemplate().sendBody("direct:flaky", "");
        assertTrue(history.lastRun("flaky").orElseThrow().success(), "the next good run replaces it");
        assertTrue(!history.lastRun("flaky").orElseThrow().ended().isBefore(failed.ended()));

        assertThrows(Exception.class, () -> context.createProducerTemplate().sendBody("direct:busy", ""));
        assertEquals(FlowHistory.Run.REFUSED, history.runs("busy").get(0).outcome());
        assertTrue(history.lastRun("busy").isEmpty(), "a refused trigger is not a run");
    }

    @Test
    void aCallerTryingAgainWhileTheFlowIsBusyIsOneRunWithItsRefusalsAndWaitNotARowPerTry() throws Exception {
        var template = context.createProducerTemplate();
        var first = template.asyncRequestBodyAndHeader("direct:slow", "", "hold", true);
        assertTrue(running.await(10, java.util.concurrent.TimeUnit.SECONDS));
        var waiting = template.asyncRequestBody("direct:slow-when-free", "");
        long deadline = System.currentTimeMillis() + 10_000;
        while (tries.get() < 3 && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(tries.get() >= 3, "the caller was refused and tried again: " + tries);
        List<FlowHistory.Run> whileWaiting = history.runs("slow");
        assertEquals(2, whileWaiting.size(), "the run in progress and one row for the waiting caller: " + whileWaiting);
        assertEquals(FlowHistory.Run.REFUSED, whileWaiting.get(0).outcome());
        assertTrue(whileWaiting.get(0).refusals() >= 3, whileWaiting.get(0).toString());
        assertEquals(FlowHistory.Run.RUNNING, whileWaiting.get(1).outcome());

        release.countDown();
        first.get(10, java.util.concurrent.TimeUnit.SECONDS);
        waiting.get(10, java.util.concurrent.TimeUnit.SECONDS);
        List<FlowHistory.Run> runs = history.runs("slow");
        assertEquals(2, runs.size(), "two runs, no refused rows: " + runs);
        FlowHistory.Run waited = runs.get(0);
        assertEquals(FlowHistory.Run.SUCCEEDED, waited.outcome());
        assertEquals(tries.get(), waited.refusals(), "every refusal of the caller is counted on its run");
        assertTrue(waited.waitedMillis() > 0, waited.toString());
        assertEquals(FlowHistory.Run.SUCCEEDED, runs.get(1).outcome());
        assertEquals(0, runs.get(1).refusals(), "the run that held the flow waited for nothing");
        assertTrue(history.lastRun("slow").orElseThrow().success());

        // A caller that does not try again (JMX, --once) keeps its one refused row.
        assertThrows(Exception.class, () -> context.createProducerTemplate().sendBody("direct:busy", ""));
        assertThrows(Exception.class, () -> context.createProducerTemplate().sendBody("direct:busy", ""));
        assertEquals(List.of(1, 1), history.runs("busy").stream().map(FlowHistory.Run::refusals).toList());
    }
}
