package genesyslake.management;

import genesyslake.config.Settings;
import genesyslake.mode.StandIns;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * Once the daemon has started (after Camel's property summary, so it is the last thing on screen): every endpoint it
 * serves, where reports and data go, and a command to browse the local lake that works when pasted.
 */
public final class StartupBanner extends EventNotifierSupport {

    private static final Logger LOG = LoggerFactory.getLogger(StartupBanner.class);

    private final CamelContext context;
    private final Settings settings;

    public StartupBanner(CamelContext context, Settings settings) {
        this.context = context;
        this.settings = settings;
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.CamelContextStartedEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        LOG.info("{}", text());
    }

    String text() {
        StringBuilder b = new StringBuilder("\n==== genesys-lake is running ====\n");
        if (settings.bool("camel.management.enabled", false)) {
            // The port bound, not the setting: with camel.management.port=0 Vert.x picks one.
            String port = ManagementPort.actual(context).stream().mapToObj(String::valueOf).findFirst()
                    .orElse(settings.string("camel.management.port", "8080"));
            String base = "http://" + settings.string("camel.management.host", "0.0.0.0") + ":" + port;
            b.append("  Status page           : ").append(base).append("/\n");
            b.append("  Health                : ").append(base).append("/observe/health\n");
            b.append("  Metrics (Prometheus)  : ").append(base).append("/metrics\n");
            b.append("  Jolokia (JMX, HTTP)   : ").append(base).append("/observe/jolokia/  (operations: lake.management.user)\n");
        }
        b.append("  JMX                   : genesyslake:type=Flows (jconsole, or any JMX client)\n");
        StandIns.Running local = context.getRegistry().lookupByNameAndType("localStack", StandIns.Running.class);
        if (local != null) {
            local.banner().forEach((label, value) -> b.append(String.format("  %-22s: %s\n", label, value)));
        } else {
            b.append("  Lake                  : s3://").append(settings.string("lake.source-bucket")).append("/ (AWS mode)\n");
        }
        b.append("  Reports (CSV)         : ").append(Path.of(settings.string("lake.reports-dir")).toAbsolutePath()).append('\n');
        b.append("  Flows                 : ").append(FlowRunner.flows(context)).append('\n');
        b.append("=================================");
        return b.toString();
    }
}
