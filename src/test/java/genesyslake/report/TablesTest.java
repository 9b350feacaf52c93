package genesyslake.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Ensures report rows render as aligned tables and valid CSV, and that CSV reads back to the same rows. */
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
}
