package genesyslake.report;

import genesyslake.lake.LakeNames;
import genesyslake.ops.LogCapture;
import genesyslake.testsupport.UnitTest;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.athena.model.ColumnInfo;
import software.amazon.awssdk.services.athena.model.Datum;
import software.amazon.awssdk.services.athena.model.GetQueryResultsResponse;
import software.amazon.awssdk.services.athena.model.ResultSet;
import software.amazon.awssdk.services.athena.model.ResultSetMetadata;
import software.amazon.awssdk.services.athena.model.Row;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures the files a report run reads and writes are safe to hand on: a CSV copy holds a cell that would run as a
 * spreadsheet formula as text (numbers stay numbers; the logged table shows the value as it is), and a report whose
 * .sql file leads outside athena.reports-dir through a link is not read.
 */
@UnitTest
class ReportFilesTest {

    private static Row row(String... values) {
        return Row.builder().data(java.util.Arrays.stream(values).map(v -> Datum.builder().varCharValue(v).build()).toList())
                .build();
    }

    @Test
    void theCsvCopyHoldsFormulasAsTextAndNumbersAsNumbers(@TempDir Path tmp) throws Exception {
        Path csvDir = tmp.resolve("reports");
        Reports reports = new Reports(Files.createDirectories(tmp.resolve("sql")), "", csvDir, 0.05);
        GetQueryResultsResponse answer = GetQueryResultsResponse.builder().resultSet(ResultSet.builder()
                .resultSetMetadata(ResultSetMetadata.builder().columnInfo(ColumnInfo.builder().name("clientname").build(),
                        ColumnInfo.builder().name("delta").build(), ColumnInfo.builder().name("share").build()).build())
                .rows(row("clientname", "delta", "share"), row("=cmd|'/C calc'!A0", "-3", "-0.5"),
                        row("@SUM(1+1)*cmd|' /C calc'!A0", "+2", "0.25")).build()).build();
        try (DefaultCamelContext context = new DefaultCamelContext(); LogCapture logs = new LogCapture()) {
            Exchange exchange = new DefaultExchange(context);
            exchange.setProperty(LakeNames.REPORT, new Report("top", tmp.resolve("sql/top.sql"), "SELECT 1"));
            exchange.getIn().setBody(answer);
            reports.render(exchange);
            String csv = Files.readString(csvDir.resolve("top/latest.csv"));
            assertEquals("clientname,delta,share\r\n'=cmd|'/C calc'!A0,-3,-0.5\r\n'@SUM(1+1)*cmd|' /C calc'!A0,+2,0.25\r\n", csv);
            assertTrue(logs.lines().stream().anyMatch(l -> l.contains("=cmd|'/C calc'!A0") && !l.contains("'=cmd")),
                    "the logged table shows the value as Athena answered it: " + logs.lines());
        }
    }

    @Test
    void aReportFileThatLinksOutsideTheReportsFolderIsNotRead(@TempDir Path tmp) throws Exception {
        Path sql = Files.createDirectories(tmp.resolve("sql"));
        Files.writeString(sql.resolve("a-good.sql"), "SELECT 1");
        Path secret = Files.writeString(tmp.resolve("secret.txt"), "SECRET-5d1e not a report");
        Files.createSymbolicLink(sql.resolve("b-leak.sql"), secret);
        Reports reports = new Reports(sql, "", tmp.resolve("reports"), 0.05);
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            Exchange exchange = new DefaultExchange(context);
            List<Report> listed = reports.list(exchange);
            assertEquals(List.of("a-good"), listed.stream().map(Report::name).toList(), "the linked file is not run");
            assertTrue(listed.stream().noneMatch(r -> r.sql().contains("SECRET")));
            IllegalStateException verdict = assertThrows(IllegalStateException.class, () -> reports.summary(exchange),
                    "the run says so");
            assertTrue(verdict.getMessage().contains("b-leak.sql") && verdict.getMessage().contains("athena.reports-dir"),
                    verdict.getMessage());
            assertFalse(verdict.getMessage().contains("SECRET"), verdict.getMessage());
        }
    }
}
