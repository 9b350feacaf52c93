package genesyslake.catalog;

import org.apache.camel.Exchange;
import software.amazon.awssdk.services.athena.model.GetQueryExecutionResponse;
import software.amazon.awssdk.services.athena.model.QueryExecutionState;
import software.amazon.awssdk.services.glue.GlueClient;

import java.time.Duration;
import java.util.List;

/** The catalog-refresh route's bean: runs the crawler (glue.mode=crawler) or hands out projection DDL. */
public final class CatalogRefresh {

    private final CrawlerRunner crawler;
    private final String crawlerName;
    private final Duration maxWait;
    private final Duration pollDelay;
    private final String sourceBucket;
    private final String database;

    public CatalogRefresh(GlueClient glue, String crawlerName, Duration maxWait, Duration pollDelay, String sourceBucket,
            String database) {
        this.crawler = new CrawlerRunner(glue);
        this.crawlerName = crawlerName;
        this.maxWait = maxWait;
        this.pollDelay = pollDelay;
        this.sourceBucket = sourceBucket;
        this.database = database;
    }

    public String refresh() {
        return crawler.refresh(crawlerName, maxWait, pollDelay).toString();
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
}
