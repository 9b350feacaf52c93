package genesyslake.management;

import genesyslake.lake.ExportRun;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs a flow (a route reached at {@code direct:<flow id>}) on demand: for --once, JMX and schedules alike.
 * A flow never runs twice at once; a second trigger while it runs is refused with an outcome saying so.
 */
public final class FlowRunner {

    private static final Logger LOG = LoggerFactory.getLogger(FlowRunner.class);

    /** Flow ids in pipeline order: exports first, then the catalog, then reports. */
    public static final List<String> PIPELINE = List.of("usage-export", "conversation-details", "user-details",
            "catalog-refresh", "athena-report");

    private final CamelContext context;
    private final ProducerTemplate producer;
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    public FlowRunner(CamelContext context) {
        this.context = context;
        this.producer = context.createProducerTemplate();
    }

    /** Flows of the pipeline whose routes are present (a user may have removed a route file). */
    public List<String> enabledFlows() {
        return PIPELINE.stream().filter(id -> context.getRoute(id) != null).toList();
    }

    /**
     * A scheduled run: same lock as on-demand runs, so a timer tick and a JMX trigger never run one flow twice at
     * once. Throws when the run did not succeed, so a schedule's chain (export, then catalog, then reports) stops.
     */
    public FlowOutcome tick(String flow) {
        FlowOutcome outcome = run(flow, Map.of());
        if (!outcome.success()) {
            throw new IllegalStateException(outcome.toString());
        }
        return outcome;
    }

    public FlowOutcome run(String flow, Map<String, Object> headers) {
        String runId = UUID.randomUUID().toString().substring(0, 8);
        if (context.getRoute(flow) == null) {
            return new FlowOutcome(runId, flow, false, 0, 0, "no such flow; known flows: " + enabledFlows());
        }
        ReentrantLock lock = locks.computeIfAbsent(flow, f -> new ReentrantLock());
        if (!lock.tryLock()) {
            return new FlowOutcome(runId, flow, false, 0, 0, "already running; try again when it has finished");
        }
        long t0 = System.nanoTime();
        try {
            LOG.info("Running flow {} (trigger {}{})", flow, runId, headers.isEmpty() ? "" : ", " + headers);
            Exchange result = producer.send("direct:" + flow, ex -> {
                ex.getIn().setHeaders(new java.util.HashMap<>(headers));
                ex.setProperty("lakeTrigger", runId);
            });
            long ms = (System.nanoTime() - t0) / 1_000_000;
            ExportRun run = result.getProperty(ExportRun.PROPERTY, ExportRun.class);
            long records = run == null ? 0 : run.records().get();
            String id = run == null ? runId : run.runId();
            if (result.getException() != null) {
                return new FlowOutcome(id, flow, false, records, ms, String.valueOf(result.getException().getMessage()));
            }
            if (run != null && !run.complete()) {
                return new FlowOutcome(id, flow, false, records, ms, run.toString()
                        + (run.note().isEmpty() ? "" : " (" + run.note() + ")"));
            }
            Object body = result.getMessage().getBody();
            String summary = run != null ? run.toString() : body == null ? "done" : String.valueOf(body);
            return new FlowOutcome(id, flow, true, records, ms, summary);
        } finally {
            lock.unlock();
        }
    }
}
