package genesyslake;

import genesyslake.config.Settings;
import genesyslake.lake.HaCluster;
import genesyslake.management.FlowHistory;
import genesyslake.management.FlowSchedules;
import genesyslake.management.OneRunAtATime;
import org.apache.camel.CamelContext;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.impl.cluster.ClusteredRoutePolicyFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * How runs are controlled: the route policies that note each flow's runs and ticks (and, under HA, start routes only on
 * the leader), one run of a flow at a time, and a stop that ends the runs in flight quickly. Route policy factories
 * apply to the routes created after them, so this part comes before camel-main loads the routes.
 */
final class RunControlConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(RunControlConfiguration.class);

    private RunControlConfiguration() {
    }

    /** What the management shows and uses: the flows' recent runs, their next ticks, and the one-run-at-a-time rule. */
    record RunControl(FlowHistory history, FlowSchedules schedules, OneRunAtATime oneRunAtATime) {
    }

    static RunControl install(Wiring w) throws Exception {
        CamelContext context = w.context();
        Settings s = w.settings();
        // Every flow route gets them, and a route file added later too.
        FlowHistory history = new FlowHistory(10, w.clock());
        context.addRoutePolicyFactory(history);
        FlowSchedules schedules = new FlowSchedules(w.clock());
        context.addRoutePolicyFactory(schedules); // notes the timers' ticks, for each flow's next run on the page
        OneRunAtATime oneRunAtATime = new OneRunAtATime();
        w.registry().bind("oneRunAtATime", oneRunAtATime);
        // A stop (SIGTERM) tells every run to end at its next page (OneRunAtATime gives each run a RunCancel that says
        // so), so Camel's wait for the runs in flight is short; lake.shutdown.timeout bounds it (Camel's own: 45 s).
        context.getShutdownStrategy().setTimeUnit(TimeUnit.MILLISECONDS);
        context.getShutdownStrategy().setTimeout(s.duration("lake.shutdown.timeout", Duration.ofSeconds(15)).toMillis());

        if (HaCluster.enabled(s)) {
            // Several instances for availability, one exporting: routes start only on the leader (file lock or Lease).
            CamelClusterService cluster = HaCluster.service(s);
            context.addService(cluster);
            context.addRoutePolicyFactory(ClusteredRoutePolicyFactory.forNamespace("genesys-lake"));
            LOG.info("High availability ({}): routes run only while this instance ({}) leads", HaCluster.mode(s),
                    cluster.getId() == null ? "the pod's host name" : cluster.getId());
        }
        return new RunControl(history, schedules, oneRunAtATime);
    }
}
