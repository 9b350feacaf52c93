package genesyslake.local.aws;

import genesyslake.lake.FlatFormat;
import genesyslake.catalog.LakeTables;
import genesyslake.testsupport.FlowTest;
import genesyslake.testsupport.ParquetLake;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.athena.model.ColumnInfo;
import software.amazon.awssdk.services.athena.model.Datum;
import software.amazon.awssdk.services.athena.model.GetQueryResultsResponse;
import software.amazon.awssdk.services.athena.model.QueryExecution;
import software.amazon.awssdk.services.athena.model.QueryExecutionState;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.Column;
import software.amazon.awssdk.services.glue.model.CrawlerState;
import software.amazon.awssdk.services.glue.model.Table;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures the local crawler registers Parquet objects as a Glue crawler would (Parquet SerDe and formats, Parquet's
 * own types, string partition keys) and the local Athena reads them like NDJSON tables.
 */
@FlowTest
class LocalGlueParquetTest {

    private static final String SOURCE = "gc-usage-api-source";
    private static final LakeTables TABLES = new LakeTables(SOURCE, FlatFormat.PARQUET);

    @TempDir
    static Path s3Root;
    static LocalAws aws;
    static GlueClient glue;
    static AthenaClient athena;

    @BeforeAll
    static void writeParquetLakeAndCrawl() throws Exception {
        Path bucket = s3Root.resolve(SOURCE);
        LocalAwsTest.gzip(bucket.resolve("conversation_segments/date=2024-01-01/segments_1.json.gz"), List.of(
                row("conversationId", "c1", "conversationStart", "2024-01-01T10:00:00.000Z", "segmentStart",
                        "2024-01-01T10:00:00.250Z", "segmentEnd", "2024-01-01T10:05:00.000Z", "segmentDurationMs", 299750,
                        "mediaType", "voice", "purpose", "agent"),
                row("conversationId", "c2", "conversationStart", "2024-01-01T23:59:59.000Z", "segmentStart",
                        "2024-01-01T23:59:59.000Z", "segmentDurationMs", null, "mediaType", "voice")));
        LocalAwsTest.gzip(bucket.resolve("conversation_segments/date=2024-01-02/segments_1.json.gz"), List.of(
                row("conversationId", "c3", "conversationStart", "2024-01-02T08:00:00.000Z", "segmentDurationMs", 1000)));
        LocalAwsTest.gzip(bucket.resolve("usage_requests/granularity=day/usage_1.json.gz"), List.of(
                row("clientId", "a", "date", "2024-01-10T00:00:00.000Z", "status429", 7, "requests", 100),
                row("clientId", "b", "date", "2024-01-11T00:00:00.000Z", "status429", 0, "requests", 50)));
        ParquetLake.convert(bucket, TABLES.conversationSegments());
        ParquetLake.convert(bucket, TABLES.usageRequests());
        // A folder written in both formats (the flat format changed): only the Parquet objects make the table.
        LocalAwsTest.gzip(bucket.resolve("user_presence/date=2024-01-01/presence_1.json.gz"), List.of(
                row("userId", "u-parquet", "startTime", "2024-01-01T09:00:00.000Z", "durationMs", 60000)));
        ParquetLake.convert(bucket, TABLES.userPresence());
        LocalAwsTest.gzip(bucket.resolve("user_presence/date=2023-12-31/presence_1.json.gz"), List.of(
                row("userId", "u-ndjson", "startTime", "2023-12-31T09:00:00.000Z", "durationMs", 60000)));
        // The raw usage table at the root stays gzip NDJSON.
        LocalAwsTest.gzip(bucket.resolve("granularity=month/usage_1.json.gz"), List.of(
                row("clientId", "a", "status429", 3, "granularity", "month")));
        Files.createDirectories(s3Root.resolve("gc-usage-api-results"));

        aws = new LocalAws(new LocalAwsSettings(0, s3Root, "genesysclouddb", "UsageApiCrawler", "UsageAPIWorkgroup",
                "gc-usage-api-results", genesyslake.testsupport.ShippedFlows.crawlerTargets(SOURCE), "dummy", "dummy")).start();
        var creds = StaticCredentialsProvider.create(AwsBasicCredentials.create("dummy", "dummy"));
        glue = GlueClient.builder().endpointOverride(URI.create(aws.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(creds).build();
        athena = AthenaClient.builder().endpointOverride(URI.create(aws.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(creds).build();
        glue.startCrawler(b -> b.name("UsageApiCrawler"));
        for (int i = 0; i < 600 && glue.getCrawler(b -> b.name("UsageApiCrawler")).crawler().state() != CrawlerState.READY
                || i == 0; i++) {
            Thread.sleep(50);
        }
        assertEquals("SUCCEEDED", glue.getCrawler(b -> b.name("UsageApiCrawler")).crawler().lastCrawl().statusAsString());
    }

    @AfterAll
    static void stop() {
        if (glue != null) {
            glue.close();
            athena.close();
        }
        if (aws != null) {
            aws.close();
        }
    }

    static Map<String, Object> row(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    private static Table table(String name) {
        return glue.getTable(b -> b.databaseName("genesysclouddb").name(name)).table();
    }

    @Test
    void parquetObjectsAreCataloguedWithTheParquetSerdeAndFormats() {
        Table t = table("conversation_segments");
        assertEquals("org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
                t.storageDescriptor().serdeInfo().serializationLibrary());
        assertEquals("org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat", t.storageDescriptor().inputFormat());
        assertEquals("org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat", t.storageDescriptor().outputFormat());
        assertEquals("parquet", t.parameters().get("classification"));
        assertEquals("s3://" + SOURCE + "/conversation_segments/", t.storageDescriptor().location());
        assertEquals(List.of("date"), t.partitionKeys().stream().map(Column::name).toList());
        assertEquals("string", t.partitionKeys().get(0).type());
        // The raw table beside it keeps the JSON SerDe.
        assertEquals("org.openx.data.jsonserde.JsonSerDe",
                table("gc_usage_api_source").storageDescriptor().serdeInfo().serializationLibrary());
    }

    @Test
    void columnsHaveTheLakeTablesNamesOrderAndTypes() {
        for (LakeTables.LakeTable expected : List.of(TABLES.conversationSegments(), TABLES.usageRequests(),
                TABLES.userPresence())) {
            Map<String, String> want = new LinkedHashMap<>();
            expected.columns().forEach(c -> want.put(c.name().toLowerCase(java.util.Locale.ROOT), c.type()));
            Map<String, String> got = table(expected.name()).storageDescriptor().columns().stream()
                    .collect(Collectors.toMap(Column::name, Column::type, (a, b) -> a, LinkedHashMap::new));
            assertEquals(want, got, expected.name());
        }
    }

    @Test
    void athenaReadsTimestampsAsTimestampsAndTheDatePartitionAsAString() throws Exception {
        GetQueryResultsResponse r = query("SELECT \"date\", conversationid, segmentstart, segmentdurationms, "
                + "substr(CAST(conversationstart AS varchar), 1, 10) AS day FROM conversation_segments "
                + "WHERE \"date\" = '2024-01-01' ORDER BY conversationid");
        List<ColumnInfo> columns = r.resultSet().resultSetMetadata().columnInfo();
        assertEquals(List.of("varchar", "varchar", "timestamp", "bigint", "varchar"),
                columns.stream().map(ColumnInfo::type).toList());
        List<List<String>> rows = rows(r);
        assertEquals(List.of(List.of("2024-01-01", "c1", "2024-01-01 10:00:00.250", "299750", "2024-01-01"),
                java.util.Arrays.asList("2024-01-01", "c2", "2024-01-01 23:59:59.000", null, "2024-01-01")),
                rows.subList(1, rows.size()));
    }

    @Test
    void aFolderWithBothFormatsIsReadAsParquetOnly() throws Exception {
        List<List<String>> rows = rows(query("SELECT userid, \"date\" FROM user_presence ORDER BY userid"));
        assertEquals(List.of(List.of("u-parquet", "2024-01-01")), rows.subList(1, rows.size()));
    }

    @Test
    void theSeedQueryStillReadsTheRawUsageRows() throws Exception {
        List<List<String>> rows = rows(query("SELECT * FROM \"genesysclouddb\".\"gc_usage_api_source\" "
                + "WHERE granularity='month' ORDER BY status429 DESC limit 10"));
        assertEquals(2, rows.size(), rows.toString());
        assertTrue(rows.get(0).contains("clientid"), rows.get(0).toString());
    }

    private static List<List<String>> rows(GetQueryResultsResponse r) {
        return r.resultSet().rows().stream().map(row -> row.data().stream().map(Datum::varCharValue).toList()).toList();
    }

    static GetQueryResultsResponse query(String sql) throws InterruptedException {
        String id = athena.startQueryExecution(b -> b.queryString(sql).workGroup("UsageAPIWorkgroup")
                .queryExecutionContext(c -> c.database("genesysclouddb"))).queryExecutionId();
        for (int i = 0; i < 600; i++) {
            QueryExecution q = athena.getQueryExecution(b -> b.queryExecutionId(id)).queryExecution();
            if (q.status().state() == QueryExecutionState.SUCCEEDED) {
                return athena.getQueryResults(b -> b.queryExecutionId(id));
            }
            assertTrue(q.status().state() == QueryExecutionState.QUEUED || q.status().state() == QueryExecutionState.RUNNING,
                    () -> sql + " ended " + q.status().state() + ": " + q.status().stateChangeReason());
            Thread.sleep(50);
        }
        throw new AssertionError("query did not finish: " + sql);
    }
}
