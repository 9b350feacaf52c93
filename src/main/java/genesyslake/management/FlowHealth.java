package genesyslake.management;

import genesyslake.config.Durations;
import genesyslake.lake.Watermarks;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckRepository;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * One readiness check per flow ({@code flow-<id>}, group {@code flows}) on Camel's health-check registry: DOWN while
 * the flow's last run failed, or while its watermark is older than {@code lake.health.max-lag} (per flow:
 * {@code lake.health.max-lag.<flow>}); UP again after the next good run. A flow that has not run since start-up is UP
 * ("no run yet") unless its watermark lags, so a fresh start is healthy. Readiness only: a failing export means the
 * lake is stale, not that the process should be restarted, so liveness stays UP. The flows are read from the routes
 * at each call, so a flow added by a new route file gets its check with no restart.
 */
public final class FlowHealth implements HealthCheckRepository, CamelContextAware {

    public static final String ID = "flows";
    static final String MAX_LAG = "lake.health.max-lag";
    static final Duration DEFAULT_MAX_LAG = Duration.ofHours(48);

    /** A check's verdict: its state, one line for operators, and the figures behind it. */
    public record Verdict(boolean up, String message, Map<String, Object> details) {
    }

    private final FlowHistory runs;
    private final Watermarks watermarks;
    private final Function<String, Optional<String>> properties;
    private final Supplier<Instant> now;
    private final Map<String, FlowCheck> checks = new ConcurrentHashMap<>();
    private CamelContext context;
    private boolean enabled = true;

    /**
     * @param runs       the one record of every flow run, however started
     * @param properties the daemon's settings (for the max-lag keys)
     */
    public FlowHealth(FlowHistory runs, Watermarks watermarks, Function<String, Optional<String>> properties,
                      Supplier<Instant> now) {
        this.runs = runs;
        this.watermarks = watermarks;
        this.properties = properties;
        this.now = now;
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public boolean isEnabled() {
        return enabled;
    }

    @Override
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    @Override
    public CamelContext getCamelContext() {
        return context;
    }

    @Override
    public void setCamelContext(CamelContext context) {
        this.context = context;
    }

    @Override
    public Stream<HealthCheck> stream() {
        if (context == null || !enabled) {
            return Stream.empty();
        }
        return FlowRunner.flows(context).stream().map(flow -> checks.computeIfAbsent(flow, FlowCheck::new));
    }

    /** The verdict for one flow now. */
    Verdict verdict(String flow) {
        Optional<Instant> watermark;
        try {
            watermark = watermarks.watermark(flow);
        } catch (RuntimeException e) { // an unreadable state file: the flow cannot run either
            return new Verdict(false, e.getMessage(), Map.of("flow", flow));
        }
        MaxLag max = maxLag(flow);
        if (max.value() == null) {
            return new Verdict(false, max.key() + " is not a duration (such as 48h or 9d): "
                    + properties.apply(max.key()).orElse(""), Map.of("flow", flow));
        }
        return verdict(flow, runs.lastRun(flow), watermark, max.value(), max.key(), now.get());
    }

    /** The setting a flow's lag is held to, and its value (null: not a duration). */
    public record MaxLag(String key, Duration value) {
    }

    /** {@code lake.health.max-lag.<flow>} when set, else {@code lake.health.max-lag} (default 48h). */
    MaxLag maxLag(String flow) {
        String key = properties.apply(MAX_LAG + "." + flow).isPresent() ? MAX_LAG + "." + flow : MAX_LAG;
        try {
            return new MaxLag(key, properties.apply(key).map(Durations::parse).orElse(DEFAULT_MAX_LAG));
        } catch (RuntimeException e) {
            return new MaxLag(key, null);
        }
    }

    /** The rules, on their own: a failed last run, then a lagging watermark, make the flow DOWN. */
    static Verdict verdict(String flow, Optional<FlowHistory.LastRun> last, Optional<Instant> watermark,
                           Duration maxLag, String maxLagKey, Instant now) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("flow", flow);
        last.ifPresent(l -> {
            d.put("last.run.ended", l.ended().toString());
            d.put("last.run.outcome", l.success() ? "succeeded" : "failed");
            if (!l.success()) {
                d.put("last.run.failure", l.failure());
            }
        });
        watermark.ifPresent(w -> {
            d.put("watermark", w.toString());
            d.put("watermark.lag", Duration.between(w, now).withNanos(0).toString());
            d.put("watermark.max-lag", maxLag.toString());
        });
        if (last.isPresent() && !last.get().success()) {
            return new Verdict(false, flow + ": last run failed at " + last.get().ended() + ": "
                    + oneLine(last.get().failure()), d);
        }
        if (watermark.isPresent() && Duration.between(watermark.get(), now).compareTo(maxLag) > 0) {
            return new Verdict(false, flow + ": watermark " + watermark.get() + " is "
                    + Duration.between(watermark.get(), now).withNanos(0).toString().substring(2).toLowerCase()
                    + " old, more than " + maxLagKey + " (" + maxLag.toString().substring(2).toLowerCase()
                    + "): data after it has not been exported", d);
        }
        return new Verdict(true, last.map(l -> flow + ": last run succeeded at " + l.ended())
                .orElse(flow + ": no run yet"), d);
    }

    /** A health message is one line (a parser's error may span several). */
    static String oneLine(String text) {
        return String.valueOf(text).replaceAll("\\s*\\R\\s*", " ");
    }

    /** The check of one flow; Camel's base class adds invocation counts and times around it. */
    final class FlowCheck extends AbstractHealthCheck {
        private final String flow;

        FlowCheck(String flow) {
            super(ID, "flow-" + flow);
            this.flow = flow;
            setCamelContext(context);
        }

        @Override
        public boolean isLiveness() {
            return false;
        }

        @Override
        protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
            Verdict v = verdict(flow);
            builder.message(v.message()).details(v.details());
            if (v.up()) {
                builder.up();
            } else {
                builder.down();
            }
        }
    }
}
