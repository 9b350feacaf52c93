package genesyslake.genesys;

import genesyslake.lake.ConversationFlattener;
import genesyslake.lake.PartitionSpool;
import genesyslake.lake.RawRecords;
import genesyslake.lake.UserDetailsFlattener;
import genesyslake.query.DetailsQuery;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Where each detail record goes in the lake: its raw bytes to {@code conversations/} or {@code user_details/},
 * its flattened rows to the segment, presence and routing-status tables, all under {@code date=<day>/}.
 */
final class LakeRecordRouter {

    private final DetailsQuery.Kind kind;
    private final ConversationFlattener conversations = new ConversationFlattener();
    private final UserDetailsFlattener users = new UserDetailsFlattener();
    private volatile Instant lastConversationStart;

    LakeRecordRouter(DetailsQuery.Kind kind) {
        this.kind = kind;
    }

    /** Start of the last conversation seen, for progress estimates (records arrive in start order). */
    Instant lastConversationStart() {
        return lastConversationStart;
    }

    static String key(String table, LocalDate day, String queryName) {
        return table + "/date=" + day + "/" + queryName + "_" + day + ".json.gz";
    }

    /**
     * @return false when the record belongs to another day's partition (a job also returns conversations that
     *         started the day before and overlap this one; that day's export holds them)
     */
    boolean route(PartitionSpool spool, String queryName, LocalDate day, byte[] buf, int off, int len) throws IOException {
        if (kind == DetailsQuery.Kind.CONVERSATIONS) {
            String start = RawRecords.topLevelString(buf, off, len, "conversationStart");
            // A record without conversationStart cannot be placed by its start: it stays with the day that returned it.
            if (start != null) {
                long startMs = RawRecords.epochMillis(start);
                lastConversationStart = Instant.ofEpochMilli(startMs);
                if (Math.floorDiv(startMs, 86_400_000L) != day.toEpochDay()) {
                    return false;
                }
            }
            spool.append(key("conversations", day, queryName), buf, off, len);
            String segments = key("conversation_segments", day, queryName);
            conversations.flatten(buf, off, len, (date, b, o, l) -> spool.append(segments, b, o, l));
        } else {
            spool.append(key("user_details", day, queryName), buf, off, len);
            String presence = key("user_presence", day, queryName);
            String routing = key("user_routing_status", day, queryName);
            // Rows go to the day that was queried (the record's own partition), even if an interval began the day before.
            users.flatten(buf, off, len, (date, b, o, l) -> spool.append(presence, b, o, l),
                    (date, b, o, l) -> spool.append(routing, b, o, l));
        }
        return true;
    }
}
