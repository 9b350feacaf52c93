package genesyslake.local.aws;

import genesyslake.catalog.LakeTables;
import genesyslake.testsupport.FlowTest;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.athena.model.Datum;
import software.amazon.awssdk.services.athena.model.GetQueryResultsResponse;
import software.amazon.awssdk.services.athena.model.QueryExecutionState;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ensures camel-aws2-athena (endpoint override, its own waiting, SelectList results) works against LocalAws. */
@FlowTest
class LocalAwsCamelAthenaTest {

    @TempDir
    Path s3Root;

    @Test
    void seedQueryThroughCamelAws2Athena() throws Exception {
        LocalAwsTest.gzip(s3Root.resolve("gc-usage-api-source/granularity=month/usage_1.json.gz"), List.of(
                Map.of("clientId", "a", "status429", 5, "granularity", "month"),
                Map.of("clientId", "b", "status429", 50, "granularity", "month"),
                Map.of("clientId", "c", "status429", 500, "granularity", "day")));
        Files.createDirectories(s3Root.resolve("gc-usage-api-results"));
        try (LocalAws aws = new LocalAws(new LocalAwsSettings(0, s3Root, "genesysclouddb", "UsageApiCrawler",
                "UsageAPIWorkgroup", "gc-usage-api-results", genesyslake.testsupport.ShippedFlows.crawlerTargets("gc-usage-api-source"), "dummy", "dummy")).start();
                CamelContext camel = new DefaultCamelContext()) {
            String common = "?overrideEndpoint=true&uriEndpointOverride=" + aws.endpoint()
                    + "&accessKey=RAW(dummy)&secretKey=RAW(dummy)&region=us-east-1";
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:query")
                            .to("aws2-athena:report" + common + "&operation=startQueryExecution&database=genesysclouddb"
                                    + "&workGroup=UsageAPIWorkgroup&outputLocation=s3://gc-usage-api-results/"
                                    + "&waitTimeout=60000&initialDelay=50&delay=100")
                            .to("aws2-athena:report" + common + "&operation=getQueryResults&outputType=SelectList");
                    from("direct:bad")
                            .to("aws2-athena:report" + common + "&operation=startQueryExecution&database=genesysclouddb"
                                    + "&workGroup=UsageAPIWorkgroup&outputLocation=s3://gc-usage-api-results/"
                                    + "&waitTimeout=60000&initialDelay=50&delay=100");
                }
            });
            camel.start();
            ProducerTemplate producer = camel.createProducerTemplate();
            Exchange ok = producer.request("direct:query", e -> e.getIn().setBody(
                    "SELECT * FROM \"genesysclouddb\".\"gc_usage_api_source\" WHERE granularity='month' "
                            + "ORDER BY status429 DESC limit 10"));
            assertEquals(null, ok.getException());
            GetQueryResultsResponse results = ok.getMessage().getBody(GetQueryResultsResponse.class);
            List<List<String>> rows = results.resultSet().rows().stream()
                    .map(r -> r.data().stream().map(Datum::varCharValue).toList()).toList();
            int client = rows.get(0).indexOf("clientid");
            // c's JSON says "day" but it sits in granularity=month/: the partition folder decides, as with a partition-only
            // declaration in Athena.
            assertEquals(List.of("c", "b", "a"), rows.subList(1, rows.size()).stream().map(r -> r.get(client)).toList());

            Exchange bad = producer.request("direct:bad", e -> e.getIn().setBody("SELECT nope FROM gc_usage_api_source"));
            assertEquals(null, bad.getException());
            assertEquals(QueryExecutionState.FAILED,
                    bad.getMessage().getHeader("CamelAwsAthenaQueryExecutionState", QueryExecutionState.class));
            String id = bad.getMessage().getHeader("CamelAwsAthenaQueryExecutionId", String.class);
            assertTrue(id != null && !id.isEmpty());
        }
    }
}
