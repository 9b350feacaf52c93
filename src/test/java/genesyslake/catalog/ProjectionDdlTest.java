package genesyslake.catalog;

import genesyslake.testsupport.ShippedFlows;

import genesyslake.lake.FlatFormat;
import genesyslake.local.aws.LocalAws;
import genesyslake.local.aws.LocalAwsSettings;
import genesyslake.testsupport.FlowTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.athena.model.Datum;
import software.amazon.awssdk.services.athena.model.QueryExecution;
import software.amazon.awssdk.services.athena.model.QueryExecutionState;
import software.amazon.awssdk.services.glue.GlueClient;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ensures the partition-projection DDL covers every lake table and defines queryable tables in local mode. */
@FlowTest
class ProjectionDdlTest {

    @TempDir
    Path s3Root;

    @Test
    void oneCreateTablePerLakeTableWithItsLocationAndProjection() {
        FlowCatalog catalog = ShippedFlows.catalog("my-bucket", FlatFormat.PARQUET);
        List<String> ddl = ProjectionDdl.statements("genesysclouddb", catalog);
        assertEquals("CREATE DATABASE IF NOT EXISTS `genesysclouddb`", ddl.get(0));
        assertEquals(catalog.tables().size() + 1, ddl.size());
        for (LakeTables.LakeTable t : catalog.tables().stream().map(FlowCatalog.FlowTable::table).toList()) {
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
        assertTrue(catalog.resolve("my_bucket").isPresent(), "the seed's usage table is named after the bucket");
        // Every seed table shape is in the DDL, and the usage-daily flow's tables of its own beside them.
        for (LakeTables.LakeTable t : new LakeTables("my-bucket").all()) {
            assertTrue(ddl.stream().anyMatch(s -> s.contains("`genesysclouddb`.`" + t.name() + "`")), t.name());
        }
        assertTrue(ddl.stream().anyMatch(s -> s.contains("`usage_daily_rows`") && s.contains("s3://my-bucket/usage-daily_rows/")));
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
            for (String stmt : ProjectionDdl.statements("genesysclouddb", ShippedFlows.catalog("gc-usage-api-source", FlatFormat.NDJSON))) {
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

    @Test
    void parquetModeStoresTheCuratedTablesAsParquetWithTimestampsAndTheRawOnesAsJson() {
        List<String> ddl = ProjectionDdl.statements("genesysclouddb", ShippedFlows.catalog("my-bucket", FlatFormat.PARQUET));
        LakeTables tables = new LakeTables("my-bucket", FlatFormat.PARQUET);
        List<String> curated = tables.curatedTables().stream().map(LakeTables.LakeTable::name).toList();
        assertEquals(List.of("conversation_segments", "user_presence", "user_routing_status", "agent_status_daily",
                "agent_handle_daily", "queue_daily", "usage_requests"), curated);
        for (LakeTables.LakeTable t : tables.all()) {
            String stmt = statementFor(ddl, t.name());
            // The reference dims (dim_*) are Parquet in either flat format.
            if (curated.contains(t.name()) || t.name().startsWith("dim_")) {
                assertEquals(LakeTables.Storage.PARQUET, t.storage(), t.name());
                assertTrue(stmt.contains("\nSTORED AS PARQUET\n"), stmt);
                assertTrue(stmt.contains("'classification' = 'parquet'"), stmt);
                assertFalse(stmt.contains("JsonSerDe") || stmt.contains("gzip"), stmt);
            } else {
                assertTrue(stmt.contains("ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'"), stmt);
                assertFalse(stmt.contains("PARQUET"), stmt);
            }
        }
        assertTrue(statementFor(ddl, "conversation_segments").contains("  `segmentstart` timestamp,\n"));
        assertTrue(statementFor(ddl, "user_presence").contains("  `starttime` timestamp,\n"));
        assertTrue(statementFor(ddl, "usage_requests").contains("  `date` timestamp,\n"));
        assertTrue(statementFor(ddl, "usage_requests").contains("'projection.granularity.values' = 'day,week,month'"));
        // The raw usage table the seed's query reads keeps its text date and JSON SerDe.
        assertTrue(statementFor(ddl, "my_bucket").contains("  `date` string,\n"));
    }

    @Test
    void ndjsonModeKeepsEveryTableJsonWithTextTimes() {
        List<String> ddl = ProjectionDdl.statements("genesysclouddb", ShippedFlows.catalog("my-bucket", FlatFormat.NDJSON));
        // Every table but the reference dims (dim_*: Parquet in either flat format).
        ddl.subList(1, ddl.size()).stream().filter(stmt -> !stmt.contains("`genesysclouddb`.`dim_")).forEach(stmt -> {
            assertTrue(stmt.contains("JsonSerDe"), stmt);
            assertFalse(stmt.contains("PARQUET") || stmt.contains(" timestamp"), stmt);
        });
        assertTrue(statementFor(ddl, "usage_requests").contains("LOCATION 's3://my-bucket/usage_requests/'"));
    }

    @Test
    void localAthenaDefinesParquetTablesAndRedefinesOnesCataloguedWithTheOtherStorage() throws Exception {
        Path bucket = s3Root.resolve("gc-usage-api-source");
        CatalogRefreshRouteTest.gzip(bucket.resolve("user_presence/date=2024-01-01/p.json.gz"),
                "{\"userId\":\"u\",\"startTime\":\"2024-01-01T09:00:00.000Z\",\"durationMs\":5,"
                        + "\"systemPresence\":\"AVAILABLE\"}\n");
        try (LocalAws aws = new LocalAws(new LocalAwsSettings(0, s3Root, "genesysclouddb", "UsageApiCrawler",
                "UsageAPIWorkgroup", "gc-usage-api-results", List.of(), "x", "y")).start();
                AthenaClient athena = AthenaClient.builder().endpointOverride(URI.create(aws.endpoint()))
                        .region(Region.US_EAST_1).credentialsProvider(StaticCredentialsProvider.create(
                                AwsBasicCredentials.create("x", "y"))).build();
                GlueClient glue = GlueClient.builder().endpointOverride(URI.create(aws.endpoint()))
                        .region(Region.US_EAST_1).credentialsProvider(StaticCredentialsProvider.create(
                                AwsBasicCredentials.create("x", "y"))).build()) {
            // First the lake is NDJSON and so is the catalog.
            for (String stmt : new CatalogRefresh(glue, () -> ShippedFlows.catalog("gc-usage-api-source", FlatFormat.NDJSON), "genesysclouddb",
                    FlatFormat.NDJSON).projectionDdl()) {
                assertEquals(QueryExecutionState.SUCCEEDED, run(athena, stmt).status().state(), stmt);
            }
            assertEquals("org.openx.data.jsonserde.JsonSerDe", serde(glue, "user_presence"));
            // Then lake.flat-format=parquet and the day is written again as Parquet.
            genesyslake.testsupport.ParquetLake.convert(bucket,
                    new LakeTables("gc-usage-api-source", FlatFormat.PARQUET).userPresence());
            CatalogRefresh parquet = new CatalogRefresh(glue, () -> ShippedFlows.catalog("gc-usage-api-source", FlatFormat.PARQUET), "genesysclouddb",
                    FlatFormat.PARQUET);
            List<String> ddl = parquet.projectionDdl();
            assertTrue(ddl.contains("DROP TABLE IF EXISTS `genesysclouddb`.`user_presence`"), ddl::toString);
            assertEquals(1, ddl.stream().filter(d -> d.startsWith("DROP")).count(),
                    "only the catalogued table whose storage changed is dropped: " + ddl);
            assertTrue(ddl.indexOf("DROP TABLE IF EXISTS `genesysclouddb`.`user_presence`")
                    < ddl.indexOf(statementFor(ddl, "user_presence")));
            for (String stmt : ddl) {
                QueryExecution q = run(athena, stmt);
                assertEquals(QueryExecutionState.SUCCEEDED, q.status().state(), q.status().stateChangeReason());
            }
            assertEquals("org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe", serde(glue, "user_presence"));
            QueryExecution q = run(athena, "SELECT starttime, durationms FROM user_presence WHERE \"date\" = '2024-01-01'");
            assertEquals(QueryExecutionState.SUCCEEDED, q.status().state(), q.status().stateChangeReason());
            List<String> row = athena.getQueryResults(b -> b.queryExecutionId(q.queryExecutionId())).resultSet().rows()
                    .get(1).data().stream().map(Datum::varCharValue).toList();
            assertEquals(List.of("2024-01-01 09:00:00.000", "5"), row);
            assertTrue(new CatalogRefresh(glue, () -> ShippedFlows.catalog("gc-usage-api-source", FlatFormat.PARQUET), "genesysclouddb", FlatFormat.PARQUET)
                    .projectionDdl().stream().noneMatch(d -> d.startsWith("DROP")), "nothing to redefine any more");
        }
    }

    private static String serde(GlueClient glue, String table) {
        return glue.getTable(b -> b.databaseName("genesysclouddb").name(table)).table().storageDescriptor().serdeInfo()
                .serializationLibrary();
    }

    private static String statementFor(List<String> ddl, String table) {
        return ddl.stream().filter(s -> s.startsWith("CREATE EXTERNAL TABLE") && s.contains("`.`" + table + "` ("))
                .findFirst().orElseThrow(() -> new AssertionError("no DDL for " + table + " in " + ddl));
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
}
