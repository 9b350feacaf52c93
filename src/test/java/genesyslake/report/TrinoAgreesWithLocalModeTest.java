package genesyslake.report;

import genesyslake.management.FlowOutcome;
import genesyslake.testsupport.LocalDaemon;
import genesyslake.testsupport.ScaleTest;
import genesyslake.testsupport.Trino;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opentest4j.AssertionFailedError;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.athena.model.Datum;
import software.amazon.awssdk.services.athena.model.GetQueryResultsResponse;
import software.amazon.awssdk.services.athena.model.QueryExecution;
import software.amazon.awssdk.services.athena.model.QueryExecutionState;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static genesyslake.testsupport.AthenaAnswers.sqlOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures every shipped report, the seed's query and every example answer on a real Trino 476 (Athena engine v3's
 * base: Hive connector, Glue metastore, native S3 file system) what local mode answers, Trino reading the lake local mode
 * wrote through the local Glue and local S3 endpoints, as Athena reads AWS's. Numbers compare as numbers; rows may
 * differ in order only among rows the query's ORDER BY leaves tied, and at a LIMIT's edge only within that tie. One
 * Trino start for the whole class.
 */
@ScaleTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrinoAgreesWithLocalModeTest {

    private static final LocalDate FIRST = LocalDate.now(ZoneOffset.UTC).minusDays(3);
    private static final String DATABASE = "genesysclouddb";

    private LocalDaemon daemon;
    private Trino trino;
    private CompletableFuture<Trino> starting;
    private AthenaClient athena;
    private long classStart;

    @BeforeAll
    void exportCrawlAndStartTrino(@org.junit.jupiter.api.io.TempDir Path work) throws Exception {
        classStart = System.nanoTime();
        daemon = LocalDaemon.start(Map.of());
        // Trino's start, most of this class's time, needs only the endpoints: it goes on while the flows export.
        String glue = daemon.local().aws().endpoint();
        String s3 = daemon.local().s3().endpoint();
        starting = CompletableFuture.supplyAsync(() -> {
            try {
                return Trino.start(work, "awsdatacatalog", DATABASE, glue, s3, "us-east-1", "local-access-key",
                        "local-secret-key");
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        for (String flow : List.of("usage-export", "usage-daily", "conversation-details", "user-details",
                "reference-users", "reference-queues", "catalog-refresh")) {
            Map<String, Object> headers = flow.endsWith("-details")
                    ? Map.of("lakeInterval", FIRST + "/" + FIRST.plusDays(2)) : Map.of();
            FlowOutcome outcome = daemon.run(flow, headers);
            assertTrue(outcome.success(), outcome.toString());
        }
        athena = daemon.bean("athenaClient", AthenaClient.class);
        trino = starting.join();
        System.out.printf(Locale.ROOT, "TrinoAgreesWithLocalModeTest: Trino started in %.1f s%n",
                trino.startup.toMillis() / 1000.0);
    }

    @AfterAll
    void stop() {
        if (starting != null) {
            // started, or still starting when an export failed: closed either way
            starting.thenAccept(Trino::close).exceptionally(e -> null).join();
        }
        if (daemon != null) {
            daemon.closeAndDelete();
        }
        System.out.printf(Locale.ROOT, "TrinoAgreesWithLocalModeTest: class took %.1f s%n",
                (System.nanoTime() - classStart) / 1e9);
    }

    /** Every .sql file shipped (reports, the seed's query, examples): new ones are covered without a change here. */
    static List<Path> shippedQueries() throws IOException {
        try (Stream<Path> files = Stream.concat(Files.list(Path.of("queries/sql")), Files.list(Path.of("queries/examples")))) {
            return files.filter(f -> f.toString().endsWith(".sql")).sorted().toList();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shippedQueries")
    void trinoAnswersWhatLocalModeAnswers(Path file) throws Exception {
        String sql = sqlOf(file);
        Trino.Answer remote = trino.query(sql);
        Trino.Answer local = local(sql);
        assertFalse(local.rows().isEmpty(), file + " has rows locally, so the comparison means something");
        assertAlike(sql, local, remote, file.toString());
    }

    /**
     * The shipped time report as it was ({@code sum(durationms) / 1000.0}): Trino's decimal(21,1) answer is not what
     * local mode answered for the report, and the comparison says so; the local Athena refuses that SQL outright.
     */
    @Test
    void aReportWhoseMeaningDependsOnTheEngineIsCaught() throws Exception {
        Path file = Path.of("queries/sql/available-and-interacting-time-per-agent-per-day.sql");
        String shipped = sqlOf(file);
        String decimal = shipped.replace("CAST(sum(durationms) AS double) / 1000", "sum(durationms) / 1000.0");
        assertTrue(!decimal.equals(shipped), "the test copy divides by the decimal literal");

        Trino.Answer remote = trino.query(decimal);
        assertTrue(remote.types().contains("decimal(21, 1)"), remote.types().toString());
        AssertionFailedError caught = assertThrows(AssertionFailedError.class,
                () -> assertAlike(decimal, local(shipped), remote, "the decimal copy"));
        assertTrue(caught.getMessage().contains("row"), caught.getMessage());

        String refused = localFailure(decimal);
        assertTrue(refused.contains("decimal literal (1000.0)"), refused);
    }

    /** Trino reads the Parquet tables' time columns as Athena's Hive tables have them: timestamp(3). */
    @Test
    void trinoReadsTheTimeColumnsAtMilliseconds() throws Exception {
        Trino.Answer columns = trino.query("SELECT table_name, column_name, data_type FROM information_schema.columns "
                + "WHERE table_schema = '" + DATABASE + "' AND data_type LIKE 'timestamp%'");
        assertFalse(columns.rows().isEmpty(), "some table has a time column");
        for (List<String> c : columns.rows()) {
            assertEquals("timestamp(3)", c.get(2), c.toString());
        }
    }

    // ---- comparing answers

    private static final Pattern NUMBER = Pattern.compile("-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?");
    private static final Pattern TIMESTAMP = Pattern.compile("(\\d{4}-\\d\\d-\\d\\d)[ T](\\d\\d:\\d\\d:\\d\\d)(\\.\\d+)?");

    /** A value as the comparison sees it: numbers by value (12 significant digits), times to the millisecond. */
    static String normal(String v) {
        if (v == null) {
            return "NULL";
        }
        if (NUMBER.matcher(v).matches()) {
            return new BigDecimal(v).round(new MathContext(12)).stripTrailingZeros().toPlainString();
        }
        Matcher t = TIMESTAMP.matcher(v);
        if (t.matches()) {
            String fraction = t.group(3) == null ? "" : t.group(3).substring(1);
            return t.group(1) + " " + t.group(2) + "." + (fraction + "000").substring(0, 3);
        }
        return v;
    }

    /**
     * The ORDER BY keys of the statement's last ORDER BY, as indexes of output columns; null when some key is not an
     * output column (then the rows must come in the same order).
     */
    static int[] orderKeys(String sql, List<String> columns) {
        String text = sql.replaceAll("--[^\n]*", " ");
        int at = text.toUpperCase(Locale.ROOT).lastIndexOf("ORDER BY");
        if (at < 0 || text.substring(at).chars().filter(c -> c == ')').count()
                > text.substring(at).chars().filter(c -> c == '(').count()) {
            return new int[0];
        }
        String clause = text.substring(at + 8).replaceAll("(?is)\\s+LIMIT\\s+\\d+\\s*$", "");
        List<Integer> keys = new ArrayList<>();
        for (String item : clause.split(",")) {
            String name = item.trim().replaceAll("(?i)\\s+(ASC|DESC)?(\\s+NULLS\\s+(FIRST|LAST))?$", "")
                    .replaceAll("(?i)\\s+(ASC|DESC)$", "").replace("\"", "").trim();
            int index = -1;
            for (int i = 0; i < columns.size(); i++) {
                if (columns.get(i).equalsIgnoreCase(name)) {
                    index = i;
                }
            }
            if (index < 0) {
                return null;
            }
            keys.add(index);
        }
        return keys.stream().mapToInt(Integer::intValue).toArray();
    }

    static void assertAlike(String sql, Trino.Answer local, Trino.Answer remote, String what) {
        assertEquals(local.columns(), remote.columns(), what + ": columns");
        assertEquals(local.rows().size(), remote.rows().size(), () -> what + ": row count\nlocal: " + local.rows()
                + "\ntrino: " + remote.rows());
        List<List<String>> a = local.rows().stream().map(r -> r.stream().map(TrinoAgreesWithLocalModeTest::normal).toList()).toList();
        List<List<String>> b = remote.rows().stream().map(r -> r.stream().map(TrinoAgreesWithLocalModeTest::normal).toList()).toList();
        int[] keys = orderKeys(sql, local.columns());
        if (keys == null) {
            assertEquals(a, b, what + ": rows in order");
            return;
        }
        boolean limited = Pattern.compile("(?is).*\\bLIMIT\\s+\\d+\\s*$").matcher(sql.strip()).matches();
        // Runs of rows with equal ORDER BY keys: same keys in the same order, the same rows within each run, except the
        // run a LIMIT cuts, whose rows the SQL leaves open.
        int i = 0;
        while (i < a.size()) {
            List<String> key = key(a.get(i), keys);
            int end = i;
            while (end < a.size() && key(a.get(end), keys).equals(key)) {
                end++;
            }
            for (int j = i; j < end; j++) {
                assertEquals(key, key(b.get(j), keys), what + ": ORDER BY keys of row " + (j + 1) + "\nlocal: " + a.get(j)
                        + "\ntrino: " + b.get(j));
            }
            if (!(limited && end == a.size())) {
                Comparator<List<String>> byText = Comparator.comparing(Object::toString);
                List<List<String>> x = a.subList(i, end).stream().sorted(byText).toList();
                List<List<String>> y = b.subList(i, end).stream().sorted(byText).toList();
                assertEquals(x, y, what + ": row " + (i + 1) + (end - i > 1 ? " to " + end + " (tied)" : ""));
            }
            i = end;
        }
    }

    private static List<String> key(List<String> row, int[] keys) {
        List<String> k = new ArrayList<>();
        for (int i : keys) {
            k.add(row.get(i));
        }
        return k;
    }

    // ---- the local Athena

    private QueryExecution execute(String sql) throws InterruptedException {
        String id = athena.startQueryExecution(b -> b.queryString(sql).workGroup("UsageAPIWorkgroup")
                .queryExecutionContext(c -> c.database(DATABASE))).queryExecutionId();
        QueryExecution q;
        do {
            Thread.sleep(20);
            q = athena.getQueryExecution(b -> b.queryExecutionId(id)).queryExecution();
        } while (q.status().state() == QueryExecutionState.QUEUED || q.status().state() == QueryExecutionState.RUNNING);
        return q;
    }

    /** Why the local Athena does not answer {@code sql}: refused at StartQueryExecution, or the execution FAILED. */
    private String localFailure(String sql) throws InterruptedException {
        try {
            QueryExecution q = execute(sql);
            assertEquals(QueryExecutionState.FAILED, q.status().state());
            return q.status().stateChangeReason();
        } catch (software.amazon.awssdk.services.athena.model.InvalidRequestException e) {
            return e.getMessage();
        }
    }

    private Trino.Answer local(String sql) {
        try {
            QueryExecution q = execute(sql);
            assertEquals(QueryExecutionState.SUCCEEDED, q.status().state(), () -> q.status().stateChangeReason());
            List<String> columns = new ArrayList<>();
            List<String> types = new ArrayList<>();
            List<List<String>> rows = new ArrayList<>();
            boolean header = true;
            for (GetQueryResultsResponse page : athena.getQueryResultsPaginator(b -> b.queryExecutionId(q.queryExecutionId()))) {
                if (columns.isEmpty()) {
                    page.resultSet().resultSetMetadata().columnInfo().forEach(c -> {
                        columns.add(c.name());
                        types.add(c.type());
                    });
                }
                for (var r : page.resultSet().rows()) {
                    if (header) {
                        header = false; // Athena's first row repeats the column names
                        continue;
                    }
                    rows.add(r.data().stream().map(Datum::varCharValue).toList());
                }
            }
            return new Trino.Answer(columns, types, rows);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

}
