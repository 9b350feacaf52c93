package genesyslake;

import genesyslake.catalog.LakeCatalog;
import genesyslake.config.Settings;
import genesyslake.genesys.GenesysHttp;
import genesyslake.management.FlowHealth;
import genesyslake.management.FlowRunner;
import genesyslake.management.FlowRuns;
import genesyslake.management.Flows;
import genesyslake.management.JmxRegistration;
import genesyslake.management.JolokiaOffTheQueue;
import genesyslake.management.LakeMetrics;
import genesyslake.management.ManagementSecurity;
import genesyslake.management.RemoteJmx;
import genesyslake.management.RouteReloadGuard;
import genesyslake.management.StartupBanner;
import genesyslake.management.StatusPage;
import genesyslake.management.StatusServer;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheckRegistry;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Operating the daemon: the reload guard and the start-up banner, who may manage it, the flow runner and the runs it
 * starts, the Flows MBean (JMX, remote JMX, Jolokia), the status page, metrics and per-flow health.
 */
final class ManagementConfiguration {

    private ManagementConfiguration() {
    }

    static void install(Wiring w, S3Client s3, LakeCatalog lakeCatalog, StorageConfiguration.Storage storage,
            GenesysHttp genesys, RunControlConfiguration.RunControl run) throws Exception {
        CamelContext context = w.context();
        Settings s = w.settings();
        // After a reload the catalog follows the edited flows; an edit whose tables clash is put back.
        context.getManagementStrategy().addEventNotifier(new RouteReloadGuard(context, () -> lakeCatalog.rebuild()));
        context.getManagementStrategy().addEventNotifier(new StartupBanner(context, s));
        String operatorPassword = ManagementSecurity.operatorPassword(s);
        ManagementSecurity.install(context, s.string("lake.management.user", ""), operatorPassword,
                s.string("lake.management.allowed-hosts", ""));

        FlowRunner flows = new FlowRunner(context);
        w.registry().bind("flows", flows);
        FlowRuns flowRuns = new FlowRuns(context, run.oneRunAtATime(), s.integer("lake.management.run-threads", 4), 50);
        context.addService(flowRuns, true, true);
        Flows flowsMBean = new Flows(flows, storage.watermarks(), s.integer("details.max-days-per-run", 7),
                s.integer(Flows.CONFIRM_DAYS, 92), flowRuns).order(s.string(Flows.ORDER, "oldest-first"));
        w.registry().bind("flowsMBean", flowsMBean);
        context.addService(new JmxRegistration(flowsMBean.timeBoxed(s.duration("lake.management.sync-timeout",
                Duration.ofSeconds(30))), Flows.OBJECT_NAME), true, true);
        RemoteJmx remoteJmx = RemoteJmx.fromSettings(s, s.string("lake.management.user", ""), operatorPassword);
        if (remoteJmx != null) {
            context.addService(remoteJmx, true, true);
        }
        JolokiaOffTheQueue.install(context);

        FlowHealth flowHealth = new FlowHealth(run.history(), storage.watermarks(),
                key -> context.getPropertiesComponent().resolveProperty(key).filter(v -> !v.isBlank()), w.clock()::instant);
        StatusServer.install(context, new StatusPage(() -> FlowRunner.flows(context), run.history(), storage.watermarks(),
                new StatusPage.S3Manifests(s3, s.string("lake.source-bucket")), Path.of(s.string("lake.reports-dir")),
                s.string("lake.status.chart-report", "top10-rate-limited-clients"), s.integer("lake.status.days", 14),
                (int) s.duration("lake.status.refresh", Duration.ofSeconds(10)).toSeconds(), w.clock())
                .withHealth(flowHealth)
                .withSchedules(names -> run.schedules().next(context, names)));
        LakeMetrics metrics = new LakeMetrics(context, genesys.stats(), storage.watermarks());
        context.addService(metrics, true, false);
        storage.runs().onRunEnded(r -> metrics.runEnded(r.flow(), r.records().get(), r.pages().get(), r.complete()));
        registerHealth(context, flowHealth);
    }

    /** Per-flow readiness checks on Camel's health-check registry (served at /observe/health on the management port). */
    private static void registerHealth(CamelContext context, FlowHealth health) {
        HealthCheckRegistry registry = HealthCheckRegistry.get(context);
        if (registry != null) {
            registry.register(health);
        } else {
            context.getRegistry().bind(FlowHealth.ID, health); // camel-main registers repositories found here
        }
    }
}
