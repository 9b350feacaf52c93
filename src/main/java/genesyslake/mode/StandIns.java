package genesyslake.mode;

import genesyslake.catalog.CrawlerTarget;
import genesyslake.config.Settings;
import org.apache.camel.Service;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * What local mode ({@code lake.mode=local}) needs in place of Genesys Cloud, S3, Glue and Athena. The product only knows
 * this interface; the stand-ins (src/local, {@code genesyslake.local}) implement it and are found with
 * {@link ServiceLoader}, so an artifact without them (genesys-lake-production.jar) runs AWS mode only.
 */
public interface StandIns {

    /** The artifact this refusal points at instead. */
    String FULL_JAR = "target/genesys-lake.jar";

    /**
     * Starts the stand-ins and creates the buckets, and returns once they listen; a port in use fails in one line naming
     * its setting, after stopping what had started. What a stand-in still does after listening (the local Athena
     * opening DuckDB) goes on while the routes load: {@link Running} waits for it when the context starts it, before
     * any route starts, and a failure there fails the start.
     */
    Running start(Needs needs) throws Exception;

    /**
     * What the product gives them: its settings (ports, credentials, data folder), whether to serve Genesys too (not
     * when {@code genesys.api-url} points elsewhere), the crawler targets its catalog declares and the buckets it
     * writes.
     */
    record Needs(Settings settings, boolean withGenesys, List<CrawlerTarget> crawlerTargets, List<String> buckets) {

        public Needs {
            crawlerTargets = List.copyOf(crawlerTargets);
            buckets = List.copyOf(buckets);
        }
    }

    /**
     * Started stand-ins: where the product's clients point, and a Camel service that the context starts (it returns
     * once every stand-in is ready) and stops (they stop with it).
     */
    interface Running extends Service {

        /** The in-process Genesys Cloud's base URL (API and login), or empty when it was not asked for. */
        Optional<URI> genesysUrl();

        /** The S3 endpoint (path-style). */
        URI s3Endpoint();

        /** One endpoint serving Glue and Athena. */
        URI awsEndpoint();

        /** The folder the S3 objects live in, as {@code <root>/<bucket>/<key>}. */
        Path s3Root();

        /** What the start-up banner shows about them, label to value, in order. */
        Map<String, String> banner();
    }

    /** The stand-ins this artifact carries, if any. */
    static Optional<StandIns> find() {
        return ServiceLoader.load(StandIns.class, StandIns.class.getClassLoader()).findFirst();
    }

    /**
     * The stand-ins, or a refusal naming the setting when this artifact has none.
     *
     * @param defaulted true when lake.mode is blank and local mode was chosen because no client id is set
     */
    static StandIns required(boolean defaulted) {
        return find().orElseThrow(() -> new Settings.SettingsException("lake.mode", (defaulted
                ? "is blank and genesys.client-id is not set, which means local mode; local mode"
                : "is local, which") + " needs the local stand-ins (Genesys Cloud, S3, Glue/Athena), and this artifact "
                + "(genesys-lake-production.jar) does not carry them: run " + FULL_JAR + ", or set lake.mode=aws with "
                + "genesys.client-id and genesys.client-secret"));
    }
}
