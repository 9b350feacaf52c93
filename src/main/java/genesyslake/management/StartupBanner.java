package genesyslake.management;

import genesyslake.config.Settings;
import genesyslake.local.LocalStack;
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
    /** The shipped local S3 secret: public in the repository, so a banner may print it. */
    private static final String SHIPPED_LOCAL_SECRET = "local-secret-key";

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
        LocalStack local = context.getRegistry().lookupByNameAndType("localStack", LocalStack.class);
        String source = settings.string("lake.source-bucket");
        if (local != null) {
            if (local.genesys() != null) {
                b.append("  Local Genesys Cloud   : ").append(local.genesys().baseUrl()).append('\n');
            }
            b.append("  Local S3              : ").append(local.s3().endpoint()).append("  (data in ").append(local.s3().root())
                    .append(")\n");
            b.append("  Local Glue + Athena   : ").append(local.aws().endpoint()).append('\n');
            String secret = settings.string("local.s3.secret-key");
            String secretArg = SHIPPED_LOCAL_SECRET.equals(secret) ? secret
                    : "\"$(sed -n 's/^local.s3.secret-key=//p' application.properties)\"";
            b.append("  Browse the lake       : AWS_ACCESS_KEY_ID=").append(settings.string("local.s3.access-key"))
                    .append(" AWS_SECRET_ACCESS_KEY=").append(secretArg).append(" AWS_DEFAULT_REGION=")
                    .append(settings.string("aws.region")).append(" aws --endpoint-url ").append(local.s3().endpoint())
                    .append(" s3 ls --recursive s3://").append(source).append("/\n");
        } else {
            b.append("  Lake                  : s3://").append(source).append("/ (AWS mode)\n");
        }
        b.append("  Reports (CSV)         : ").append(Path.of(settings.string("lake.reports-dir")).toAbsolutePath()).append('\n');
        b.append("  Flows                 : ").append(FlowRunner.flows(context)).append('\n');
        b.append("=================================");
        return b.toString();
    }
}
