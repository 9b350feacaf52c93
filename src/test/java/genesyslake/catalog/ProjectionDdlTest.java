package genesyslake.catalog;

import genesyslake.local.aws.LocalAws;
import genesyslake.local.aws.LocalAwsSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.athena.model.Datum;
import software.amazon.awssdk.services.athena.model.QueryExecution;
import software.amazon.awssdk.services.athena.model.QueryExecutionState;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ensures the partition-projection DDL covers every lake table and defines queryable tables in local mode. */
class ProjectionDdlTest {

    @TempDir
    Path s3Root;

    @Test
    void oneCreateTablePerLakeTableWithItsLocationAndProjection() {
        List<String> ddl = ProjectionDdl.statements("genesysclouddb", "my-bucket");
        assertEquals("CREATE DATABASE IF NOT EXISTS `genesysclouddb`", ddl.get(0));
        LakeTables tables = new LakeTables("my-bucket");
        assertEquals(tables.all().size() + 1, ddl.size());
        for (LakeTables.LakeTable t : tables.all()) {
            String stmt = ddl.stream().filter(s -> s.contains("`genesysclouddb`.`" + t.name() + "`")).findFirst()
                    .orElseThrow(() -> new AssertionError("no DDL for " + t.name()));
            assertTrue(stmt.startsWith("CREATE EXTERNAL TABLE IF NOT EXISTS"), stmt);
            assertTrue(stmt.contains("LOCATION 's3://my-bucket/" + t.prefix() + "'"), stmt);
            assertTrue(stmt.contains("PARTITIONED BY (`" + t.partitionKey() + "` string)"), stmt);
            assertTrue(stmt.contains("'storage.location.template' = 's3://my-bucket/" + t.prefix() + t.partitionKey()
                    + "=${" + t.partitionKey() + "}/'"), stmt);
            String columns = stmt.substring(stmt.indexOf('('), stmt.indexOf("PARTITIONED BY"));
            assertFalse(columns.contains("`" + t.partitionKey() + "`"), "partition key repeated as a column: " + stmt);
        }
        assertEquals("my_bucket", tables.usage().name());
    }

    @Test
    void localAthenaRunsTheDdlAndTheSeedQueryThenWorks() throws Exception {
        CatalogRefreshRouteTest.gzip(s3Root.resolve("gc-usage-api-source/granularity=month/usage_1.json.gz"),
                "{\"clientId\":\"a\",\"status429\":3,\"date\":\"2024-01-01T00:00:00Z\",\"granularity\":\"month\"}\n"
                        + "{\"clientId\":\"b\",\"status429\":9,\"date\":\"2024-01-01T00:00:00Z\",\"granularity\":\"month\"}\n");
        CatalogRefreshRouteTest.gzip(s3Root.resolve("gc-usage-api-source/granularity=day/usage_1.json.gz"),
                "{\"clientId\":\"c\",\"status429\":99,\"date\":\"2024-01-01T00:00:00Z\",\"granularity\":\"day\"}\n");
        // A details folder under the same bucket must not leak into the usage table.
        CatalogRefreshRouteTest.gzip(s3Root.resolve("gc-usage-api-source/user_presence/date=2024-01-01/p.json.gz"),
                "{\"userId\":\"u\",\"systemPresence\":\"AVAILABLE\"}\n");
        try (LocalAws aws = new LocalAws(new LocalAwsSettings(0, s3Root, "genesysclouddb", "UsageApiCrawler",
                "UsageAPIWorkgroup", "gc-usage-api-results", List.of(), "x", "y")).start();
                AthenaClient athena = AthenaClient.builder().endpointOverride(URI.create(aws.endpoint()))
                        .region(Region.US_EAST_1).credentialsProvider(StaticCredentialsProvider.create(
                                AwsBasicCredentials.create("x", "y"))).build()) {
            for (String stmt : ProjectionDdl.statements("genesysclouddb", "gc-usage-api-source")) {
                QueryExecution q = run(athena, stmt);
                assertEquals(QueryExecutionState.SUCCEEDED, q.status().state(), q.status().stateChangeReason());
                assertEquals("DDL", q.statementTypeAsString());
            }
            QueryExecution seed = run(athena, "SELECT * FROM \"genesysclouddb\".\"gc_usage_api_source\" "
                    + "WHERE granularity='month' ORDER BY status429 DESC limit 10");
            assertEquals(QueryExecutionState.SUCCEEDED, seed.status().state(), seed.status().stateChangeReason());
            List<List<String>> rows = athena.getQueryResults(b -> b.queryExecutionId(seed.queryExecutionId()))
                    .resultSet().rows().stream().map(r -> r.data().stream().map(Datum::varCharValue).toList()).toList();
            int client = rows.get(0).indexOf("clientid");
            assertEquals(List.of("b", "a"), rows.subList(1, rows.size()).stream().map(r -> r.get(client)).toList());
            assertFalse(rows.get(0).contains("userid"), rows.get(0)::toString);
            QueryExecution presence = run(athena, "SELECT count(*) FROM user_presence WHERE \"date\" = '2024-01-01'");
            assertEquals(QueryExecutionState.SUCCEEDED, presence.status().state(), presence.status().stateChangeReason());
        }
    }

    static QueryExecution run(AthenaClient athena, String sql) throws InterruptedException {
        String id = athena.startQueryExecution(b -> b.queryString(sql).workGroup("UsageAPIWorkgroup")
                .queryExecutionContext(c -> c.database("genesysclouddb"))).queryExecutionId();
        for (int i = 0; i < 600; i++) {
            QueryExecution q = athena.getQueryExecution(b -> b.queryExecutionId(id)).queryExecution();
            if (q.status().state() != QueryExecutionState.QUEUED && q.status().state() != QueryExecutionState.RUNNING) {
                return q;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("query did not finish: " + sql);
    }

    @Test
    void crawlerTargetsFollowTheTables() {
        var targets = LakeTables.crawlerTargets("gc-usage-api-source");
        assertEquals("s3://gc-usage-api-source/", targets.get(0).path());
        assertEquals("gc_usage_api_source", targets.get(0).tableName());
        assertTrue(targets.get(0).exclusions().containsAll(List.of("conversations/**", "_manifests/**")));
        assertEquals(new LakeTables("gc-usage-api-source").folders().stream().map(LakeTables.LakeTable::name).toList(),
                targets.subList(1, targets.size()).stream().map(t -> t.tableName()).toList());
        Matcher m = Pattern.compile("s3://gc-usage-api-source/(\\w+)/").matcher(targets.get(1).path());
        assertTrue(m.matches(), targets.get(1).path());
    }
}
