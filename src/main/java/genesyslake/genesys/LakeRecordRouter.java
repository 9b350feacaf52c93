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

    /** The object keys one page's records go to: the key template with {table} filled in for each table. */
    record Keys(String raw, String flat, String flat2) {
    }

    /** Tables of this kind: raw records, then the flattened ones. */
    Keys keys(String template) {
        return kind == DetailsQuery.Kind.CONVERSATIONS
                ? new Keys(table(template, "conversations"), table(template, "conversation_segments"), null)
                : new Keys(table(template, "user_details"), table(template, "user_presence"),
                        table(template, "user_routing_status"));
    }

    private static String table(String template, String table) {
        if (!template.contains("{table}")) {
            throw new IllegalArgumentException("the key template '" + template + "' has no {table}: raw and flattened "
                    + "records would share one object");
        }
        return template.replace("{table}", table);
    }

    /**
     * @return false when the record belongs to another day's partition (a job also returns conversations that
     *         started the day before and overlap this one; that day's export holds them)
     */
    boolean route(PartitionSpool spool, Keys keys, LocalDate day, byte[] buf, int off, int len) throws IOException {
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
            spool.append(keys.raw(), buf, off, len);
            String segments = keys.flat();
            conversations.flatten(buf, off, len, (date, b, o, l) -> spool.append(segments, b, o, l));
        } else {
            spool.append(keys.raw(), buf, off, len);
            String presence = keys.flat();
            String routing = keys.flat2();
            // Rows go to the day that was queried (the record's own partition), even if an interval began the day before.
            users.flatten(buf, off, len, (date, b, o, l) -> spool.append(presence, b, o, l),
                    (date, b, o, l) -> spool.append(routing, b, o, l));
        }
        return true;
    }
}
