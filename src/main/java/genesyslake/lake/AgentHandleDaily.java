package genesyslake.lake;

import java.util.List;

/**
 * The {@code agent_handle_daily} summary: per exported day, one row per agent (userId) over the agent's handle
 * segments of that day's conversations ({@code purpose = 'agent'}, segmentType interact, hold or wrapup), computed by
 * DuckDB from the same spooled rows as that day's {@code conversation_segments} object. Its columns are what Genesys'
 * conversation aggregates give per user: {@code conversations} ~ nConnected (distinct conversations handled),
 * {@code handleMs} ~ tHandle, {@code talkMs} ~ tTalk (interact), {@code holdMs} ~ tHeld, {@code wrapupMs} ~ tAcw, and
 * {@code segments} the segments counted. A sum is null when none of its segments is closed (segmentDurationMs null),
 * as SQL's sum over the rows would be.
 *
 * <p>Summed over days, {@code conversations} stays exact: a conversation's segments are all in the partition of its
 * start day, so no conversation is counted on two days. Average handle time per agent over any days is
 * {@code sum(handleMs) / sum(conversations)}; the segment rows' ms-precise durations and conversation ids keep a
 * report over them at ~1/11 of the NDJSON bytes in any layout, the summary is one row per agent and day.
 */
public final class AgentHandleDaily {

    public static final String TABLE = "agent_handle_daily";
    public static final List<String> COLUMNS = List.of("userId", "conversations", "handleMs", "talkMs", "holdMs",
            "wrapupMs", "segments");

    /** Computed per day beside the segments object (see {@link SegmentsSummary}). */
    public static final SegmentsSummary SUMMARY = new SegmentsSummary(TABLE, COLUMNS, AgentHandleDaily::selectFrom);

    private AgentHandleDaily() {
    }

    private static String selectFrom(String source) {
        // sum() of BIGINT is HUGEINT in DuckDB: cast back, as Athena's bigint.
        return "SELECT \"userId\", count(DISTINCT \"conversationId\") AS conversations, "
                + "CAST(sum(\"segmentDurationMs\") AS BIGINT) AS \"handleMs\", "
                + sumOf("interact", "talkMs") + ", " + sumOf("hold", "holdMs") + ", " + sumOf("wrapup", "wrapupMs") + ", "
                + "count(*) AS segments FROM " + source
                + " WHERE purpose = 'agent' AND \"segmentType\" IN ('interact', 'hold', 'wrapup') AND \"userId\" IS NOT NULL"
                + " GROUP BY \"userId\" ORDER BY \"userId\"";
    }

    private static String sumOf(String segmentType, String column) {
        return "CAST(sum(\"segmentDurationMs\") FILTER (WHERE \"segmentType\" = '" + segmentType + "') AS BIGINT) AS \""
                + column + "\"";
    }
}
