package genesyslake.local.aws;

import genesyslake.testsupport.FlowTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.athena.model.Datum;
import software.amazon.awssdk.services.athena.model.GetQueryResultsResponse;
import software.amazon.awssdk.services.athena.model.InvalidRequestException;
import software.amazon.awssdk.services.athena.model.QueryExecution;
import software.amazon.awssdk.services.athena.model.QueryExecutionState;
import software.amazon.awssdk.services.athena.model.TooManyRequestsException;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures no query can take the local Athena down: results are spooled to the results bucket and paged from there, a
 * result past local.athena.max-result-mb fails, a query past local.athena.query-timeout fails and frees its worker,
 * StopQueryExecution cancels, and queued queries still run.
 */
@FlowTest
class LocalAthenaLimitsTest {

    private static final String RESULTS = "gc-usage-api-results";
    private static final String KEY = "local-access-key";
    private static final String SECRET = "local-secret-key";
    /** A billion rows of Athena SQL (Trino's sequence() stops at 10 000 entries, so three of them). */
    static final String BILLION_ROWS = "SELECT a.x * 100000 + b.y AS n, c.z FROM UNNEST(sequence(1, 10000)) AS a(x) "
            + "CROSS JOIN UNNEST(sequence(1, 10000)) AS b(y) CROSS JOIN UNNEST(sequence(1, 10)) AS c(z)";
    /** Runs for hours: a count over 10^12 rows. */
    static final String ENDLESS = "SELECT count(*) FROM UNNEST(sequence(1, 10000)) AS a(x) "
            + "CROSS JOIN UNNEST(sequence(1, 10000)) AS b(y) CROSS JOIN UNNEST(sequence(1, 10000)) AS c(z)";

    @TempDir
    Path s3Root;
    final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private AthenaClient athena(Duration timeout, long maxResultBytes) throws Exception {
        Files.createDirectories(s3Root.resolve(RESULTS));
        LocalAws aws = new LocalAws(new LocalAwsSettings(0, s3Root, "genesysclouddb", "UsageApiCrawler",
                "UsageAPIWorkgroup", RESULTS, List.of(), KEY, SECRET, timeout, maxResultBytes)).start();
        open.add(aws);
        AthenaClient athena = AthenaClient.builder().endpointOverride(URI.create(aws.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(KEY, SECRET)))
                .overrideConfiguration(c -> c.retryStrategy(r -> r.maxAttempts(1))).build();
        open.add(athena);
        return athena;
    }

    @Test
    void aBillionRowSelectFailsAtTheResultCapAndLeavesNoPartialObject() throws Exception {
        AthenaClient athena = athena(Duration.ofMinutes(5), 1 << 20);
        QueryExecution q = finished(athena, start(athena, BILLION_ROWS));
        assertEquals(QueryExecutionState.FAILED, q.status().state());
        String reason = q.status().stateChangeReason();
        assertTrue(reason.contains("Result size limit") && reason.contains("local.athena.max-result-mb"), reason);
        assertEquals(reason, q.status().athenaError().errorMessage());
        assertFalse(q.status().athenaError().retryable());
        assertThrows(InvalidRequestException.class, () -> athena.getQueryResults(b -> b.queryExecutionId(q.queryExecutionId())));
        try (Stream<Path> files = Files.list(s3Root.resolve(RESULTS))) {
            assertEquals(List.of(), files.toList(), "neither the result nor its spool file is left in the bucket");
        }
        QueryExecution after = finished(athena, start(athena, "SELECT 42 AS answer"));
        assertEquals(QueryExecutionState.SUCCEEDED, after.status().state(), "the local Athena still answers");
        QueryExecution tooLong = finished(athena, start(athena, "SELECT cardinality(sequence(1, 10001)) AS n"));
        assertEquals(QueryExecutionState.FAILED, tooLong.status().state(), "as Trino, sequence() stops at 10 000 entries");
        assertTrue(tooLong.status().stateChangeReason().contains("10000 entries"), tooLong.status().stateChangeReason());
        QueryExecution badCast = finished(athena, start(athena,
                "SELECT CAST(CASE WHEN x > 3000 THEN 'abc' ELSE '1' END AS integer) AS n FROM UNNEST(sequence(1, 5000)) AS t(x)"));
        assertEquals(QueryExecutionState.FAILED, badCast.status().state());
        assertTrue(badCast.status().stateChangeReason().contains("Could not convert string 'abc'"),
                "an error raised while rows stream keeps DuckDB's message: " + badCast.status().stateChangeReason());
    }

    @Test
    void aResultOfManyPagesIsServedPageByPageFromItsS3Object() throws Exception {
        AthenaClient athena = athena(Duration.ofMinutes(5), 1 << 20);
        QueryExecution q = finished(athena, start(athena,
                "SELECT x AS n, CAST(x AS varchar) || ',\"' AS s FROM UNNEST(sequence(1, 2500)) AS t(x) ORDER BY x"));
        assertEquals(QueryExecutionState.SUCCEEDED, q.status().state(), q.status().stateChangeReason());
        Path object = s3Root.resolve(RESULTS).resolve(q.queryExecutionId() + ".csv");
        assertEquals("s3://" + RESULTS + "/" + q.queryExecutionId() + ".csv", q.resultConfiguration().outputLocation());
        List<String> lines = Files.readAllLines(object, StandardCharsets.UTF_8);
        assertEquals("\"n\",\"s\"", lines.get(0), "Athena's CSV: a header, every value quoted");
        assertEquals("\"1\",\"1,\"\"\"", lines.get(1), "quotes doubled");

        GetQueryResultsResponse first = athena.getQueryResults(b -> b.queryExecutionId(q.queryExecutionId()));
        assertEquals(List.of("n", "s"), values(first).get(0), "the first page starts with the header row");
        assertEquals(List.of("999", "999,\""), values(first).get(999));
        assertEquals(List.of("bigint", "varchar"), first.resultSet().resultSetMetadata().columnInfo().stream()
                .map(c -> c.type()).toList());
        assertNotNull(first.nextToken());

        // The rest is read from the object, not from memory: a change to the object shows in the next page.
        Files.writeString(object, Files.readString(object).replace("\"1001\",\"1001,\"\"\"", "\"1001\",\"edited\""));
        GetQueryResultsResponse second = athena.getQueryResults(b -> b.queryExecutionId(q.queryExecutionId())
                .nextToken(first.nextToken()));
        assertEquals(List.of("1000", "1000,\""), values(second).get(0));
        assertEquals(List.of("1001", "edited"), values(second).get(1));
        GetQueryResultsResponse third = athena.getQueryResults(b -> b.queryExecutionId(q.queryExecutionId())
                .nextToken(second.nextToken()));
        assertEquals(501, values(third).size());
        assertEquals(List.of("2500", "2500,\""), values(third).get(500));
        assertNull(third.nextToken(), "the last page has no token");
        assertEquals(List.of("n", "s"), third.resultSet().resultSetMetadata().columnInfo().stream()
                .map(c -> c.name()).toList(), "every page carries the metadata");
        assertThrows(InvalidRequestException.class, () -> athena.getQueryResults(b -> b
                .queryExecutionId(q.queryExecutionId()).nextToken("not-a-token")));
    }

    @Test
    void aQueryPastTheTimeLimitFailsWithAthenasReasonAndFreesItsWorkerForTheQueuedOnes() throws Exception {
        AthenaClient athena = athena(Duration.ofSeconds(2), 1 << 20);
        List<String> endless = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            endless.add(start(athena, ENDLESS));
        }
        String queued = start(athena, "SELECT 42 AS answer");
        for (String id : endless) {
            QueryExecution q = finished(athena, id);
            assertEquals(QueryExecutionState.FAILED, q.status().state(), q.status().stateChangeReason());
            assertTrue(q.status().stateChangeReason().startsWith("Query timeout"), q.status().stateChangeReason());
            assertTrue(q.status().stateChangeReason().contains("local.athena.query-timeout"),
                    q.status().stateChangeReason());
        }
        QueryExecution answer = finished(athena, queued);
        assertEquals(QueryExecutionState.SUCCEEDED, answer.status().state(), answer.status().stateChangeReason());
        assertEquals(List.of("42"), values(athena.getQueryResults(b -> b.queryExecutionId(queued))).get(1));
    }

    @Test
    void stopQueryExecutionCancelsRunningQueriesAndTooManyActiveOnesAreThrottled() throws Exception {
        AthenaClient athena = athena(Duration.ofHours(1), 1 << 20);
        List<String> endless = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            endless.add(start(athena, ENDLESS));
        }
        for (String id : endless) {
            while (state(athena, id) == QueryExecutionState.QUEUED) {
                Thread.sleep(20);
            }
        }
        List<String> queued = new ArrayList<>();
        for (int i = endless.size(); i < LocalAthena.MAX_ACTIVE; i++) {
            queued.add(start(athena, "SELECT " + i + " AS n"));
        }
        TooManyRequestsException busy = assertThrows(TooManyRequestsException.class, () -> start(athena, "SELECT 1"));
        assertTrue(busy.getMessage().contains("concurrently"), busy.getMessage());

        for (String id : endless) {
            athena.stopQueryExecution(b -> b.queryExecutionId(id));
            QueryExecution q = finished(athena, id);
            assertEquals(QueryExecutionState.CANCELLED, q.status().state());
        }
        for (String id : queued) {
            assertEquals(QueryExecutionState.SUCCEEDED, finished(athena, id).status().state(), "queued queries run");
        }
        athena.stopQueryExecution(b -> b.queryExecutionId(queued.get(0)));
        assertEquals(QueryExecutionState.SUCCEEDED, state(athena, queued.get(0)), "stopping a finished query changes nothing");
    }

    @Test
    void stopQueryExecutionCancelsAQueryWhileItsRowsStreamIntoTheResult() throws Exception {
        // DuckDB's interrupt does not reach a result being fetched: the worker's own flag stops the spooling.
        AthenaClient athena = athena(Duration.ofHours(1), 1L << 40);
        String id = start(athena, BILLION_ROWS);
        for (int i = 0; !spooling(); i++) {
            assertTrue(i < 6000, "the query never started spooling rows");
            Thread.sleep(10);
        }
        athena.stopQueryExecution(b -> b.queryExecutionId(id));
        assertEquals(QueryExecutionState.CANCELLED, finished(athena, id).status().state());
        String next = start(athena, "SELECT 42 AS answer");
        assertEquals(QueryExecutionState.SUCCEEDED, finished(athena, next).status().state());
        for (int i = 0; i < 600 && spooling(); i++) {
            Thread.sleep(50);
        }
        try (Stream<Path> files = Files.list(s3Root.resolve(RESULTS))) {
            assertEquals(List.of(next + ".csv"), files.map(f -> f.getFileName().toString()).toList(),
                    "the cancelled query's spool file is gone, and it left no result");
        }
    }

    /** True while a spool file with rows in it is in the results bucket. */
    private boolean spooling() throws Exception {
        try (Stream<Path> files = Files.list(s3Root.resolve(RESULTS))) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".tmp") && f.toFile().length() > 0);
        }
    }

    @Test
    void aQueryStringLongerThanAthenasLimitIsRefused() throws Exception {
        AthenaClient athena = athena(Duration.ofMinutes(5), 1 << 20);
        String tooLong = "SELECT '" + "x".repeat(262144) + "' AS s";
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> start(athena, tooLong));
        assertTrue(e.getMessage().contains("262144"), e.getMessage());
    }

    @Test
    void aLimitThatIsNotPositiveIsRefusedNamingItsSetting() {
        var timeout = assertThrows(genesyslake.config.Settings.SettingsException.class, () -> new LocalAwsSettings(0,
                s3Root, "db", "c", "w", RESULTS, List.of(), KEY, SECRET, Duration.ZERO, 1 << 20));
        assertTrue(timeout.getMessage().contains("local.athena.query-timeout"), timeout.getMessage());
        var size = assertThrows(genesyslake.config.Settings.SettingsException.class, () -> new LocalAwsSettings(0,
                s3Root, "db", "c", "w", RESULTS, List.of(), KEY, SECRET, Duration.ofMinutes(5), 0));
        assertTrue(size.getMessage().contains("local.athena.max-result-mb"), size.getMessage());
    }

    // ---- helpers ----

    static String start(AthenaClient athena, String sql) {
        return athena.startQueryExecution(b -> b.queryString(sql).workGroup("UsageAPIWorkgroup")
                .resultConfiguration(r -> r.outputLocation("s3://" + RESULTS + "/"))).queryExecutionId();
    }

    static QueryExecutionState state(AthenaClient athena, String id) {
        return athena.getQueryExecution(b -> b.queryExecutionId(id)).queryExecution().status().state();
    }

    /** Waits up to two minutes for the query to end (a bound, not a timing: the test fails if it never ends). */
    static QueryExecution finished(AthenaClient athena, String id) throws InterruptedException {
        for (int i = 0; i < 2400; i++) {
            QueryExecution q = athena.getQueryExecution(b -> b.queryExecutionId(id)).queryExecution();
            if (q.status().state() != QueryExecutionState.QUEUED && q.status().state() != QueryExecutionState.RUNNING) {
                return q;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("query " + id + " did not end");
    }

    static List<List<String>> values(GetQueryResultsResponse page) {
        return page.resultSet().rows().stream().map(r -> r.data().stream().map(Datum::varCharValue).toList()).toList();
    }
}
