package genesyslake.catalog;

import genesyslake.config.Durations;
import genesyslake.lake.FlatFormat;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.athena.model.GetQueryExecutionResponse;
import software.amazon.awssdk.services.athena.model.QueryExecutionState;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.Crawler;
import software.amazon.awssdk.services.glue.model.EntityNotFoundException;
import software.amazon.awssdk.services.glue.model.LastCrawlInfo;
import software.amazon.awssdk.services.glue.model.Table;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * The catalog-refresh route's bean: one Glue request per step of the crawler flow (the waiting is the route's),
 * and the projection DDL for glue.mode=projection.
 */
public final class CatalogRefresh {

    private static final Logger LOG = LoggerFactory.getLogger(CatalogRefresh.class);

    /** Header: which crawler the steps act on. */
    public static final String CRAWLER = "GlueCrawler";
    /** Header: the crawler's State at the last read (READY, RUNNING, STOPPING). */
    public static final String STATE = "GlueCrawlerState";
    /** Header: which crawl Glue last finished (its start time and message prefix), absent before the first. */
    public static final String LAST_CRAWL = "GlueCrawlerLastCrawl";
    /** Header: how that crawl ended (SUCCEEDED, FAILED, CANCELLED). */
    public static final String LAST_CRAWL_STATUS = "GlueCrawlerLastCrawlStatus";
    /** Header: Glue's error message for that crawl, if any. */
    public static final String LAST_CRAWL_MESSAGE = "GlueCrawlerLastCrawlMessage";
    /** Exchange property: when the refresh began (a {@link Date}). */
    public static final String REFRESH_STARTED = "GlueRefreshStarted";

    private final GlueClient glue;
    private final java.util.function.Supplier<FlowCatalog> catalog;
    private final String database;
    private final FlatFormat flatFormat;

    public CatalogRefresh(GlueClient glue, java.util.function.Supplier<FlowCatalog> catalog, String database,
            FlatFormat flatFormat) {
        this.glue = glue;
        this.catalog = catalog;
        this.database = database;
        this.flatFormat = flatFormat;
    }

    /**
     * GetCrawler, and UpdateCrawler when its S3 targets (paths and exclusions) are not the ones the flows' tables
     * need: the crawler follows the flows (a flow moved to another prefix or bucket, a new flow). One INFO line names
     * what changed. Returns whether it updated.
     */
    public boolean syncCrawler(@Header(CRAWLER) String crawler) {
        Crawler c;
        try {
            c = glue.getCrawler(b -> b.name(crawler)).crawler();
        } catch (EntityNotFoundException e) {
            throw notFound(crawler, e);
        }
        List<CrawlerTarget> wanted = catalog.get().crawlerTargets();
        List<CrawlerTarget> has = c.targets() == null || c.targets().s3Targets() == null ? List.of()
                : c.targets().s3Targets().stream().map(t -> new CrawlerTarget(t.path(),
                        t.exclusions() == null ? List.of() : t.exclusions().stream().sorted().toList())).toList();
        if (java.util.Set.copyOf(has).equals(java.util.Set.copyOf(wanted))) {
            return false;
        }
        if (!"READY".equals(c.stateAsString())) {
            LOG.info("Crawler {} is {}: its targets are updated for the flows' tables at the next refresh", crawler,
                    c.stateAsString());
            return false;
        }
        List<String> added = wanted.stream().filter(t -> !has.contains(t)).map(CrawlerTarget::describe).toList();
        List<String> removed = has.stream().filter(t -> !wanted.contains(t)).map(CrawlerTarget::describe).toList();
        try {
            glue.updateCrawler(b -> b.name(crawler).targets(t -> t.s3Targets(wanted.stream()
                    .map(w -> software.amazon.awssdk.services.glue.model.S3Target.builder().path(w.path())
                            .exclusions(w.exclusions()).build()).toList())));
        } catch (software.amazon.awssdk.services.glue.model.CrawlerRunningException e) {
            throw e;
        } catch (software.amazon.awssdk.services.glue.model.GlueException e) {
            // A stack from before glue:UpdateCrawler was granted (or a Glue that lacks it) still gets its crawl; the
            // tables of the flows that moved stay uncatalogued until the targets are updated.
            LOG.warn("Crawler {} keeps its targets: UpdateCrawler failed ({}). The flows' tables need targets added {}, "
                    + "removed {} (cloudformation/genesys-lake.template.yaml, or the Glue console)", crawler,
                    e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage(), added, removed);
            return false;
        }
        LOG.info("Crawler {} now follows the flows' tables: targets added {}, removed {}", crawler, added, removed);
        return true;
    }

    /** GetCrawler: puts the crawler's state and its last crawl in headers. */
    public void readState(@Header(CRAWLER) String crawler, Message message) {
        Crawler c;
        try {
            c = glue.getCrawler(b -> b.name(crawler)).crawler();
        } catch (EntityNotFoundException e) {
            throw notFound(crawler, e);
        }
        message.setHeader(STATE, c.stateAsString());
        LastCrawlInfo last = c.lastCrawl();
        setOrRemove(message, LAST_CRAWL, last == null ? null : last.startTime() + " " + last.messagePrefix());
        setOrRemove(message, LAST_CRAWL_STATUS, last == null ? null : last.statusAsString());
        setOrRemove(message, LAST_CRAWL_MESSAGE, last == null ? null : last.errorMessage());
    }

    /** StartCrawler. A CrawlerRunningException (someone else started it first) is left to the route. */
    public void start(@Header(CRAWLER) String crawler) {
        try {
            glue.startCrawler(b -> b.name(crawler));
        } catch (EntityNotFoundException e) {
            throw notFound(crawler, e);
        }
    }

    /** The instant {@code maxWait} ("15m", "700ms", "PT1H") from now: the bound on every wait of one refresh. */
    public Date deadline(String maxWait) {
        return Date.from(Instant.now().plus(Durations.parse(maxWait)));
    }

    /**
     * The refresh's outcome from the last state read: a FAILED or CANCELLED LastCrawl fails the flow with Glue's
     * message.
     */
    public CrawlOutcome checkOutcome(@Header(CRAWLER) String crawler, @Header(LAST_CRAWL_STATUS) String status,
            @Header(LAST_CRAWL_MESSAGE) String message, @ExchangeProperty(REFRESH_STARTED) Date started) {
        String outcome = status == null ? "UNKNOWN" : status;
        if ("FAILED".equals(outcome) || "CANCELLED".equals(outcome)) {
            throw new CatalogException("Crawler " + crawler + " " + outcome + ": "
                    + (message == null ? "(Glue gave no message)" : message));
        }
        Duration took = started == null ? Duration.ZERO : Duration.between(started.toInstant(), Instant.now());
        return new CrawlOutcome(crawler, outcome, took, message);
    }

    /**
     * The projection DDL to run. {@code CREATE ... IF NOT EXISTS} would keep a table defined with the other storage
     * (lake.flat-format changed since it was created), so such a table is dropped first: with partition projection
     * nothing but the definition is lost, and its objects stay.
     */
    public List<String> projectionDdl() {
        FlowCatalog flows = catalog.get();
        List<String> create = ProjectionDdl.statements(database, flows);
        List<FlowCatalog.FlowTable> tables = flows.tables();
        List<String> ddl = new ArrayList<>();
        ddl.add(create.get(0));
        for (int i = 0; i < tables.size(); i++) {
            LakeTables.LakeTable t = tables.get(i).table();
            LakeTables.Storage catalogued = cataloguedStorage(t.name());
            if (catalogued != null && catalogued != t.storage()) {
                LOG.info("Table {} is catalogued as {} but lake.flat-format={} stores it as {}: redefining it",
                        t.name(), catalogued, flatFormat.name().toLowerCase(java.util.Locale.ROOT), t.storage());
                ddl.add(ProjectionDdl.drop(database, t.name()));
            }
            ddl.add(create.get(i + 1));
        }
        return ddl;
    }

    /** How Glue says a table is stored, from its SerDe; null when the table (or its SerDe) is not there. */
    LakeTables.Storage cataloguedStorage(String table) {
        Table t;
        try {
            t = glue.getTable(b -> b.databaseName(database).name(table)).table();
        } catch (EntityNotFoundException e) {
            return null;
        }
        String serde = t.storageDescriptor() == null || t.storageDescriptor().serdeInfo() == null ? null
                : t.storageDescriptor().serdeInfo().serializationLibrary();
        if (serde == null || serde.isBlank()) {
            return null;
        }
        return serde.toLowerCase(java.util.Locale.ROOT).contains("parquet") ? LakeTables.Storage.PARQUET
                : LakeTables.Storage.JSON;
    }

    public void checkDdl(Exchange exchange) {
        GetQueryExecutionResponse r = exchange.getIn().getBody(GetQueryExecutionResponse.class);
        if (r == null || r.queryExecution().status().state() != QueryExecutionState.SUCCEEDED) {
            throw new CatalogException("Athena DDL failed: " + (r == null ? "no answer"
                    : r.queryExecution().status().stateChangeReason()) + " for: " + exchange.getIn().getHeader("CamelAwsAthenaQueryString"));
        }
    }

    private static void setOrRemove(Message message, String header, String value) {
        if (value == null) {
            message.removeHeader(header);
        } else {
            message.setHeader(header, value);
        }
    }

    private static CatalogException notFound(String name, EntityNotFoundException e) {
        return new CatalogException("Glue crawler " + name + " does not exist: " + e.awsErrorDetails().errorMessage(), e);
    }
}
