package genesyslake.testsupport;

import genesyslake.report.Tables;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.athena.model.Datum;
import software.amazon.awssdk.services.athena.model.GetQueryResultsResponse;
import software.amazon.awssdk.services.athena.model.QueryExecution;
import software.amazon.awssdk.services.athena.model.QueryExecutionState;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A report's answer from the (local) Athena, as tests compare answers: the report's CSV lines. */
public final class AthenaAnswers {

    private AthenaAnswers() {
    }

    /** A report file's SQL as the daemon sends it: trimmed, without a trailing semicolon. */
    public static String sqlOf(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8).trim().replaceFirst(";\\s*$", "");
    }

    /**
     * Runs {@code sql} in the reports' workgroup and database, waits for it to succeed, and returns the answer as CSV
     * lines: a header with Athena's column types, then every row of all pages.
     */
    public static List<String> csv(AthenaClient athena, String sql) throws InterruptedException {
        String id = athena.startQueryExecution(b -> b.queryString(sql).workGroup("UsageAPIWorkgroup")
                .queryExecutionContext(c -> c.database("genesysclouddb"))).queryExecutionId();
        QueryExecution q;
        do {
            Thread.sleep(20);
            q = athena.getQueryExecution(b -> b.queryExecutionId(id)).queryExecution();
        } while (q.status().state() == QueryExecutionState.QUEUED || q.status().state() == QueryExecutionState.RUNNING);
        QueryExecution done = q;
        assertEquals(QueryExecutionState.SUCCEEDED, done.status().state(), () -> done.status().stateChangeReason());
        List<String> lines = new ArrayList<>();
        for (GetQueryResultsResponse page : athena.getQueryResultsPaginator(b -> b.queryExecutionId(id))) {
            if (lines.isEmpty()) {
                lines.add(page.resultSet().resultSetMetadata().columnInfo().stream()
                        .map(c -> c.name() + ":" + c.type()).toList().toString());
            }
            page.resultSet().rows().forEach(r -> lines.add(Tables.csvLine(r.data().stream()
                    .map(Datum::varCharValue).toList()).strip()));
        }
        return lines;
    }
}
