package genesyslake.lake;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A daily summary computed from one exported day's conversation_segments rows: its table, its columns (in the
 * catalog's order) and its query over a source of segment rows. The summary object shares the segments object's key
 * with the table folder swapped, so a rerun replaces it; in Parquet mode it reads the day's converted segments file (a
 * few columns), otherwise the spooled rows.
 *
 * <p>Summed over days its counts of distinct conversations stay exact: a conversation's segments are all in the
 * partition of its start day, so no conversation is counted on two days.
 */
public record SegmentsSummary(String table, List<String> columns, UnaryOperator<String> selectFrom) {

    /** The summary's (NDJSON-named) key for a spooled conversation_segments key; empty for any other key. */
    public Optional<String> keyFor(String spooledKey) {
        return CuratedTable.CONVERSATION_SEGMENTS.summaryKey(spooledKey, table);
    }

    /** The summary's rows from a day's spooled conversation_segments object. */
    String select(Path spooledSegments) {
        return selectFrom.apply(ParquetConverter.readSpool(spooledSegments, CuratedTable.CONVERSATION_SEGMENTS));
    }

    /** The same rows from the day's converted segments Parquet file: only the columns the query names are read. */
    String selectFromParquet(Path segmentsParquet) {
        return selectFrom.apply("read_parquet('" + segmentsParquet.toAbsolutePath().toString().replace("'", "''") + "')");
    }
}
