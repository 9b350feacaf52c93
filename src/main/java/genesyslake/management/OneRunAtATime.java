package genesyslake.management;

import genesyslake.lake.LakeNames;
import genesyslake.lake.RunCancel;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.support.RoutePolicySupport;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * Route policy of every flow (routePolicy: oneRunAtATime): a flow never runs twice at once. An exchange arriving
 * while the route runs is refused at once with {@link FlowBusyException}, whoever sent it (a schedule, JMX, --once),
 * and is not routed; the caller sees the exception, so a schedule's chain stops there. How runs ended is recorded
 * by {@link FlowHistory}, the one record of runs (status page and health). Each run admitted carries a
 * {@link RunCancel} that also says "stop" once the daemon is stopping: a SIGTERM stops every flow at its next page.
 */
public final class OneRunAtATime extends RoutePolicySupport {

    private final Map<String, Semaphore> running = new ConcurrentHashMap<>();

    @Override
    public void onExchangeBegin(Route route, Exchange exchange) {
        Semaphore permit = running.computeIfAbsent(route.getRouteId(), id -> new Semaphore(1));
        if (permit.tryAcquire()) {
            exchange.setProperty(held(route), Boolean.TRUE);
            // Every run, whoever started it, stops at its next page or day once the daemon is stopping (SIGTERM).
            RunCancel cancel = exchange.getProperty(LakeNames.CANCEL, RunCancel.class);
            if (cancel == null) {
                cancel = new RunCancel();
                exchange.setProperty(LakeNames.CANCEL, cancel);
            }
            org.apache.camel.CamelContext context = route.getCamelContext();
            cancel.stopWith(() -> context.isStopping() || context.isStopped());
        } else {
            exchange.setException(new FlowBusyException(route.getRouteId()));
            exchange.setRouteStop(true);
        }
    }

    @Override
    public void onExchangeDone(Route route, Exchange exchange) {
        if (exchange.removeProperty(held(route)) != null) {
            running.get(route.getRouteId()).release();
        } else {
            exchange.setRouteStop(false); // the refusal stopped this route only; the caller decides what follows
        }
    }

    /** Whether the flow is running now. */
    public boolean isRunning(String flow) {
        Semaphore permit = running.get(flow);
        return permit != null && permit.availablePermits() == 0;
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
