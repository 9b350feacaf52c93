package genesyslake;

import genesyslake.catalog.CatalogRefresh;
import genesyslake.catalog.LakeCatalog;
import genesyslake.config.Settings;
import genesyslake.lake.LakeNames;
import genesyslake.report.Reports;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.EntityNotFoundException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;

import java.nio.file.Path;

/**
 * The lake's tables as the flows declare them (LakeCatalog), Glue kept in step with them (catalog) and the reports
 * over them (reports).
 */
final class CatalogConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(CatalogConfiguration.class);

    private CatalogConfiguration() {
    }

    static LakeCatalog bind(Wiring w, ModeConfiguration.Clients clients) throws Exception {
        Settings s = w.settings();
        GlueClient glue = clients.glue();
        // Derived from the routes when the context starts and after each reload: crawler targets, projection DDL and
        // the reports' table names all follow it.
        LakeCatalog lakeCatalog = new LakeCatalog(w.context(), s.string("lake.source-bucket"), w.flatFormat());
        w.registry().bind(LakeNames.CATALOG_BEAN, lakeCatalog);
        CatalogRefresh catalogRefresh = new CatalogRefresh(glue, lakeCatalog, s.string("glue.database"),
                w.flatFormat());
        w.registry().bind("catalog", catalogRefresh);
        if (clients.local()) {
            // The local crawler starts with no targets: it gets the flows' ones (and restores its views over them)
            // and a flow's other bucket exists, before any run.
            lakeCatalog.onChange(c -> {
                c.buckets().forEach(b -> createBucketIfMissing(clients.s3(), b));
                catalogRefresh.syncCrawler(s.string("glue.crawler"));
            });
        }
        w.context().addService(lakeCatalog, true, true);
        Reports reports = new Reports(Path.of(s.string("athena.reports-dir")), s.string("athena.reports", ""),
                Path.of(s.string("lake.reports-dir")), s.decimal("alert.rate-limit-share", 0.05));
        String database = s.string("glue.database");
        reports.setCatalog(lakeCatalog, table -> {
            try {
                glue.getTable(b -> b.databaseName(database).name(table));
                return true;
            } catch (EntityNotFoundException e) {
                return false;
            }
        });
        w.registry().bind("reports", reports);
        return lakeCatalog;
    }

    /** Local mode only: a flow may write to a bucket of its own, which the local S3 then has to have. */
    private static void createBucketIfMissing(S3Client s3, String bucket) {
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (NoSuchBucketException e) {
            s3.createBucket(b -> b.bucket(bucket));
            LOG.info("Local S3: created bucket {} for the flows that write there", bucket);
        }
    }
}
