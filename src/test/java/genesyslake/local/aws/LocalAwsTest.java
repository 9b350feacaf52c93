package genesyslake.local.aws;

import com.fasterxml.jackson.databind.ObjectMapper;
import genesyslake.catalog.LakeTables;
import genesyslake.testsupport.FlowTest;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.athena.model.ColumnInfo;
import software.amazon.awssdk.services.athena.model.Datum;
import software.amazon.awssdk.services.athena.model.GetQueryResultsResponse;
import software.amazon.awssdk.services.athena.model.InvalidRequestException;
import software.amazon.awssdk.services.athena.model.QueryExecution;
import software.amazon.awssdk.services.athena.model.QueryExecutionState;
import software.amazon.awssdk.services.athena.model.Row;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.Column;
import software.amazon.awssdk.services.glue.model.CrawlerRunningException;
import software.amazon.awssdk.services.glue.model.CrawlerState;
import software.amazon.awssdk.services.glue.model.EntityNotFoundException;
import software.amazon.awssdk.services.glue.model.Table;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Ensures unmodified SDK v2 Glue and Athena clients crawl and query a gzip NDJSON lake through LocalAws. */
@FlowTest
class LocalAwsTest {

    private static final String SOURCE = "gc-usage-api-source";
    private static final String RESULTS = "gc-usage-api-results";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path s3Root;
    static LocalAws aws;
    static GlueClient glue;
    static AthenaClient athena;
    static final List<Map<String, Object>> usage = new ArrayList<>();

    @BeforeAll
    static void startAndCrawl() throws Exception {
        writeLake();
        aws = new LocalAws(new LocalAwsSettings(0, s3Root, "genesysclouddb", "UsageApiCrawler", "UsageAPIWorkgroup",
                RESULTS, genesyslake.testsupport.ShippedFlows.crawlerTargets(SOURCE), "dummy", "dummy")).start();
        var creds = StaticCredentialsProvider.create(AwsBasicCredentials.create("dummy", "dummy"));
        glue = GlueClient.builder().endpointOverride(URI.create(aws.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(creds).build();
        athena = AthenaClient.builder().endpointOverride(URI.create(aws.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(creds).build();
        glue.startCrawler(b -> b.name("UsageApiCrawler"));
        awaitCrawlerReady();
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

    /** Usage rows for three granularities (status429 unique, so ordering is total), details and a manifest. */
    static void writeLake() throws IOException {
        String[] granularities = {"day", "week", "month"};
        int n = 0;
        for (String g : granularities) {
            for (int file = 0; file < 2; file++) {
                List<Map<String, Object>> rows = new ArrayList<>();
                for (int i = 0; i < 9; i++) {
                    n++;
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("clientId", "client-" + (n % 5));
                    r.put("clientName", "Client " + (n % 5));
                    r.put("organizationId", "org-1");
                    r.put("templateUri", "api/v2/users/{userId}");
                    r.put("httpMethod", n % 2 == 0 ? "GET" : "POST");
                    r.put("status200", 1000L + n);
                    r.put("status429", (long) (n * 37 % 101) * 1000 + n);
                    r.put("requests", 2000L + n * 3);
                    r.put("date", "2024-0" + (1 + file) + "-1" + i + "T00:00:00.000Z");
                    r.put("granularity", g);
                    rows.add(r);
                }
                usage.addAll(rows);
                gzip(s3Root.resolve(SOURCE + "/granularity=" + g + "/usage_" + file + ".json.gz"), rows);
            }
        }
        gzip(s3Root.resolve(SOURCE + "/conversations/date=2024-01-01/conversations_1.json.gz"), List.of(
                Map.of("conversationId", "c1", "conversationStart", "2024-01-01T10:00:00.000Z",
                        "divisionIds", List.of("d1", "d2"),
                        "participants", List.of(new TreeMap<>(Map.of("purpose", "agent", "userId", "u1")))),
                Map.of("conversationId", "c2", "conversationStart", "2024-01-01T11:30:00.000Z",
                        "divisionIds", List.of("d1"), "participants", List.of())));
        // A manifest with another shape: it must not leak into the usage table.
        gzip(s3Root.resolve(SOURCE + "/_manifests/usage/run-1.json.gz"), List.of(Map.of("flow", "usage", "rows", 54)));
        Files.createDirectories(s3Root.resolve(RESULTS));
    }

    /** One gzip member per row, as the daemon's spool closes a member at every checkpoint: all must be read. */
    static void gzip(Path file, List<? extends Map<String, ?>> rows) throws IOException {
        Files.createDirectories(file.getParent());
        try (OutputStream all = Files.newOutputStream(file)) {
            for (Map<String, ?> row : rows) {
                java.io.ByteArrayOutputStream member = new java.io.ByteArrayOutputStream();
                try (OutputStream out = new GZIPOutputStream(member)) {
                    out.write(JSON.writeValueAsBytes(row));
                    out.write('\n');
                }
                all.write(member.toByteArray());
            }
        }
    }

    static void awaitCrawlerReady() throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            if (glue.getCrawler(b -> b.name("UsageApiCrawler")).crawler().state() == CrawlerState.READY) {
                return;
            }
            Thread.sleep(50);
        }
        fail("crawler did not return to READY");
    }

    static QueryExecution run(String sql) throws InterruptedException {
        String id = athena.startQueryExecution(b -> b.queryString(sql).workGroup("UsageAPIWorkgroup")
                .queryExecutionContext(c -> c.database("genesysclouddb").catalog("AwsDataCatalog"))
                .resultConfiguration(r -> r.outputLocation("s3://" + RESULTS + "/"))).queryExecutionId();
        for (int i = 0; i < 600; i++) {
            QueryExecution q = athena.getQueryExecution(b -> b.queryExecutionId(id)).queryExecution();
            if (q.status().state() != QueryExecutionState.QUEUED && q.status().state() != QueryExecutionState.RUNNING) {
                return q;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("query did not finish: " + sql);
    }

    static List<List<String>> rows(GetQueryResultsResponse r) {
        return r.resultSet().rows().stream().map(Row::data)
                .map(d -> d.stream().map(Datum::varCharValue).toList()).toList();
    }

    static List<List<String>> select(String sql) throws InterruptedException {
        QueryExecution q = run(sql);
        assertEquals(QueryExecutionState.SUCCEEDED, q.status().state(), () -> q.status().stateChangeReason());
        return rows(athena.getQueryResults(b -> b.queryExecutionId(q.queryExecutionId())));
    }

    @Test
    void crawlerReportsSuccessAndCataloguesEveryNonEmptyTarget() {
        var crawler = glue.getCrawler(b -> b.name("UsageApiCrawler")).crawler();
        assertEquals("SUCCEEDED", crawler.lastCrawl().statusAsString());
        assertEquals("genesysclouddb", crawler.databaseName());
        assertEquals(25, crawler.targets().s3Targets().size(), "the bucket root, five details folders, usage_requests, usage-daily's two, "
                + "the three daily summaries, usage_aggregates and the six reference entities' snapshots and dims");
        List<String> names = glue.getTables(b -> b.databaseName("genesysclouddb")).tableList().stream()
                .map(Table::name).toList();
        assertEquals(List.of("conversations", "gc_usage_api_source"), names);
        assertEquals("genesysclouddb", glue.getDatabase(b -> b.name("genesysclouddb")).database().name());
    }

    @Test
    void usageTableHasGranularityOnlyAsStringPartitionKey() {
        Table t = glue.getTable(b -> b.databaseName("genesysclouddb").name("gc_usage_api_source")).table();
        assertEquals(List.of("granularity"), t.partitionKeys().stream().map(Column::name).toList());
        assertEquals("string", t.partitionKeys().get(0).type());
        Map<String, String> columns = t.storageDescriptor().columns().stream()
                .collect(Collectors.toMap(Column::name, Column::type));
        assertFalse(columns.containsKey("granularity"), columns::toString);
        assertFalse(columns.containsKey("flow"), "manifest fields leaked into usage: " + columns);
        assertEquals("bigint", columns.get("status429"));
        assertEquals("string", columns.get("clientid"));
        assertEquals("string", columns.get("date"));
        assertEquals(3, glue.getPartitions(b -> b.databaseName("genesysclouddb").tableName("gc_usage_api_source"))
                .partitions().size());
    }

    @Test
    void conversationsTableKeepsNestedTypes() {
        Table t = glue.getTable(b -> b.databaseName("genesysclouddb").name("conversations")).table();
        Map<String, String> columns = t.storageDescriptor().columns().stream()
                .collect(Collectors.toMap(Column::name, Column::type));
        assertEquals("array<string>", columns.get("divisionids"));
        assertEquals("array<struct<purpose:string,userId:string>>", columns.get("participants"));
        assertEquals("string", columns.get("conversationstart"));
        assertEquals("date", t.partitionKeys().get(0).name());
    }

    @Test
    void seedQueryReturnsTheTopTenMonthlyRowsByStatus429() throws Exception {
        QueryExecution q = run("SELECT * FROM \"genesysclouddb\".\"gc_usage_api_source\" WHERE granularity='month' "
                + "ORDER BY status429 DESC limit 10");
        assertEquals(QueryExecutionState.SUCCEEDED, q.status().state(), q.status().stateChangeReason());
        assertEquals("DML", q.statementTypeAsString());
        assertTrue(q.statistics().engineExecutionTimeInMillis() >= 0);
        GetQueryResultsResponse r = athena.getQueryResults(b -> b.queryExecutionId(q.queryExecutionId()));
        List<List<String>> rows = rows(r);
        List<String> header = rows.get(0);
        assertEquals(1, header.stream().filter("granularity"::equals).count(), header::toString);
        assertEquals(header, r.resultSet().resultSetMetadata().columnInfo().stream().map(ColumnInfo::name).toList());
        Map<String, String> types = r.resultSet().resultSetMetadata().columnInfo().stream()
                .collect(Collectors.toMap(ColumnInfo::name, ColumnInfo::type));
        assertEquals("bigint", types.get("status429"));
        assertEquals("varchar", types.get("clientid"));

        List<List<String>> expected = usage.stream().filter(u -> u.get("granularity").equals("month"))
                .sorted(Comparator.comparing((Map<String, Object> u) -> (Long) u.get("status429")).reversed())
                .limit(10).map(u -> List.of(String.valueOf(u.get("clientId")), String.valueOf(u.get("status429")),
                        String.valueOf(u.get("date")), "month")).toList();
        int client = header.indexOf("clientid");
        int s429 = header.indexOf("status429");
        int date = header.indexOf("date");
        int gran = header.indexOf("granularity");
        List<List<String>> actual = rows.subList(1, rows.size()).stream()
                .map(row -> List.of(row.get(client), row.get(s429), row.get(date), row.get(gran))).toList();
        assertEquals(expected, actual);
    }

    @Test
    void aggregationsMatchAJavaComputation() throws Exception {
        List<List<String>> rows = select("SELECT granularity, clientid, sum(status429) AS s429, count(*) AS n, "
                + "approx_distinct(httpmethod) AS methods FROM gc_usage_api_source GROUP BY granularity, clientid "
                + "ORDER BY granularity, clientid");
        Map<String, List<String>> expected = new TreeMap<>();
        Map<String, long[]> sums = new TreeMap<>();
        for (Map<String, Object> u : usage) {
            long[] acc = sums.computeIfAbsent(u.get("granularity") + "|" + u.get("clientId"), k -> new long[2]);
            acc[0] += (Long) u.get("status429");
            acc[1]++;
        }
        sums.forEach((k, v) -> expected.put(k, List.of(k.split("\\|")[0], k.split("\\|")[1],
                Long.toString(v[0]), Long.toString(v[1]))));
        assertEquals(List.of("granularity", "clientid", "s429", "n", "methods"), rows.get(0));
        assertEquals(List.copyOf(expected.values()),
                rows.subList(1, rows.size()).stream().map(r -> r.subList(0, 4)).toList());
    }

    @Test
    void reportSqlWithSubstrAndTrinoFunctionsRuns() throws Exception {
        List<List<String>> rows = select("SELECT substr(\"date\", 1, 10) AS day, "
                + "round(CAST(sum(status429) AS double) / nullif(sum(requests), 0), 4) AS share "
                + "FROM \"genesysclouddb\".\"gc_usage_api_source\" WHERE granularity = 'day' "
                + "GROUP BY substr(\"date\", 1, 10) ORDER BY day LIMIT 1");
        assertEquals("2024-01-10", rows.get(1).get(0));
        List<List<String>> conv = select("SELECT count(*) AS n, min(from_iso8601_timestamp(conversationstart)) AS first "
                + "FROM conversations WHERE \"date\" = '2024-01-01'");
        assertEquals(List.of("2", "2024-01-01 10:00:00.000 UTC"), conv.get(1));
        assertEquals(List.of(List.of("_col0", "half", "mixed"), List.of("3", "3", "3.5")),
                select("SELECT 7/2, 7/2 AS Half, CAST(7 AS double)/2 AS mixed"));
    }

    @Test
    void resultsPageWithMaxResultsAndNextToken() throws Exception {
        QueryExecution q = run("SELECT clientid, status429 FROM gc_usage_api_source ORDER BY status429");
        List<List<String>> all = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            String t = token;
            GetQueryResultsResponse page = athena.getQueryResults(b -> b.queryExecutionId(q.queryExecutionId())
                    .maxResults(20).nextToken(t));
            all.addAll(rows(page));
            token = page.nextToken();
            pages++;
        } while (token != null);
        assertEquals(usage.size() + 1, all.size());
        assertEquals((usage.size() + 1 + 19) / 20, pages);
        assertEquals(List.of("clientid", "status429"), all.get(0));
        assertThrows(InvalidRequestException.class, () -> athena.getQueryResults(b -> b
                .queryExecutionId(q.queryExecutionId()).maxResults(1001)));
    }

    @Test
    void csvResultIsServedByS3Proxy() throws Exception {
        QueryExecution q = run("SELECT clientid, status429 FROM gc_usage_api_source WHERE granularity = 'week' "
                + "ORDER BY status429 DESC LIMIT 3");
        String location = q.resultConfiguration().outputLocation();
        assertEquals("s3://" + RESULTS + "/" + q.queryExecutionId() + ".csv", location);
        List<String> expected = new ArrayList<>();
        expected.add("\"clientid\",\"status429\"");
        usage.stream().filter(u -> u.get("granularity").equals("week"))
                .sorted(Comparator.comparing((Map<String, Object> u) -> (Long) u.get("status429")).reversed()).limit(3)
                .forEach(u -> expected.add("\"" + u.get("clientId") + "\",\"" + u.get("status429") + "\""));
        S3Proxy proxy = S3Proxy.builder().blobStore(new FilesystemNio2BlobStore(s3Root.toString()))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "key", "secret").build();
        proxy.start();
        while (!"STARTED".equals(proxy.getState())) {
            Thread.sleep(20);
        }
        try (S3Client client = S3Client.builder().endpointOverride(URI.create("http://127.0.0.1:" + proxy.getPort()))
                        .region(Region.US_EAST_1).forcePathStyle(true)
                        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("key", "secret")))
                        .build()) {
            String csv = client.getObject(b -> b.bucket(RESULTS).key(q.queryExecutionId() + ".csv"),
                    ResponseTransformer.toBytes()).asString(StandardCharsets.UTF_8);
            assertEquals(expected, csv.lines().toList());
            assertTrue(client.listObjectsV2(b -> b.bucket(RESULTS)).contents().stream()
                    .anyMatch(o -> o.key().equals(q.queryExecutionId() + ".csv")));
        } finally {
            proxy.stop();
        }
    }

    @Test
    void badSqlFailsWithDuckDbMessage() throws Exception {
        QueryExecution q = run("SELECT nope FROM gc_usage_api_source");
        assertEquals(QueryExecutionState.FAILED, q.status().state());
        assertTrue(q.status().stateChangeReason().contains("nope"), q.status().stateChangeReason());
        assertTrue(q.status().completionDateTime() != null);
        assertThrows(InvalidRequestException.class, () -> athena.getQueryResults(b -> b.queryExecutionId(q.queryExecutionId())));
    }

    @Test
    void unknownWorkGroupIsRejectedByName() {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> athena.startQueryExecution(b -> b
                .queryString("SELECT 1").workGroup("NoSuchGroup")));
        assertTrue(e.getMessage().contains("NoSuchGroup"), e.getMessage());
        assertEquals("s3://" + RESULTS + "/", athena.getWorkGroup(b -> b.workGroup("UsageAPIWorkgroup")).workGroup()
                .configuration().resultConfiguration().outputLocation());
    }

    @Test
    void unknownCrawlerAndTableAreEntityNotFound() {
        EntityNotFoundException e = assertThrows(EntityNotFoundException.class,
                () -> glue.startCrawler(b -> b.name("NoSuchCrawler")));
        assertTrue(e.getMessage().contains("NoSuchCrawler"), e.getMessage());
        assertThrows(EntityNotFoundException.class, () -> glue.getCrawler(b -> b.name("NoSuchCrawler")));
        assertThrows(EntityNotFoundException.class,
                () -> glue.getTable(b -> b.databaseName("genesysclouddb").name("user_presence")));
    }

    @Test
    void startingARunningCrawlerIsCrawlerRunning() throws Exception {
        glue.startCrawler(b -> b.name("UsageApiCrawler"));
        try {
            // The crawl lasts at least its STOPPING phase, so the second start always meets a busy crawler.
            assertThrows(CrawlerRunningException.class, () -> glue.startCrawler(b -> b.name("UsageApiCrawler")));
        } finally {
            awaitCrawlerReady();
        }
        assertEquals("SUCCEEDED", glue.getCrawler(b -> b.name("UsageApiCrawler")).crawler().lastCrawl().statusAsString());
    }
}
