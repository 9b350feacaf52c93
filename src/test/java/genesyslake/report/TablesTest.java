package genesyslake.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Ensures report rows render as aligned tables and valid CSV. */
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
}
