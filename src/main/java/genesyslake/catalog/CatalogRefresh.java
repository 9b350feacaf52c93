package genesyslake.catalog;

import genesyslake.config.Durations;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.Message;
import software.amazon.awssdk.services.athena.model.GetQueryExecutionResponse;
import software.amazon.awssdk.services.athena.model.QueryExecutionState;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.Crawler;
import software.amazon.awssdk.services.glue.model.EntityNotFoundException;
import software.amazon.awssdk.services.glue.model.LastCrawlInfo;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * The catalog-refresh route's bean: one Glue request per step of the crawler flow (the waiting is the route's),
 * and the projection DDL for glue.mode=projection.
 */
public final class CatalogRefresh {

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
    private final String sourceBucket;
    private final String database;

    public CatalogRefresh(GlueClient glue, String sourceBucket, String database) {
        this.glue = glue;
        this.sourceBucket = sourceBucket;
        this.database = database;
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

    public List<String> projectionDdl() {
        return ProjectionDdl.statements(database, sourceBucket);
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
