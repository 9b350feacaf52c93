package genesyslake.local.aws;

import genesyslake.catalog.LakeTables;
import genesyslake.testsupport.FlowTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.athena.model.AthenaException;
import software.amazon.awssdk.services.athena.model.Datum;
import software.amazon.awssdk.services.athena.model.InvalidRequestException;
import software.amazon.awssdk.services.athena.model.QueryExecution;
import software.amazon.awssdk.services.athena.model.QueryExecutionState;
import software.amazon.awssdk.services.athena.model.Row;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.CrawlerState;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Ensures the local Athena answers only signed requests, and runs only what Athena would, over the lake's tables. */
@FlowTest
class LocalAthenaSafetyTest {

    private static final String SOURCE = "gc-usage-api-source";
    private static final String RESULTS = "gc-usage-api-results";
    private static final String ACCESS_KEY = "local-access-key";
    private static final String SECRET_KEY = "local-secret-key";
    /** The seed's own command, run by it without --query-execution-context. */
    private static final String SEED_SQL = "SELECT * FROM \"genesysclouddb\".\"gc_usage_api_source\" "
            + "WHERE granularity='month' ORDER BY status429 DESC limit 10";

    @TempDir
    static Path s3Root;
    @TempDir
    static Path outside;
    static LocalAws aws;
    static AthenaClient athena;
    static final List<Long> monthly429 = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < 14; i++) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("clientId", "client-" + i);
            r.put("status429", (long) (i * 7919 % 100));
            r.put("requests", 1000L + i);
            r.put("granularity", "month");
            rows.add(r);
            monthly429.add((Long) r.get("status429"));
        }
        LocalAwsTest.gzip(s3Root.resolve(SOURCE + "/granularity=month/usage_1.json.gz"), rows);
        LocalAwsTest.gzip(s3Root.resolve(SOURCE + "/granularity=day/usage_1.json.gz"),
                List.of(Map.of("clientId", "daily", "status429", 100000L, "requests", 1L, "granularity", "day")));
        Files.createDirectories(s3Root.resolve(RESULTS));
        aws = new LocalAws(new LocalAwsSettings(0, s3Root, "genesysclouddb", "UsageApiCrawler", "UsageAPIWorkgroup",
                RESULTS, genesyslake.testsupport.ShippedFlows.crawlerTargets(SOURCE), ACCESS_KEY, SECRET_KEY)).start();
        athena = athena(ACCESS_KEY, SECRET_KEY);
        try (GlueClient glue = GlueClient.builder().endpointOverride(URI.create(aws.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build()) {
            glue.startCrawler(b -> b.name("UsageApiCrawler"));
            for (int i = 0; glue.getCrawler(b -> b.name("UsageApiCrawler")).crawler().state() != CrawlerState.READY; i++) {
                if (i > 600) {
                    fail("crawler did not return to READY");
                }
                Thread.sleep(50);
            }
        }
    }

    @AfterAll
    static void stop() {
        if (athena != null) {
            athena.close();
        }
        if (aws != null) {
            aws.close();
        }
    }

    // ---- requests must be signed with the local credentials ----

    @Test
    void anUnsignedRequestIsRefused() throws Exception {
        HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(aws.endpoint()))
                .header("Content-Type", "application/x-amz-json-1.1")
                .header("X-Amz-Target", "AmazonAthena.StartQueryExecution")
                .POST(HttpRequest.BodyPublishers.ofString("{\"QueryString\":\"SELECT 1\",\"WorkGroup\":\"primary\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, res.statusCode(), res.body());
        assertTrue(res.body().contains("MissingAuthenticationTokenException"), res.body());
    }

    @Test
    void aRequestSignedWithAnotherKeyOrAWrongSecretIsRefused() {
        try (AthenaClient stranger = athena("someone-else", SECRET_KEY); AthenaClient forger = athena(ACCESS_KEY, "guess")) {
            AthenaException unknown = assertThrows(AthenaException.class, () -> stranger.listWorkGroups(b -> { }));
            assertEquals("UnrecognizedClientException", unknown.awsErrorDetails().errorCode());
            AthenaException badSignature = assertThrows(AthenaException.class, () -> forger.listWorkGroups(b -> { }));
            assertEquals("InvalidSignatureException", badSignature.awsErrorDetails().errorCode());
        }
        assertFalse(athena.listWorkGroups(b -> { }).workGroups().isEmpty(), "the right key and secret work");
    }

    // ---- only Athena's statements ----

    @Test
    void duckDbStatementsAndFileFunctionsAreRefusedAsInvalidRequests() throws Exception {
        Path dir = Files.createDirectories(outside.resolve("refused"));
        Path hostFile = dir.resolve("secret.txt");
        Files.writeString(hostFile, "host secret");
        String f = hostFile.toString().replace("'", "''");
        List<String> refused = List.of(
                "COPY (SELECT 1) TO 'x.txt'",
                "COPY (SELECT 1) TO '" + s3Root.resolve(SOURCE + "/copied.csv") + "'",
                "ATTACH '" + dir.resolve("x.db") + "' AS other",
                "INSTALL httpfs", "LOAD httpfs", "SET enable_external_access = true", "PRAGMA version",
                "EXPORT DATABASE '" + dir + "'",
                "SELECT * FROM read_text('" + f + "')",
                "SELECT * FROM read_blob('" + f + "')",
                "SELECT * FROM read_csv_auto('" + f + "')",
                "SELECT * FROM read_csv('" + f + "')",
                "SELECT * FROM read_json('" + f + "')",
                "SELECT * FROM read_parquet('" + f + "')",
                "SELECT * FROM glob('/*')",
                "SELECT * FROM \"read_text\"('" + f + "')",
                "SELECT * FROM '" + f + "'",
                "select content from READ_TEXT ( '" + f + "' )",
                "SELECT 1; COPY (SELECT 1) TO 'y.txt'",
                "SELECT 1 -- comment\n; SELECT 2",
                "WITH t AS (SELECT 1) INSERT INTO x SELECT * FROM t",
                "SELECT * FROM query('SELECT 1')",
                "SELECT current_setting('allowed_directories')",
                "CREATE TABLE t AS SELECT 1",
                "CREATE MACRO m() AS 1",
                "CREATE SECRET s (TYPE s3)",
                "DELETE FROM gc_usage_api_source",
                "CALL pragma_version()",
                // DuckDB's parser decides; these are SELECTs to DuckDB, but not Athena's SQL or not over the catalog
                "SELECT 1; SELECT 2",
                "FROM gc_usage_api_source",
                "SUMMARIZE gc_usage_api_source",
                "SHOW allowed_directories",
                "SELECT * FROM range(1000000000)",
                "SELECT * FROM duckdb_settings()",
                "SELECT * FROM duckdb_settings",
                "SELECT * FROM main.duckdb_secrets",
                "SELECT * FROM system.main.duckdb_settings",
                "SELECT * FROM pg_catalog.pg_settings",
                "SELECT view_definition FROM information_schema.views",
                "SELECT * FROM json_execute_serialized_sql('{}')",
                "SELECT getenv('HOME')",
                "SELECT main.current_setting('memory_limit')",
                "SELECT * FROM 'data.csv'",
                "DESCRIBE SELECT * FROM read_text('" + f + "')",
                "SELECT * FROM (SELECT 1) PIVOT (count(*) FOR x IN (1))");
        for (String sql : refused) {
            InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> start(sql, null),
                    "must be refused: " + sql);
            assertEquals("InvalidRequestException", e.awsErrorDetails().errorCode());
        }
        assertFalse(Files.exists(Path.of("x.txt")), "COPY wrote nothing");
        assertFalse(Files.exists(s3Root.resolve(SOURCE + "/copied.csv")), "COPY wrote nothing into the lake");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(hostFile), files.toList(), "nothing written outside");
        }
        QueryExecution typo = run("SELEC 1", null);
        assertEquals(QueryExecutionState.FAILED, typo.status().state(), "a typo fails the execution, as in Athena");
        assertTrue(typo.status().stateChangeReason().contains("mismatched input 'SELEC'"), typo.status().stateChangeReason());
        assertEquals(List.of("'a;b' -- not a comment"), values(run("SELECT '''a;b'' -- not a comment' AS s", null)),
                "semicolons and dashes inside a string literal are data");
    }

    @Test
    void aQuotedFileNameIsRefusedAndDuckDbsOwnSandboxWouldRefuseItToo() throws Exception {
        // A quoted identifier ending in .csv is DuckDB's "replacement scan" of that file: the statement check refuses a
        // table name that is not an identifier, and beneath it DuckDB's sandbox (enable_external_access=false,
        // allowed_directories = the S3 store) refuses the read on the very connections queries run on.
        Path csv = outside.resolve("host-secret.csv");
        Files.writeString(csv, "secret\nhost-secret-value\n");
        assertThrows(InvalidRequestException.class, () -> start("SELECT * FROM \"" + csv + "\"", null));
        try (java.sql.Connection c = aws.connection(); java.sql.Statement st = c.createStatement()) {
            java.sql.SQLException e = assertThrows(java.sql.SQLException.class,
                    () -> st.executeQuery("SELECT * FROM \"" + csv + "\"").next());
            assertFalse(String.valueOf(e.getMessage()).contains("host-secret-value"));
        }
    }

    @Test
    void escapeStringsCannotSmuggleAStatementPastTheCheck() throws Exception {
        // The adversarial run's three payloads: after E'\'' a hand-written lexer thinks it is still inside a string.
        Path pwned = s3Root.resolve(SOURCE + "/pwned.csv");
        List<String> payloads = List.of(
                "SELECT E'\\'' AS x; COPY (SELECT 'injected' AS a) TO '" + pwned + "'; SELECT 1 --'",
                "SELECT E'\\'' AS x; CREATE OR REPLACE VIEW awsdatacatalog.genesysclouddb.gc_usage_api_source AS "
                        + "SELECT 'FAKE' clientid, 'Evil Corp' clientname, 99999 status429, 'month' granularity; SELECT 1 --'",
                "SELECT E'\\'' AS x; USE memory; DETACH awsdatacatalog; SELECT 1 --'",
                "SELECT E'\\'' AS x; SET VARIABLE v = 1; SELECT 1 --'",
                "SELECT E'\\'' AS x; ATTACH ':memory:' AS other; SELECT 1 --'");
        for (String sql : payloads) {
            assertThrows(InvalidRequestException.class, () -> start(sql, null), "must be refused: " + sql);
        }
        assertFalse(Files.exists(pwned), "nothing written into the lake");
        QueryExecution seed = run(SEED_SQL, null);
        assertEquals(QueryExecutionState.SUCCEEDED, seed.status().state(), seed.status().stateChangeReason());
        List<List<String>> rows = rows(seed);
        assertFalse(rows.toString().contains("Evil Corp") || rows.toString().contains("FAKE"), rows::toString);
        assertEquals(11, rows.size(), "the seed's report still reads the lake: " + rows);
    }

    @Test
    void theCatalogDdlCarriesExactlyOneStatement() {
        List<String> refused = List.of(
                "MSCK REPAIR TABLE gc_usage_api_source E'\\''; COPY (SELECT 1) TO 'x.csv' --'",
                "CREATE DATABASE IF NOT EXISTS x; DROP TABLE gc_usage_api_source",
                "DROP TABLE IF EXISTS no_such_table; SELECT 1",
                "ALTER TABLE gc_usage_api_source ADD PARTITION (granularity='x'); SELECT 1",
                "CREATE EXTERNAL TABLE IF NOT EXISTS t (a string) PARTITIONED BY (p string) ROW FORMAT SERDE "
                        + "'org.openx.data.jsonserde.JsonSerDe' LOCATION 's3://" + SOURCE + "/t/' "
                        + "TBLPROPERTIES ('x' = E'\\''); DROP TABLE gc_usage_api_source --')",
                "CREATE EXTERNAL TABLE IF NOT EXISTS t (a string) PARTITIONED BY (p string) ROW FORMAT SERDE "
                        + "'org.openx.data.jsonserde.JsonSerDe' LOCATION 's3://" + SOURCE + "/../../'");
        for (String sql : refused) {
            assertThrows(InvalidRequestException.class, () -> start(sql, "genesysclouddb"), "must be refused: " + sql);
        }
    }

    @Test
    void theCatalogDdlTheProjectIssuesStillRuns() throws Exception {
        for (String ddl : List.of("CREATE DATABASE IF NOT EXISTS `genesysclouddb`",
                "MSCK REPAIR TABLE gc_usage_api_source",
                "ALTER TABLE gc_usage_api_source ADD IF NOT EXISTS PARTITION (granularity='week') "
                        + "LOCATION 's3://" + SOURCE + "/granularity=week/'",
                "DROP TABLE IF EXISTS `genesysclouddb`.`no_such_table`")) {
            QueryExecution q = run(ddl, "genesysclouddb");
            assertEquals(QueryExecutionState.SUCCEEDED, q.status().state(), ddl + ": " + q.status().stateChangeReason());
            assertEquals("DDL", q.statementTypeAsString(), ddl);
        }
    }

    // ---- "db"."table" without an execution context ----

    @Test
    void theSeedsQueryWithoutAnExecutionContextResolvesTheQualifiedTable() throws Exception {
        QueryExecution q = run(SEED_SQL, null);
        assertEquals(QueryExecutionState.SUCCEEDED, q.status().state(), q.status().stateChangeReason());
        List<List<String>> rows = rows(q);
        int s429 = rows.get(0).indexOf("status429");
        List<String> expected = monthly429.stream().sorted(Comparator.reverseOrder()).limit(10).map(String::valueOf).toList();
        assertEquals(expected, rows.subList(1, rows.size()).stream().map(r -> r.get(s429)).toList());
        QueryExecution unquoted = run("SELECT count(*) FROM genesysclouddb.gc_usage_api_source", null);
        assertEquals(QueryExecutionState.SUCCEEDED, unquoted.status().state(), unquoted.status().stateChangeReason());
        assertEquals(List.of("15"), values(unquoted));
        QueryExecution unqualified = run("SELECT count(*) FROM gc_usage_api_source", null);
        assertEquals(QueryExecutionState.FAILED, unqualified.status().state(),
                "as in Athena, an unqualified name without a context looks in database 'default'");
    }

    // ---- helpers ----

    private static AthenaClient athena(String accessKey, String secretKey) {
        return AthenaClient.builder().endpointOverride(URI.create(aws.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .overrideConfiguration(c -> c.retryStrategy(r -> r.maxAttempts(1))).build();
    }

    private static String start(String sql, String database) {
        Consumer<software.amazon.awssdk.services.athena.model.StartQueryExecutionRequest.Builder> request = b -> {
            b.queryString(sql).workGroup("UsageAPIWorkgroup");
            if (database != null) {
                b.queryExecutionContext(c -> c.database(database));
            }
        };
        return athena.startQueryExecution(request).queryExecutionId();
    }

    private static QueryExecution run(String sql, String database) throws InterruptedException {
        String id = start(sql, database);
        for (int i = 0; i < 600; i++) {
            QueryExecution q = athena.getQueryExecution(b -> b.queryExecutionId(id)).queryExecution();
            if (q.status().state() != QueryExecutionState.QUEUED && q.status().state() != QueryExecutionState.RUNNING) {
                return q;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("query did not finish: " + sql);
    }

    private static List<List<String>> rows(QueryExecution q) {
        return athena.getQueryResults(b -> b.queryExecutionId(q.queryExecutionId())).resultSet().rows().stream()
                .map(Row::data).map(d -> d.stream().map(Datum::varCharValue).toList()).toList();
    }

    /** The first column of every data row. */
    private static List<String> values(QueryExecution q) {
        assertNotEquals(QueryExecutionState.FAILED, q.status().state(), () -> q.status().stateChangeReason());
        List<List<String>> rows = rows(q);
        return rows.subList(1, rows.size()).stream().map(r -> r.get(0)).toList();
    }
}
