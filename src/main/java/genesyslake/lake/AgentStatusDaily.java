package genesyslake.lake;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code agent_status_daily} summary: per exported day, one row per user, kind ({@code presence} | {@code routing})
 * and status with the day's intervals summed ({@code durationMs}) and counted ({@code intervals}), computed by DuckDB
 * from the same spooled rows as that day's {@code user_presence} and {@code user_routing_status} objects. It is what
 * Genesys' user aggregates (tSystemPresence, tAgentRoutingStatus) give, and what time-per-status reports need: the
 * interval tables' ms-precise durations cost ~3 bytes a row in any layout, the summary a few rows per user and day.
 */
public final class AgentStatusDaily {

    public static final String TABLE = "agent_status_daily";
    public static final List<String> COLUMNS = List.of("userId", "kind", "status", "durationMs", "intervals");

    private AgentStatusDaily() {
    }

    /**
     * The summary's (NDJSON-named) key for a spooled presence or routing-status key: the same key with the table
     * folder replaced, so the day's presence and routing objects share one summary and a rerun replaces it.
     */
    public static Optional<String> keyFor(String spooledKey) {
        return CuratedTable.USER_PRESENCE.summaryKey(spooledKey, TABLE)
                .or(() -> CuratedTable.USER_ROUTING_STATUS.summaryKey(spooledKey, TABLE));
    }

    /** Whether a spooled key is the presence (rather than the routing-status) source of a summary. */
    static boolean isPresence(String spooledKey) {
        return CuratedTable.forKey(spooledKey).filter(t -> t == CuratedTable.USER_PRESENCE).isPresent();
    }

    /**
     * The summary's rows from a day's spooled presence and routing-status objects (either may be null: a day without
     * such rows), in a fixed order so the same spool always gives the same file.
     */
    static String select(Path presence, Path routing) {
        List<String> parts = new ArrayList<>(2);
        if (presence != null) {
            parts.add(part("presence", "systemPresence", ParquetConverter.readSpool(presence, CuratedTable.USER_PRESENCE)));
        }
        if (routing != null) {
            parts.add(part("routing", "routingStatus", ParquetConverter.readSpool(routing, CuratedTable.USER_ROUTING_STATUS)));
        }
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("a summary needs presence or routing-status rows");
        }
        return "SELECT * FROM (" + String.join(" UNION ALL ", parts) + ") ORDER BY \"userId\", kind, status";
    }

    private static String part(String kind, String statusColumn, String source) {
        // sum() of BIGINT is HUGEINT in DuckDB: cast back, as Athena's bigint. A user whose intervals are all open sums to null.
        return "SELECT \"userId\", '" + kind + "' AS kind, \"" + statusColumn + "\" AS status, "
                + "CAST(sum(\"durationMs\") AS BIGINT) AS \"durationMs\", count(*) AS intervals FROM " + source
                + " GROUP BY \"userId\", \"" + statusColumn + "\"";
    }
}
