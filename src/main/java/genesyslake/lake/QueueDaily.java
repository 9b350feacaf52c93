package genesyslake.lake;

import java.util.List;

/**
 * The {@code queue_daily} summary: per exported day, one row per queue, media type and direction over the segments
 * that name a queue: distinct {@code conversations} (Genesys' nOffered-ish count of conversations that reached the
 * queue) and {@code segments} counted. A filter on mediaType and direction keeps the distinct count exact, because
 * both are grouping columns.
 *
 * <p>Why a summary: a per-queue count of conversations over the segment rows must read every conversationId (36
 * random characters, ~92 % of such a report's Parquet bytes), which keeps it at ~1/19 of the NDJSON bytes in any
 * layout; the summary is a few rows per queue and day.
 */
public final class QueueDaily {

    public static final String TABLE = "queue_daily";
    public static final List<String> COLUMNS = List.of("queueId", "mediaType", "direction", "conversations", "segments");

    /** Computed per day beside the segments object (see {@link SegmentsSummary}). */
    public static final SegmentsSummary SUMMARY = new SegmentsSummary(TABLE, COLUMNS, QueueDaily::selectFrom);

    private QueueDaily() {
    }

    private static String selectFrom(String source) {
        return "SELECT \"queueId\", \"mediaType\", direction, count(DISTINCT \"conversationId\") AS conversations, "
                + "count(*) AS segments FROM " + source + " WHERE \"queueId\" IS NOT NULL"
                + " GROUP BY \"queueId\", \"mediaType\", direction ORDER BY \"queueId\", \"mediaType\", direction";
    }
}
