package genesyslake.local.aws;

import genesyslake.testsupport.UnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CancellationException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ensures a result object is written as Athena's CSV, capped, and read back page by page exactly as written. */
@UnitTest
class ResultCsvTest {

    @TempDir
    Path dir;

    @Test
    void valuesRoundTripThroughAthenasCsvWhateverTheyHoldAndPagesFollowTheTokens() throws Exception {
        List<List<String>> rows = List.of(
                List.of("a", "b", "c"),
                Arrays.asList("plain", null, ""),
                List.of("comma, and \"quotes\"", "line\nbreak", "ünïcødé ✓"),
                Arrays.asList(null, null, null),
                List.of("\"", ",", "\n"));
        Path file = dir.resolve("r.csv");
        Iterator<List<String>> it = rows.subList(1, rows.size()).iterator();
        long bytes = ResultCsv.write(file, rows.get(0), () -> it.hasNext() ? it.next() : null, 1 << 20, () -> false);
        assertEquals(Files.size(file), bytes);
        String csv = Files.readString(file, StandardCharsets.UTF_8);
        assertTrue(csv.startsWith("\"a\",\"b\",\"c\"\n\"plain\",,\"\"\n"), "every value quoted, a null empty and unquoted: " + csv);
        List<List<String>> read = new ArrayList<>();
        long offset = 0;
        int pages = 0;
        do {
            ResultCsv.Page page = ResultCsv.read(file, offset, 2);
            read.addAll(page.rows());
            offset = page.next();
            pages++;
        } while (offset >= 0);
        assertEquals(rows, read);
        assertEquals(3, pages, "2 + 2 + 1 rows, and no empty page at the end");
        assertThrows(IllegalArgumentException.class, () -> ResultCsv.read(file, Files.size(file) + 1, 10));
    }

    @Test
    void writingStopsAtTheCapOrWhenTold() throws Exception {
        Path file = dir.resolve("big.csv");
        ResultCsv.TooLarge e = assertThrows(ResultCsv.TooLarge.class, () -> ResultCsv.write(file, List.of("n"),
                () -> List.of("0123456789"), 1000, () -> false));
        assertEquals("more than 1000 bytes", e.getMessage());
        assertEquals(true, Files.size(file) <= 1000, "no more than the cap reaches the file");
        assertThrows(CancellationException.class, () -> ResultCsv.write(dir.resolve("stopped.csv"), null,
                () -> List.of("x"), 1 << 20, () -> true));
        assertThrows(ResultCsv.TooLarge.class, () -> ResultCsv.write(dir.resolve("row.csv"), null,
                () -> List.of("x".repeat(ResultCsv.MAX_ROW_BYTES)), Long.MAX_VALUE, () -> false));
    }
}
