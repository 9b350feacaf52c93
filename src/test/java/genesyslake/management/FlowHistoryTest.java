package genesyslake.management;

import genesyslake.lake.LakeNames;
import genesyslake.lake.ExportRun;
import genesyslake.query.Interval;
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
class FlowHistoryTest {

    private CamelContext context;
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
}
