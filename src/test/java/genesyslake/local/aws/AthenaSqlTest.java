package genesyslake.local.aws;

import genesyslake.testsupport.UnitTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ensures DuckDB's parse tree decides what a query may do, and that every shipped query passes the check. */
@UnitTest
class AthenaSqlTest {

    static Connection duck;

    @BeforeAll
    static void open() throws Exception {
        duck = DriverManager.getConnection("jdbc:duckdb:");
    }

    @AfterAll
    static void close() throws Exception {
        duck.close();
    }

    @Test
    void everyShippedReportAndExampleIsAQueryTheLocalAthenaRuns() throws Exception {
        List<Path> files;
        try (Stream<Path> walk = Stream.concat(Files.list(Path.of("queries/sql")), Files.list(Path.of("queries/examples")))) {
            files = walk.filter(f -> f.toString().endsWith(".sql")).sorted().toList();
        }
        assertFalse(files.isEmpty());
        for (Path f : files) {
            String sql = Files.readString(f).trim().replaceFirst(";\\s*$", "");
            assertEquals(AthenaSql.Kind.QUERY, AthenaSql.check(sql, duck).kind(), f.toString());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT a + b, a || b, a LIKE 'x%' ESCAPE '\\', a IS DISTINCT FROM b, a BETWEEN 1 AND 2, a IN (1, 2) FROM t",
            "SELECT CASE WHEN a THEN 1 END, CAST(a AS varchar), TRY_CAST(a AS integer), extract(year FROM d), "
                    + "d AT TIME ZONE 'UTC', x[1], ARRAY[1, 2], ROW(1, 2), d + INTERVAL '1' DAY FROM t",
            "SELECT count(*), count(DISTINCT a), row_number() OVER (PARTITION BY a ORDER BY b) FROM t",
            "SELECT transform(arr, x -> x + 1) FROM t CROSS JOIN UNNEST(arr) AS u(x)",
            "WITH x AS (SELECT 1 AS a) SELECT * FROM x UNION ALL SELECT 2",
            "SELECT date_format(from_iso8601_timestamp(s), '%Y'), approx_distinct(a), regexp_like(a, 'x') FROM t",
            "SELECT * FROM information_schema.tables", "SHOW TABLES", "DESCRIBE t", "VALUES (1, 'a')",
            "(SELECT 1)", "SELECT * FROM awsdatacatalog.genesysclouddb.t", "-- a comment\nSELECT 1;"})
    void athenasSqlPasses(String sql) throws Exception {
        assertEquals(AthenaSql.Kind.QUERY, AthenaSql.check(sql, duck).kind(), sql);
    }

    @Test
    void aParseErrorFailsTheExecutionInsteadOfRunningAnything() throws Exception {
        AthenaSql.Checked broken = AthenaSql.check("SELECT 1 FROM WHERE; COPY (SELECT 1) TO 'x.csv'", duck);
        assertEquals(AthenaSql.Kind.SYNTAX_ERROR, broken.kind());
        assertTrue(broken.error().startsWith("line 1:"), broken.error());
    }

    @Test
    void functionsAreRefusedWhateverTheSpelling() {
        for (String sql : List.of("SELECT \"read_text\"('x')", "SELECT READ_TEXT('x')", "SELECT system.main.getenv('x')",
                "SELECT a FROM t WHERE a IN (SELECT * FROM glob('*'))", "SELECT a COLLATE nocase FROM t",
                "SELECT {'a': 1}", "SELECT * FROM t WHERE EXISTS (SELECT 1 FROM read_csv('x'))")) {
            AwsServiceException e = assertThrows(AwsServiceException.class, () -> AthenaSql.check(sql, duck), sql);
            assertEquals("InvalidRequestException", e.type());
        }
    }

    /**
     * Athena divides with a decimal literal in decimal arithmetic (sum(bigint) / 1000.0 is decimal(21,1): 130.1),
     * DuckDB in double (130.114): the local Athena refuses the construct, naming it and the portable spelling.
     */
    @ParameterizedTest
    @ValueSource(strings = {"SELECT sum(d) / 1000.0 FROM t", "SELECT 7.5 / a FROM t",
            "SELECT round(CAST(sum(d) AS bigint) / 1000.0 / count(*), 1) FROM t",
            "SELECT x FROM t WHERE d / 2.5 > 1", "SELECT (SELECT max(d) / -1.0 FROM t)"})
    void divisionWithADecimalLiteralIsRefusedAsEngineDependent(String sql) {
        AwsServiceException e = assertThrows(AwsServiceException.class, () -> AthenaSql.check(sql, duck));
        assertEquals("InvalidRequestException", e.type());
        assertTrue(e.getMessage().contains("decimal literal") && e.getMessage().contains("CAST("), e.getMessage());
    }

    @Test
    void theTimeReportAsItWasIsRefused() throws Exception {
        String sql = Files.readString(Path.of("queries/sql/available-and-interacting-time-per-agent-per-day.sql"))
                .replace("CAST(sum(durationms) AS double) / 1000", "sum(durationms) / 1000.0");
        assertTrue(sql.contains("/ 1000.0"));
        AwsServiceException e = assertThrows(AwsServiceException.class, () -> AthenaSql.check(sql, duck));
        assertTrue(e.getMessage().contains("decimal literal (1000.0)"), e.getMessage());
        // as the local Athena's DuckDB parses it: with Trino's integer division, "/" comes back as "//"
        try (Connection trinoLike = DriverManager.getConnection("jdbc:duckdb:");
                java.sql.Statement st = trinoLike.createStatement()) {
            st.execute("SET GLOBAL integer_division = true");
            try (Connection parser = ((org.duckdb.DuckDBConnection) trinoLike).duplicate()) {
                AwsServiceException local = assertThrows(AwsServiceException.class, () -> AthenaSql.check(sql, parser));
                assertTrue(local.getMessage().contains("decimal literal (1000.0)"), local.getMessage());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT CAST(sum(d) AS double) / 1000 FROM t", "SELECT sum(d) * 1.5, d + 0.5 FROM t",
            "SELECT d / 1000 FROM t", "SELECT d / 1e3 FROM t", "SELECT CAST(d AS decimal(10, 2)) FROM t"})
    void portableArithmeticPasses(String sql) throws Exception {
        assertEquals(AthenaSql.Kind.QUERY, AthenaSql.check(sql, duck).kind());
    }
}
