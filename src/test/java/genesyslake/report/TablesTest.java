package genesyslake.report;

import genesyslake.testsupport.UnitTest;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Ensures report rows render as aligned tables and valid CSV, that CSV reads back to the same rows, and that a cell
 * a spreadsheet would run as a formula is written as text (OWASP CSV injection) while numbers stay numbers.
 */
@UnitTest
class TablesTest {

    @Test
    void rendersAlignedColumns() {
        String t = Tables.render(List.of("client", "status429"), List.of(List.of("WFM Sync", "1200"), List.of("A", "3")));
        assertEquals("client   | status429\n---------+----------\nWFM Sync | 1200\nA        | 3\n",
                t.replaceAll(" +\n", "\n"));
    }

    @Test
    void quotesCsvFieldsThatNeedIt() {
        assertEquals("a,\"b,c\",\"say \"\"hi\"\"\",\r\n", Tables.csvLine(java.util.Arrays.asList("a", "b,c", "say \"hi\"", null)));
    }

    @Test
    void parsesWhatItWritesBackToTheSameRows() {
        List<List<String>> rows = List.of(List.of("clientname", "status429"), List.of("a,b", "1"),
                List.of("say \"hi\"", "2"), List.of("two\r\nlines", ""), List.of("", "<b>"));
        StringBuilder csv = new StringBuilder();
        rows.forEach(r -> csv.append(Tables.csvLine(r)));
        assertEquals(rows, Tables.parseCsv(csv.toString()));
        assertEquals(List.of(List.of("a", "b"), List.of("c", "d")), Tables.parseCsv("a,b\nc,d"), "LF and no final break");
    }

    @Test
    void cellsASpreadsheetWouldRunAsFormulasAreWrittenAsTextAndNumbersStayNumbers() {
        List<String> row = List.of("=cmd|'/C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "-3", "-0.5", "+7",
                "1e-3", "-1.5E+3", "plain", "'=quoted", "-", "");
        assertEquals("'=cmd|'/C calc'!A0,'+1+1,'-2+3,'@SUM(A1),'\tx,\"'\rx\",-3,-0.5,+7,1e-3,-1.5E+3,plain,''=quoted,'-,\r\n",
                Tables.csvLine(row));
        assertEquals(List.of(row), Tables.parseCsv(Tables.csvLine(row)), "our own reader gets the values back");
    }

    @Test
    void theLoggedTableShowsValuesAsTheyAreButOnOneLineEach() {
        String t = Tables.render(List.of("client"), List.of(List.of("=cmd|'/C calc'!A0"), List.of("two\nlines")));
        assertEquals("client\n-----------------\n=cmd|'/C calc'!A0\ntwo\\nlines\n", t.replaceAll(" +\n", "\n"));
    }
}
