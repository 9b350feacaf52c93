package genesyslake.management;

import genesyslake.lake.LakeNames;
import genesyslake.lake.ExportRun;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Runs a flow on demand, for --once and JMX. The flows are the routes whose {@code group} is export, catalog or report
 * (in that pipeline order): adding a route file with such a group adds a flow, with nothing to change in Java. A flow
 * never runs twice at once: its route policy ({@link OneRunAtATime}) refuses a second run, and the outcome says so.
 */
public final class FlowRunner {

    private static final Logger LOG = LoggerFactory.getLogger(FlowRunner.class);

    /** Route groups that make a route a flow, in pipeline order: exports first, then the catalog, then reports. */
    public static final List<String> GROUPS = List.of("export", "catalog", "report");

    private final CamelContext context;
    private final ProducerTemplate producer;

    public FlowRunner(CamelContext context) {
        this.context = context;
        this.producer = context.createProducerTemplate();
    }

    /** The flows of a context, in pipeline order (by group, then by route id). */
    public static List<String> flows(CamelContext context) {
        return context.getRoutes().stream()
                .filter(r -> r.getGroup() != null && GROUPS.contains(r.getGroup()))
                .sorted(Comparator.comparingInt((Route r) -> GROUPS.indexOf(r.getGroup())).thenComparing(Route::getRouteId))
                .map(Route::getRouteId).toList();
    }

    public List<String> flows() {
        return flows(context);
    }

    public FlowOutcome run(String flow, Map<String, Object> headers) {
        return run(flow, headers, newTriggerId(), exchange -> { });
    }

    /** A short id for one trigger. */
    static String newTriggerId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * As {@link #run(String, Map)}, with the trigger's id given and {@code started} told the exchange as it is sent,
     * so a caller on another thread can watch the run's progress (its {@link ExportRun} property) while it runs.
     */
    public FlowOutcome run(String flow, Map<String, Object> headers, String runId, Consumer<Exchange> started) {
        if (!flows().contains(flow)) {
            return new FlowOutcome(runId, flow, false, 0, 0, "no such flow; known flows: " + flows());
        }
        Route route = context.getRoute(flow);
        long t0 = System.nanoTime();
        LOG.info("Running flow {} (trigger {}{})", flow, runId, headers.isEmpty() ? "" : ", " + headers);
        Exchange result = producer.send(route.getEndpoint(), ex -> {
            ex.getIn().setHeaders(new HashMap<>(headers));
            ex.setProperty(genesyslake.lake.LakeNames.TRIGGER, runId);
            started.accept(ex);
        });
        long ms = (System.nanoTime() - t0) / 1_000_000;
        ExportRun run = result.getProperty(LakeNames.RUN, ExportRun.class);
        long records = run == null ? 0 : run.records().get();
        String id = run == null ? runId : run.runId();
        String failed = failureOf(result);
        if (failed != null) {
            return new FlowOutcome(id, flow, false, records, ms, failed);
        }
        Object body = result.getMessage().getBody();
        String summary = run != null ? run.toString() : body == null ? "done" : String.valueOf(body);
        return new FlowOutcome(id, flow, true, records, ms, summary);
    }

    /**
     * Why a flow's exchange failed, or null when it succeeded: an exception, or an export run that ended incomplete
     * (objects kept in dead-letter). The one verdict for --once, JMX outcomes and health.
     */
    public static String failureOf(Exchange result) {
        if (result.getException() != null) {
            return ExportRun.failure(result.getException());
        }
        ExportRun run = result.getProperty(LakeNames.RUN, ExportRun.class);
        if (run != null && !run.complete()) {
            return incomplete(run);
        }
        return null;
    }

    /** Why an export run that ended incomplete failed: its counts and note. */
    public static String incomplete(ExportRun run) {
        return run + (run.note().isEmpty() ? "" : " (" + run.note() + ")");
    }
}
