package genesyslake.management;

import genesyslake.lake.LakeNames;
import genesyslake.lake.ExportRun;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Route;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.spi.RoutePolicyFactory;
import org.apache.camel.support.RoutePolicySupport;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last runs of every flow, however they were started (schedule, --once, JMX, Jolokia), for the status page.
 * {@link FlowRuns} knows only the runs triggered over JMX; the schedule's runs pass only through the flow's route,
 * so this is a route policy that every route of a flow group gets (a factory, so route files need no change and a
 * flow added by a new route file is covered too). Kept in memory: a restart starts an empty history (the run
 * manifests in the lake are the lasting record).
 */
public final class FlowHistory implements RoutePolicyFactory {

    /**
     * One run as the status page shows it; {@code millis} is the time so far while it runs. {@code refusals}: how many
     * times this exchange was refused because the flow was busy before it got in (or, for a refused run, in all),
     * {@code waitedMillis} from its first refusal to its start (or last refusal): a caller that waits and tries again
     * (a schedule's catalog refresh waiting for the other one) is one run with its wait, not a row per try.
     */
    public record Run(String flow, Instant started, long millis, String outcome, Long records, String summary,
                      int refusals, long waitedMillis) {
        public static final String RUNNING = "running";
        public static final String SUCCEEDED = "succeeded";
        public static final String INCOMPLETE = "incomplete";
        public static final String FAILED = "failed";
        public static final String REFUSED = "refused";
        /** Stopped by cancelRun: not a failure (health goes by the run before it). */
        public static final String CANCELLED = "cancelled";
    }

    /** How a flow's last run ended, for health: when, and why it failed (null: it succeeded). */
    public record LastRun(String flow, Instant ended, String failure) {
        public boolean success() {
            return failure == null;
        }
    }

    private static final int MAX_SUMMARY = 500;
    private final int keep;
    private final Clock clock;
    private final Map<String, Deque<Entry>> byFlow = new ConcurrentHashMap<>();

    public FlowHistory(int keep, Clock clock) {
        this.keep = Math.max(1, keep);
        this.clock = clock;
    }

    @Override
    public RoutePolicy createRoutePolicy(CamelContext context, String routeId, NamedNode route) {
        String group = route instanceof RouteDefinition def ? def.getGroup() : null;
        return group != null && FlowRunner.GROUPS.contains(group) ? new Policy() : null;
    }

    /** The flow's runs, newest first (running ones included). */
    public List<Run> runs(String flow) {
        Deque<Entry> runs = byFlow.get(flow);
        if (runs == null) {
            return List.of();
        }
        synchronized (runs) {
            List<Run> out = new ArrayList<>(runs.size());
            runs.descendingIterator().forEachRemaining(e -> out.add(e.view(clock)));
            return out;
        }
    }

    /**
     * The flow's last ended run since start-up (a refused trigger is not a run, a cancelled one no verdict); empty when
     * it has not run yet.
     */
    public Optional<LastRun> lastRun(String flow) {
        Deque<Entry> runs = byFlow.get(flow);
        if (runs == null) {
            return Optional.empty();
        }
        synchronized (runs) {
            var it = runs.descendingIterator();
            while (it.hasNext()) {
                Entry e = it.next();
                if (e.outcome != null && !Run.REFUSED.equals(e.outcome) && !Run.CANCELLED.equals(e.outcome)) {
                    return Optional.of(new LastRun(flow, e.ended, e.failure));
                }
            }
        }
        return Optional.empty();
    }

    private Entry begin(String flow, Exchange exchange, Entry waiting) {
        Entry e = new Entry(flow, clock.instant(), System.nanoTime(), exchange);
        Deque<Entry> runs = byFlow.computeIfAbsent(flow, f -> new ArrayDeque<>());
        synchronized (runs) {
            if (waiting != null) {
                // This exchange was refused before: its tries are this run's wait, not rows of their own.
                runs.remove(waiting);
                e.refusals = waiting.refusals;
                e.waitedMillis = Math.max(0, e.started.toEpochMilli() - waiting.started.toEpochMilli());
            }
            runs.addLast(e);
            // Forget the oldest ended runs beyond keep; a run still going is never dropped.
            var it = runs.iterator();
            int extra = runs.size() - keep;
            while (extra > 0 && it.hasNext()) {
                if (it.next().outcome != null) {
                    it.remove();
                    extra--;
                }
            }
        }
        return e;
    }

    /** A refusal of an exchange already refused: counted on its first refusal's row, which it then leaves. */
    private void refusedAgain(Entry first, Entry again) {
        Deque<Entry> runs = byFlow.get(again.flow);
        synchronized (runs) {
            runs.remove(again);
            first.refusals++;
            first.ended = again.ended;
            first.summary = again.summary;
            first.waitedMillis = Math.max(0, again.ended.toEpochMilli() - first.started.toEpochMilli());
            if (!runs.contains(first)) {
                runs.addLast(first); // forgotten meanwhile (keep): the wait is still the newest news of the flow
            }
        }
    }

    private final class Policy extends RoutePolicySupport {
        @Override
        public void onExchangeBegin(Route route, Exchange exchange) {
            // OneRunAtATime decides first (it is the route's own policy): a refused exchange keeps its earlier refusal.
            Entry waiting = exchange.getException() instanceof OneRunAtATime.FlowBusyException ? null
                    : exchange.removeProperty(waitKey(route)) instanceof Entry w ? w : null;
            exchange.setProperty(key(route), begin(route.getRouteId(), exchange, waiting));
        }

        @Override
        public void onExchangeDone(Route route, Exchange exchange) {
            if (exchange.removeProperty(key(route)) instanceof Entry e) {
                e.end(exchange, clock.instant());
                if (Run.REFUSED.equals(e.outcome)) {
                    if (exchange.getProperty(waitKey(route)) instanceof Entry first) {
                        refusedAgain(first, e);
                    } else {
                        e.refusals = 1;
                        exchange.setProperty(waitKey(route), e);
                    }
                }
            }
        }

        private static String key(Route route) {
            return "lakeHistory." + route.getRouteId();
        }

        /** The first refusal of this exchange by the route, while the caller may try again. */
        private static String waitKey(Route route) {
            return "lakeHistoryRefused." + route.getRouteId();
        }
    }

    private static final class Entry {
        final String flow;
        final Instant started;
        final long t0;
        /** The run an earlier flow of the same exchange left behind (a schedule chains flows): not this run's. */
        final ExportRun before;
        /** The exchange while it runs, for its live record count. */
        volatile Exchange running;
        volatile ExportRun current;
        volatile String outcome;
        volatile long millis;
        volatile String summary = "";
        volatile Instant ended;
        /** Why the run failed (FlowRunner's one verdict, as --once and JMX give it), null when it succeeded. */
        volatile String failure;
        volatile int refusals;
        volatile long waitedMillis;

        Entry(String flow, Instant started, long t0, Exchange exchange) {
            this.flow = flow;
            this.started = started;
            this.t0 = t0;
            this.before = exchange.getProperty(LakeNames.RUN, ExportRun.class);
            this.running = exchange;
        }

        /** This run's own ExportRun on the exchange, if it has one yet. */
        ExportRun own(Exchange exchange) {
            ExportRun run = exchange.getProperty(LakeNames.RUN, ExportRun.class);
            return run == before ? null : run;
        }

        void end(Exchange exchange, Instant at) {
            current = own(exchange);
            running = null;
            ended = at;
            if (exchange.getException() instanceof OneRunAtATime.FlowBusyException busy) {
                summary = busy.getMessage();
                millis = 0;
                outcome = Run.REFUSED;
                return;
            }
            millis = (System.nanoTime() - t0) / 1_000_000;
            if (genesyslake.lake.RunCancelledException.isCancellation(exchange.getException())) {
                summary = ExportRun.failure(exchange.getException());
                outcome = Run.CANCELLED;
                return;
            }
            // This run's own export (not one an earlier flow of a chained schedule left on the exchange).
            failure = exchange.getException() != null ? ExportRun.failure(exchange.getException())
                    : current != null && !current.complete() ? FlowRunner.incomplete(current) : null;
            if (failure != null) {
                summary = failure;
                outcome = exchange.getException() != null ? Run.FAILED : Run.INCOMPLETE;
            } else {
                Object body = exchange.getMessage().getBody();
                summary = current != null ? current.toString() : body instanceof String s ? s : "";
                outcome = Run.SUCCEEDED;
            }
            if (summary.length() > MAX_SUMMARY) {
                summary = summary.substring(0, MAX_SUMMARY) + "…";
            }
        }

        Run view(Clock clock) {
            String o = outcome;
            Exchange live = running;
            ExportRun run = o == null && live != null ? own(live) : current;
            long ms = o == null ? Math.max(0, clock.millis() - started.toEpochMilli()) : millis;
            // A details run in flight says how far it is through its days (jobs in flight, ETA) where others say nothing.
            genesyslake.lake.DayProgress days = o == null && live != null
                    ? live.getProperty(genesyslake.lake.DayProgress.PROPERTY, genesyslake.lake.DayProgress.class) : null;
            String text = days != null && days.runDays() > 0 ? days.line() : summary;
            return new Run(flow, started, ms, o == null ? Run.RUNNING : o, run == null ? null : run.records().get(),
                    text, refusals, waitedMillis);
        }
    }
}
