package genesyslake.management;

import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Navigate;
import org.apache.camel.Predicate;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.component.quartz.QuartzComponent;
import org.apache.camel.component.quartz.QuartzEndpoint;
import org.apache.camel.component.timer.TimerEndpoint;
import org.apache.camel.processor.ChoiceProcessor;
import org.apache.camel.processor.FilterProcessor;
import org.apache.camel.processor.SendProcessor;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.spi.RoutePolicyFactory;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.RoutePolicySupport;
import org.quartz.Trigger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each flow's next scheduled run, from the schedule routes themselves: a schedule is a route whose consumer is a timer
 * (next = its last tick + its period, or its start + its delay before the first) or a camel-quartz cron trigger (next =
 * Quartz's own next fire time, UTC as the schedule function sets it). Which flows a schedule runs is read from its
 * route's processors, following {@code direct:} sends through the routes between (catalog-refresh-when-free,
 * usage-api) and only the taken branch of a choice whose condition is a settings constant ({@code usage.api}), so the
 * page never promises a run the settings have switched off. A route policy on every route notes the timers' ticks.
 */
public final class FlowSchedules implements RoutePolicyFactory {

    /**
     * A flow's next run: when ({@code null}: none scheduled, {@code why} says why), the schedule route that runs it and
     * its rule ("every 24h", "cron 0 0 2 * * ? UTC"); {@code first}: the flow is the schedule's first step (else it
     * follows the flows before it in that schedule, so it starts after them).
     */
    public record Next(Instant at, String schedule, String rule, boolean first, String why) {
    }

    private final Clock clock;
    private final Map<String, Instant> lastTick = new ConcurrentHashMap<>();

    public FlowSchedules(Clock clock) {
        this.clock = clock;
    }

    @Override
    public RoutePolicy createRoutePolicy(CamelContext context, String routeId, NamedNode route) {
        return new RoutePolicySupport() {
            @Override
            public void onExchangeBegin(Route r, Exchange exchange) {
                if (r.getEndpoint() instanceof TimerEndpoint && exchange.getFromRouteId() != null
                        && exchange.getFromRouteId().equals(r.getRouteId())) {
                    lastTick.put(r.getRouteId(), clock.instant());
                }
            }

            @Override
            public void onStart(Route r) {
                lastTick.remove(r.getRouteId()); // a restarted timer counts from its new start
            }
        };
    }

    /** The next run of each of {@code flows}, in their order. */
    public Map<String, Next> next(CamelContext context, List<String> flows) {
        Instant now = clock.instant();
        Map<String, Next> out = new LinkedHashMap<>();
        Set<String> flowIds = Set.copyOf(flows);
        for (Route schedule : context.getRoutes()) {
            Endpoint from = schedule.getEndpoint();
            if (!(from instanceof TimerEndpoint) && !(from instanceof QuartzEndpoint)) {
                continue;
            }
            List<String> runs = new ArrayList<>();
            walk(context, schedule.navigate(), flowIds, runs, new HashSet<>(Set.of(schedule.getRouteId())));
            if (runs.isEmpty()) {
                continue;
            }
            Next next = next(context, schedule, now);
            for (String flow : runs) {
                Next mine = new Next(next.at(), next.schedule(), next.rule(), flow.equals(runs.get(0)), next.why());
                out.merge(flow, mine, FlowSchedules::earlier);
            }
        }
        Map<String, Next> ordered = new LinkedHashMap<>();
        for (String flow : flows) {
            ordered.put(flow, out.getOrDefault(flow, new Next(null, null, null, false,
                    "no schedule runs it: it runs when triggered (JMX, Jolokia, --once)")));
        }
        return ordered;
    }

    private static Next earlier(Next a, Next b) {
        if (a.at() == null) {
            return b.at() == null && a.schedule() == null ? b : b.at() != null ? b : a;
        }
        return b.at() != null && b.at().isBefore(a.at()) ? b : a;
    }

    private Next next(CamelContext context, Route schedule, Instant now) {
        String id = schedule.getRouteId();
        String rule;
        if (schedule.getEndpoint() instanceof TimerEndpoint timer) {
            rule = "every " + human(Duration.ofMillis(timer.getPeriod()));
        } else {
            QuartzEndpoint quartz = (QuartzEndpoint) schedule.getEndpoint();
            rule = "cron " + cron(quartz) + " UTC";
        }
        ServiceStatus status = context.getRouteController().getRouteStatus(id);
        if (status == null || !status.isStarted()) {
            return new Next(null, id, rule, false, "its schedule " + id + " is " + (status == null ? "gone" : status)
                    .toString().toLowerCase(java.util.Locale.ROOT) + " (lake.schedule.enabled=false, or not the leader)");
        }
        if (schedule.getEndpoint() instanceof TimerEndpoint timer) {
            Instant started = now.minusMillis(schedule.getUptimeMillis());
            Instant tick = lastTick.get(id);
            Instant at = tick != null && !tick.isBefore(started) ? tick.plusMillis(timer.getPeriod())
                    : started.plusMillis(timer.getDelay());
            // A tick whose run outlasts the period: the timer fires again as soon as that run ends.
            return at.isBefore(now) ? new Next(now, id, rule, false, "as soon as the run in progress ends")
                    : new Next(at, id, rule, false, null);
        }
        QuartzEndpoint quartz = (QuartzEndpoint) schedule.getEndpoint();
        try {
            Trigger trigger = ((QuartzComponent) quartz.getComponent()).getScheduler().getTrigger(quartz.getTriggerKey());
            if (trigger != null && trigger.getNextFireTime() != null) {
                return new Next(trigger.getNextFireTime().toInstant(), id, rule, false, null);
            }
            return new Next(null, id, rule, false, "its cron trigger fires no more");
        } catch (Exception e) {
            return new Next(null, id, rule, false, "Quartz did not say: " + e.getMessage());
        }
    }

    private static String cron(QuartzEndpoint quartz) {
        String uri = java.net.URLDecoder.decode(quartz.getEndpointUri(), java.nio.charset.StandardCharsets.UTF_8);
        int i = uri.indexOf("cron=");
        if (i < 0) {
            return "?";
        }
        int end = uri.indexOf('&', i);
        return uri.substring(i + 5, end < 0 ? uri.length() : end).replace('+', ' ');
    }

    /** Follows the sends of a route's processors to the flows they reach, in the order they run. */
    private static void walk(CamelContext context, Navigate<Processor> nav, Set<String> flows, List<String> found,
                             Set<String> visited) {
        if (nav != null && nav.next() != null) {
            steps(context, nav.next(), flows, found, visited);
        }
    }

    private static void steps(CamelContext context, List<Processor> steps, Set<String> flows, List<String> found,
                              Set<String> visited) {
        for (Processor p : steps) {
            if (p instanceof SendProcessor send) {
                Route target = consumerOf(context, send.getDestination());
                if (target != null && visited.add(target.getRouteId())) {
                    if (flows.contains(target.getRouteId())) {
                        found.add(target.getRouteId()); // a flow: what it does inside is its own business
                    } else {
                        walk(context, target.navigate(), flows, found, visited);
                    }
                }
            } else if (p instanceof ChoiceProcessor choice) {
                walkChoice(context, choice, flows, found, visited);
            } else if (p instanceof FilterProcessor filter) {
                // A filter on the moment (athena-report-ready: only when reports wait for a table) is no schedule.
                if (Boolean.TRUE.equals(constant(context, filter.getPredicate()))) {
                    walk(context, filter, flows, found, visited);
                }
            } else if (p instanceof Navigate<?> inner) {
                @SuppressWarnings("unchecked")
                Navigate<Processor> next = (Navigate<Processor>) inner;
                walk(context, next, flows, found, visited);
            }
        }
    }

    /** A choice on settings alone ('query' == 'aggregates' once placeholders are resolved) takes its one branch. */
    private static void walkChoice(CamelContext context, ChoiceProcessor choice, Set<String> flows, List<String> found,
                                   Set<String> visited) {
        for (FilterProcessor when : choice.getFilters()) {
            Boolean constant = constant(context, when.getPredicate());
            if (constant == null || constant) {
                walk(context, when, flows, found, visited);
            }
            if (constant != null && constant) {
                return; // the branch the settings take; the others never run
            }
        }
        if (choice.getOtherwise() instanceof Navigate<?> otherwise) {
            @SuppressWarnings("unchecked")
            Navigate<Processor> next = (Navigate<Processor>) otherwise;
            walk(context, next, flows, found, visited);
        } else if (choice.getOtherwise() != null) {
            steps(context, List.of(choice.getOtherwise()), flows, found, visited);
        }
    }

    /**
     * The predicate's value when it is made of constants only (its text has no ${…} and calls no bean), else null:
     * only such predicates are evaluated, on an empty exchange, so nothing of a flow runs to draw the page.
     */
    static Boolean constant(CamelContext context, Predicate predicate) {
        String text = String.valueOf(predicate);
        if (text.contains("${") || text.contains("bean") || text.contains("method") || text.contains("header")
                || text.contains("exchangeProperty") || text.contains("body")) {
            return null;
        }
        try {
            return predicate.matches(new DefaultExchange(context));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static Route consumerOf(CamelContext context, Endpoint endpoint) {
        for (Route r : context.getRoutes()) {
            if (r.getEndpoint() == endpoint || r.getEndpoint().getEndpointUri().equals(endpoint.getEndpointUri())) {
                return r;
            }
        }
        return null;
    }

    static String human(Duration d) {
        long s = d.toSeconds();
        if (s % 86_400 == 0) {
            return s / 86_400 + "d";
        }
        if (s % 3600 == 0) {
            return s / 3600 + "h";
        }
        if (s % 60 == 0) {
            return s / 60 + "m";
        }
        return d.toMillis() % 1000 == 0 ? s + "s" : d.toMillis() + "ms";
    }
}
