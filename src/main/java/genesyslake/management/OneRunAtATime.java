package genesyslake.management;

import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.support.RoutePolicySupport;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * Route policy of every flow (routePolicy: oneRunAtATime): a flow never runs twice at once. An exchange arriving
 * while the route runs is refused at once with {@link FlowBusyException}, whoever sent it (a schedule, JMX, --once),
 * and is not routed; the caller sees the exception, so a schedule's chain stops there. Since every run of a flow
 * passes here whatever started it, this is also where the flow's last run is remembered ({@link #lastRun}) for
 * health: a refused exchange is not a run and changes nothing.
 */
public final class OneRunAtATime extends RoutePolicySupport {

    /** How a flow's last run ended: when, and why it failed (null reason: it succeeded). */
    public record LastRun(String flow, Instant ended, String failure) {
        public boolean success() {
            return failure == null;
        }
    }

    private final Map<String, Semaphore> running = new ConcurrentHashMap<>();
    private final Map<String, LastRun> last = new ConcurrentHashMap<>();
    private final Clock clock;

    public OneRunAtATime() {
        this(Clock.systemUTC());
    }

    public OneRunAtATime(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void onExchangeBegin(Route route, Exchange exchange) {
        Semaphore permit = running.computeIfAbsent(route.getRouteId(), id -> new Semaphore(1));
        if (permit.tryAcquire()) {
            exchange.setProperty(held(route), Boolean.TRUE);
        } else {
            exchange.setException(new FlowBusyException(route.getRouteId()));
            exchange.setRouteStop(true);
        }
    }

    @Override
    public void onExchangeDone(Route route, Exchange exchange) {
        if (exchange.removeProperty(held(route)) != null) {
            ended(route.getRouteId(), FlowRunner.failureOf(exchange));
            running.get(route.getRouteId()).release();
        } else {
            exchange.setRouteStop(false); // the refusal stopped this route only; the caller decides what follows
        }
    }

    /** Records the end of a run of the flow (failure null: it succeeded). */
    void ended(String flow, String failure) {
        last.put(flow, new LastRun(flow, clock.instant(), failure));
    }

    /** Whether the flow is running now. */
    public boolean isRunning(String flow) {
        Semaphore permit = running.get(flow);
        return permit != null && permit.availablePermits() == 0;
    }

    /** How the flow's last run ended since start-up; empty when it has not run yet. */
    public Optional<LastRun> lastRun(String flow) {
        return Optional.ofNullable(last.get(flow));
    }

    private static String held(Route route) {
        return "lakeRunning." + route.getRouteId();
    }

    /** A flow was triggered while it runs. */
    public static final class FlowBusyException extends RuntimeException {
        public FlowBusyException(String flow) {
            super(flow + " is already running; try again when it has finished");
        }
    }
}
