package genesyslake.flows;

import genesyslake.local.genesys.LocalGenesys;
import genesyslake.local.genesys.LocalGenesysSettings;
import genesyslake.management.FlowOutcome;
import genesyslake.testsupport.FlowTest;
import genesyslake.testsupport.Lake;
import genesyslake.testsupport.LocalDaemon;
import genesyslake.testsupport.MotoServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.athena.model.QueryExecution;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures AWS mode makes the real AWS calls (S3 puts, Glue StartCrawler, Athena executions with the right
 * workgroup, database and SQL), checked against moto, an implementation nobody here wrote.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
// By name: the export test reads the workgroup's first execution, so the projection test's DDL must come after it.
@FlowTest
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.MethodName.class)
class AwsModeTest {

    @RegisterExtension
    static MotoServer moto = new MotoServer();

    private LocalGenesys genesys;
    private LocalDaemon daemon;
    private S3Client s3;

    @BeforeAll
    void start() {
        // The AWS SDK's default chain reads these system properties: AWS mode uses no credentials of ours.
        System.setProperty("aws.accessKeyId", MotoServer.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", MotoServer.SECRET_KEY);
        genesys = new LocalGenesys(LocalGenesysSettings.defaults()).start();
        var creds = StaticCredentialsProvider.create(AwsBasicCredentials.create(MotoServer.ACCESS_KEY, MotoServer.SECRET_KEY));
        s3 = S3Client.builder().region(Region.US_EAST_1).credentialsProvider(creds).endpointOverride(moto.endpointUri())
                .forcePathStyle(true).build();
        s3.createBucket(b -> b.bucket("gc-usage-api-source"));
        s3.createBucket(b -> b.bucket("gc-usage-api-results"));
        try (GlueClient glue = GlueClient.builder().region(Region.US_EAST_1).credentialsProvider(creds)
                .endpointOverride(moto.endpointUri()).build();
             AthenaClient athena = AthenaClient.builder().region(Region.US_EAST_1).credentialsProvider(creds)
                .endpointOverride(moto.endpointUri()).build()) {
            glue.createDatabase(b -> b.databaseInput(d -> d.name("genesysclouddb")));
            glue.createCrawler(b -> b.name("UsageApiCrawler").role("arn:aws:iam::123456789012:role/glue")
                    .databaseName("genesysclouddb").targets(t -> t.s3Targets(s -> s.path("s3://gc-usage-api-source/"))));
            athena.createWorkGroup(b -> b.name("UsageAPIWorkgroup").configuration(c -> c.resultConfiguration(
                    r -> r.outputLocation("s3://gc-usage-api-results/"))));
        }
        moto.finishCrawlsImmediately();
        daemon = LocalDaemon.start(Map.of(
                "lake.mode", "aws",
                "genesys.api-url", genesys.baseUrl(),
                "genesys.login-url", genesys.baseUrl(),
                "genesys.client-id", "local-client",
                "genesys.client-secret", "local-secret",
                "aws.region", "us-east-1",
                "aws.endpoint-override", moto.endpoint(),
                "usage.query-files", "queries/usage-query.json"));
    }

    @AfterAll
    void stop() {
        if (daemon != null) {
            daemon.closeAndDelete();
        }
        genesys.close();
        s3.close();
    }

    @Test
    void exportCrawlAndReportsMakeTheRealAwsCalls() {
        FlowOutcome export = daemon.run("usage-export", Map.of());
        assertTrue(export.success(), export.toString());
        Lake lake = new Lake(s3, "gc-usage-api-source");
        List<String> keys = lake.keys("granularity=month/");
        assertEquals(1, keys.size(), keys.toString());
        assertEquals(export.getRecords(), lake.lines("granularity=month/").size());
        assertFalse(lake.keys("_manifests/usage-export/").isEmpty());
        // The flattened copy is Parquet (lake.flat-format defaults to parquet) beside the raw NDJSON.
        List<String> flat = lake.keys("usage_requests/granularity=month/");
        assertEquals(1, flat.size(), flat.toString());
        assertTrue(flat.get(0).endsWith(".parquet"), flat.toString());

        FlowOutcome crawl = daemon.run("catalog-refresh", Map.of());
        assertTrue(crawl.success(), crawl.toString());
        // moto's crawler crawls nothing: make the table the real crawler would, so the report (which waits for its
        // table to be in the catalog) runs.
        try (GlueClient glue = GlueClient.builder().region(Region.US_EAST_1).credentialsProvider(StaticCredentialsProvider
                .create(AwsBasicCredentials.create(MotoServer.ACCESS_KEY, MotoServer.SECRET_KEY)))
                .endpointOverride(moto.endpointUri()).build()) {
            glue.createTable(b -> b.databaseName("genesysclouddb").tableInput(t -> t.name("gc_usage_api_source")));
            // moto 5.2.1 has no UpdateCrawler (NotImplementedError): the refresh warned and crawled with the targets the
            // crawler had; local mode's Glue proves the update (flows/FlowsMoveTheirTablesTest).
        }

        FlowOutcome reports = daemon.run("athena-report", Map.of("lakeReport", "top10-rate-limited-clients"));
        assertTrue(reports.success(), reports.toString());
        try (AthenaClient athena = AthenaClient.builder().region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(MotoServer.ACCESS_KEY,
                        MotoServer.SECRET_KEY))).endpointOverride(moto.endpointUri()).build()) {
            List<String> ids = athena.listQueryExecutions(b -> b.workGroup("UsageAPIWorkgroup")).queryExecutionIds();
            assertFalse(ids.isEmpty(), "a query execution is recorded in the workgroup");
            QueryExecution q = athena.getQueryExecution(b -> b.queryExecutionId(ids.get(0))).queryExecution();
            assertEquals("SELECT * FROM \"genesysclouddb\".\"gc_usage_api_source\" WHERE granularity='month' "
                    + "ORDER BY status429 DESC limit 10", q.query());
            assertEquals("genesysclouddb", q.queryExecutionContext().database());
            assertEquals("UsageAPIWorkgroup", q.workGroup());
        }
    }

    @Test
    void projectionModeDeclaresTheCuratedTablesAsParquetAndRedefinesAJsonOne() {
        var creds = StaticCredentialsProvider.create(AwsBasicCredentials.create(MotoServer.ACCESS_KEY, MotoServer.SECRET_KEY));
        try (GlueClient glue = GlueClient.builder().region(Region.US_EAST_1).credentialsProvider(creds)
                .endpointOverride(moto.endpointUri()).build()) {
            // As an install that ran with lake.flat-format=ndjson left it: user_presence catalogued with the JSON SerDe.
            glue.createTable(b -> b.databaseName("genesysclouddb").tableInput(t -> t.name("user_presence")
                    .storageDescriptor(sd -> sd.location("s3://gc-usage-api-source/user_presence/")
                            .serdeInfo(si -> si.serializationLibrary("org.openx.data.jsonserde.JsonSerDe")))));
        }
        // One writer per bucket: the projection-mode daemon replaces the class's (this test runs last).
        daemon.closeAndDelete();
        daemon = null;
        LocalDaemon projection = LocalDaemon.start(Map.of(
                "lake.mode", "aws",
                "glue.mode", "projection",
                "genesys.api-url", genesys.baseUrl(),
                "genesys.login-url", genesys.baseUrl(),
                "genesys.client-id", "local-client",
                "genesys.client-secret", "local-secret",
                "aws.region", "us-east-1",
                "aws.endpoint-override", moto.endpoint()));
        List<String> queries;
        try {
            FlowOutcome catalog = projection.run("catalog-refresh", Map.of());
            assertTrue(catalog.success(), catalog.toString());
        } finally {
            projection.closeAndDelete();
        }
        try (AthenaClient athena = AthenaClient.builder().region(Region.US_EAST_1).credentialsProvider(creds)
                .endpointOverride(moto.endpointUri()).build()) {
            List<String> ids = athena.listQueryExecutions(b -> b.workGroup("UsageAPIWorkgroup")).queryExecutionIds();
            queries = ids.stream().map(id -> athena.getQueryExecution(b -> b.queryExecutionId(id)).queryExecution().query())
                    .toList();
        }
        genesyslake.catalog.LakeTables tables = new genesyslake.catalog.LakeTables("gc-usage-api-source");
        for (genesyslake.catalog.LakeTables.LakeTable t : tables.all()) {
            String create = queries.stream().filter(q -> q.startsWith("CREATE EXTERNAL TABLE IF NOT EXISTS `genesysclouddb`.`"
                    + t.name() + "`")).findFirst().orElseThrow(() -> new AssertionError("no DDL for " + t.name() + ": " + queries));
            // The curated tables in the flat format, and the reference dims, which are Parquet in either format.
            boolean curated = tables.curatedTables().contains(t) || t.name().startsWith("dim_");
            assertEquals(curated, create.contains("\nSTORED AS PARQUET\n"), create);
            assertEquals(!curated, create.contains("org.openx.data.jsonserde.JsonSerDe"), create);
        }
        assertTrue(queries.contains("DROP TABLE IF EXISTS `genesysclouddb`.`user_presence`"), queries.toString());
        assertEquals(1, queries.stream().filter(q -> q.startsWith("DROP")).count(), queries.toString());
    }
}
