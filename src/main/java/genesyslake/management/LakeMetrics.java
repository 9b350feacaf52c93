package genesyslake.management;

import genesyslake.genesys.GenesysStats;
import genesyslake.lake.Watermarks;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * Publishes the daemon's own figures on Camel's Micrometer registry (served at /metrics when
 * camel.metrics.enabled): Genesys requests, 429s, retries and waits, records and pages exported per flow, and
 * watermark lag per flow.
 */
public final class LakeMetrics extends ServiceSupport {

    private final CamelContext context;
    private final GenesysStats stats;
    private final Watermarks watermarks;
    private volatile MeterRegistry registry;

    public LakeMetrics(CamelContext context, GenesysStats stats, Watermarks watermarks) {
        this.context = context;
        this.stats = stats;
        this.watermarks = watermarks;
    }

    @Override
    protected void doStart() {
        Set<MeterRegistry> found = context.getRegistry().findByType(MeterRegistry.class);
        if (found.isEmpty()) {
            return; // metrics switched off
        }
        registry = found.iterator().next();
        FunctionCounter.builder("genesys_requests", stats.requests, Number::doubleValue)
                .description("Genesys API requests sent").register(registry);
        FunctionCounter.builder("genesys_throttled", stats.throttled, Number::doubleValue)
                .description("Genesys answers 429 Too Many Requests").register(registry);
        FunctionCounter.builder("genesys_server_errors", stats.serverErrors, Number::doubleValue)
                .description("Genesys answers 5xx").register(registry);
        FunctionCounter.builder("genesys_retries", stats.retries, Number::doubleValue)
                .description("Genesys calls retried").register(registry);
        FunctionCounter.builder("genesys_retry_wait_seconds", stats.retryWaitMillis, v -> v.doubleValue() / 1000)
                .description("Time spent waiting before retries (Retry-After and backoff)").register(registry);
        for (String flow : FlowRunner.flows(context)) {
            lagGauge(flow);
        }
    }

    private final java.util.Set<String> gauged = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private void lagGauge(String flow) {
        if (!gauged.add(flow)) {
            return;
        }
        Gauge.builder("lake_watermark_lag_seconds", () -> watermarks.watermark(flow)
                        .map(w -> (double) Duration.between(w, Instant.now()).toSeconds()).orElse(Double.NaN))
                .tag("flow", flow).description("Age of the end of the last completely exported interval")
                .register(registry);
    }

    /** Called when a run ends. */
    public void runEnded(String flow, long records, long pages, boolean complete) {
        MeterRegistry r = registry;
        if (r == null) {
            return;
        }
        lagGauge(flow); // a flow added after start-up (a new route file) gets its gauge with its first run
        Counter.builder("lake_records_exported").tag("flow", flow).register(r).increment(records);
        Counter.builder("lake_pages_fetched").tag("flow", flow).register(r).increment(pages);
        Counter.builder("lake_runs").tag("flow", flow).tag("complete", String.valueOf(complete)).register(r).increment();
    }
}
