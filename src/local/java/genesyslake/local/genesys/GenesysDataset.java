package genesyslake.local.genesys;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The deterministic data of the local Genesys Cloud. Nothing is stored: every record is generated from
 * (seed, day, index) or (seed, user, day) when asked, and the server sends exactly the bytes these methods return.
 * <p>
 * Conversation matching: async jobs return conversations that <em>overlap</em> the interval (start before its end,
 * end after its start), as Genesys documents; the synchronous query returns conversations whose
 * <em>conversationStart</em> lies in the interval. Both order by conversationStart ascending (the sync query
 * honours order=desc).
 * <p>
 * User details: a user record holds the presence and routing entries overlapping the interval. presenceFilters
 * keep only matching primaryPresence entries and routingStatusFilters only matching routingStatus entries; a kind
 * without filters is kept whole. A user is omitted when a filtered kind has nothing left, or when it has no entries.
 */
public final class GenesysDataset {

    static final JsonFactory JSON = JsonFactory.builder().disable(StreamWriteFeature.AUTO_CLOSE_TARGET).build();
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ThreadLocal<ByteArrayOutputStream> BUFFER =
            ThreadLocal.withInitial(() -> new ByteArrayOutputStream(8192));

    private final Org org;
    private final Conversations conversations;
    private final UserTimelines timelines;
    private final Usage usage;
    private final UsageAggregates usageAggregates;

    public GenesysDataset(LocalGenesysSettings settings) {
        this.org = new Org(settings);
        this.conversations = new Conversations(org, settings.conversationsPerDay());
        this.timelines = new UserTimelines(org);
        this.usage = new Usage(org);
        this.usageAggregates = new UsageAggregates(org, usage);
    }

    public String organizationId() {
        return org.organizationId;
    }

    Org org() {
        return org;
    }

    /** Agent ids, sorted (the order user details are served in). */
    public List<String> userIds() {
        return org.users.stream().map(Org.User::id).toList();
    }

    public List<String> queueIds() {
        return List.of(org.queueIds);
    }

    public List<String> oauthClientIds() {
        return org.clients.stream().map(Org.Client::id).toList();
    }

    public int conversationsPerDay() {
        return conversations.perDay();
    }

    // ---------------------------------------------------------------- conversations

    /** The record of the index-th conversation starting on the day, exactly as served. */
    public byte[] conversation(LocalDate day, int index) {
        return conversationBytes(conversations.generate(day.toEpochDay(), index));
    }

    /** All conversations starting on the day, in conversationStart order. */
    public Stream<byte[]> conversationsStartingOn(LocalDate day) {
        return IntStream.range(0, conversations.perDay()).mapToObj(i -> conversation(day, i));
    }

    /** Whether the conversation satisfies the conversationFilters and segmentFilters of the query body. */
    public boolean matchesConversation(JsonNode queryBody, LocalDate day, int index) {
        DetailsRequest q = DetailsRequest.conversations(queryBody, true);
        return Conversations.matches(conversations.generate(day.toEpochDay(), index), q.conversationFilters(),
                q.segmentFilters());
    }

    /** Every record a job with this body returns, in order, across all its pages. */
    public List<byte[]> conversationsForJob(JsonNode jobBody) {
        ConversationScan scan = conversationScan(DetailsRequest.conversations(jobBody, true), true, null);
        List<byte[]> out = new ArrayList<>();
        for (byte[] b = scan.next(); b != null; b = scan.next()) {
            out.add(b);
        }
        return out;
    }

    /** Every record the synchronous query matches (all pages, in its order). */
    public List<byte[]> conversationsForQuery(JsonNode queryBody) {
        DetailsRequest q = DetailsRequest.conversations(queryBody, false);
        Positions p = syncPositions(q);
        List<byte[]> out = new ArrayList<>();
        for (int k = 0; k < p.size(); k++) {
            out.add(conversationAt(p.get(q.descending() ? p.size() - 1 - k : k)));
        }
        return out;
    }

    byte[] conversationAt(long position) {
        return conversationBytes(conversations.generate(position >> 32, (int) position));
    }

    static byte[] conversationBytes(Conversations.Conv c) {
        JsonBytes w = JsonBytes.local();
        Conversations.write(c, w);
        return w.toByteArray();
    }

    /** Walks the conversations a job or query covers, from a position (day &lt;&lt; 32 | index) or the start. */
    final class ConversationScan {
        private final DetailsRequest q;
        private final boolean overlap;
        private final long lastDay;
        private long day;
        private int index;
        private int hi;

        private ConversationScan(DetailsRequest q, boolean overlap, Long from) {
            this.q = q;
            this.overlap = overlap;
            long lowMs = overlap ? q.span().startMs() - Conversations.MAX_DURATION_MS : q.span().startMs();
            this.lastDay = q.span().lastDay();
            if (from != null) {
                day = from >> 32;
                index = (int) (long) from;
            } else {
                day = Math.floorDiv(lowMs, Det.DAY_MS);
                index = conversations.firstIndexAtOrAfter(day, lowMs);
            }
            hi = hiOf(day);
        }

        private int hiOf(long d) {
            return (d + 1) * Det.DAY_MS <= q.span().endMs() ? conversations.perDay()
                    : conversations.firstIndexAtOrAfter(d, q.span().endMs());
        }

        /** The next matching record, or null at the end. */
        byte[] next() {
            Conversations.Conv c = nextConversation();
            return c == null ? null : conversationBytes(c);
        }

        /** The next matching conversation, or null at the end. */
        Conversations.Conv nextConversation() {
            while (true) {
                if (index >= hi) {
                    if (day >= lastDay) {
                        return null;
                    }
                    day++;
                    index = 0;
                    hi = hiOf(day);
                    continue;
                }
                int i = index++;
                // Only a conversation starting before the interval can end before it: settle that cheaply first.
                long from = q.span().startMs();
                if (overlap && day * Det.DAY_MS < from && conversations.startMs(day, i) < from
                        && conversations.endMs(day, i) <= from) {
                    continue;
                }
                Conversations.Conv c = conversations.generate(day, i);
                if (Conversations.matches(c, q.conversationFilters(), q.segmentFilters())) {
                    return c;
                }
            }
        }

        boolean exhausted() {
            return index >= hi && day >= lastDay;
        }

        /** Where the next call of {@link #next()} continues. */
        long position() {
            return (day << 32) | index;
        }
    }

    ConversationScan conversationScan(DetailsRequest q, boolean overlap, Long from) {
        return new ConversationScan(q, overlap, from);
    }

    /** Random access over the positions a query matches. */
    interface Positions {
        int size();

        long get(int k);
    }

    /**
     * Positions of conversations starting in the interval (and matching the filters, if any), in conversationStart
     * order, or conversationEnd order (ties by position) when the query orders by an end.
     */
    Positions syncPositions(DetailsRequest q) {
        Positions byStart = syncPositionsByStart(q);
        if (!q.byEnd()) {
            return byStart;
        }
        int n = byStart.size();
        long[][] keyed = new long[n][];
        for (int k = 0; k < n; k++) {
            long pos = byStart.get(k);
            keyed[k] = new long[] {conversations.endMs(pos >> 32, (int) pos), pos};
        }
        Arrays.sort(keyed, (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        return new Positions() {
            public int size() {
                return n;
            }

            public long get(int k) {
                return keyed[k][1];
            }
        };
    }

    private Positions syncPositionsByStart(DetailsRequest q) {
        long first = q.span().firstDay();
        long last = q.span().lastDay();
        if (!q.hasConversationFilters()) {
            int n = (int) (last - first + 1);
            int[] lo = new int[n];
            long[] start = new long[n + 1];
            for (int i = 0; i < n; i++) {
                long d = first + i;
                lo[i] = conversations.firstIndexAtOrAfter(d, q.span().startMs());
                int hi = (d + 1) * Det.DAY_MS <= q.span().endMs() ? conversations.perDay()
                        : conversations.firstIndexAtOrAfter(d, q.span().endMs());
                start[i + 1] = start[i] + Math.max(0, hi - lo[i]);
            }
            return new Positions() {
                public int size() {
                    return (int) Math.min(Integer.MAX_VALUE, start[n]);
                }

                public long get(int k) {
                    int i = Arrays.binarySearch(start, k);
                    i = i >= 0 ? i : -i - 2;
                    while (i + 1 < start.length && start[i + 1] == start[i]) {
                        i++; // skip empty days
                    }
                    return ((first + i) << 32) | (lo[i] + (k - start[i]));
                }
            };
        }
        long[] found = new long[64];
        int size = 0;
        for (long d = first; d <= last; d++) {
            int lo = conversations.firstIndexAtOrAfter(d, q.span().startMs());
            int hi = conversations.firstIndexAtOrAfter(d, q.span().endMs());
            for (int i = lo; i < hi; i++) {
                if (Conversations.matches(conversations.generate(d, i), q.conversationFilters(),
                        q.segmentFilters())) {
                    if (size == found.length) {
                        found = Arrays.copyOf(found, size * 2);
                    }
                    found[size++] = (d << 32) | i;
                }
            }
        }
        long[] all = found;
        int total = size;
        return new Positions() {
            public int size() {
                return total;
            }

            public long get(int k) {
                return all[k];
            }
        };
    }

    // ---------------------------------------------------------------- users

    /** Every agent's record for the whole UTC day (no filters), in user id order; agents off that day are omitted. */
    public List<byte[]> userDetailsFor(LocalDate day) {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("interval", day + "T00:00:00.000Z/" + day.plusDays(1) + "T00:00:00.000Z");
        return userDetailsForQuery(body);
    }

    /** Every user record a query or job with this body returns (ignoring paging), in user id order. */
    public List<byte[]> userDetailsForQuery(JsonNode body) {
        DetailsRequest q = DetailsRequest.users(body, true);
        List<byte[]> out = new ArrayList<>();
        for (int u = 0; u < org.users.size(); u++) {
            byte[] b = userRecord(q, u);
            if (b != null) {
                out.add(b);
            }
        }
        return out;
    }

    int userCount() {
        return org.users.size();
    }

    /** The record of user u for the request, or null when the user has nothing to show. */
    byte[] userRecord(DetailsRequest q, int u) {
        String userId = org.users.get(u).id();
        if (!DetailsFilter.all(q.userFilters(), d -> d.equals("userId") ? userId : null)) {
            return null;
        }
        List<UserTimelines.Presence> presence = new ArrayList<>();
        List<UserTimelines.Routing> routing = new ArrayList<>();
        long s = q.span().startMs();
        long e = q.span().endMs();
        for (long day = q.span().firstDay(); day <= q.span().lastDay(); day++) {
            UserTimelines.Timeline t = timelines.day(u, day);
            for (UserTimelines.Presence p : t.presence()) {
                if (p.start() < e && p.end() > s && DetailsFilter.all(q.presenceFilters(), d -> switch (d) {
                    case "systemPresence" -> p.systemPresence();
                    case "organizationPresenceId" -> p.organizationPresenceId();
                    default -> null;
                })) {
                    presence.add(p);
                }
            }
            for (UserTimelines.Routing r : t.routing()) {
                if (r.start() < e && r.end() > s && DetailsFilter.all(q.routingStatusFilters(),
                        d -> d.equals("routingStatus") ? r.status() : null)) {
                    routing.add(r);
                }
            }
        }
        if (presence.isEmpty() && routing.isEmpty()
                || !q.presenceFilters().isEmpty() && presence.isEmpty()
                || !q.routingStatusFilters().isEmpty() && routing.isEmpty()) {
            return null;
        }
        UserTimelines.Timeline t = new UserTimelines.Timeline(userId, presence, routing);
        JsonBytes w = JsonBytes.local();
        UserTimelines.write(t, w);
        return w.toByteArray();
    }

    // ---------------------------------------------------------------- usage

    /** The rows a usage query returns, as the JSON objects served. */
    public List<ObjectNode> usageRecords(String queryJson) {
        Usage.Query q = Usage.parse(readTree(queryJson));
        List<ObjectNode> rows = new ArrayList<>();
        usage.rows(q, row -> {
            byte[] b = bytes(g -> Usage.writeRow(row, q.metrics(), g));
            try {
                rows.add((ObjectNode) MAPPER.readTree(b));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return rows;
    }

    /** Writes the Complete result document of a usage query, exactly as served; the stream is not closed. */
    public void writeUsageResult(String queryJson, OutputStream out) throws IOException {
        usage.writeComplete(Usage.parse(readTree(queryJson)), out);
    }

    /** Every entity a usage aggregates job with this body returns, across all its pages, as served. */
    public List<ObjectNode> usageAggregateEntities(String queryJson) {
        UsageAggregates.Query q = UsageAggregates.parse(readTree(queryJson), UsageAggregates.today());
        List<ObjectNode> out = new ArrayList<>();
        for (UsageAggregates.Entity e : usageAggregates.entities(q)) {
            byte[] b = bytes(g -> UsageAggregates.write(e, q.metrics(), g));
            try {
                out.add((ObjectNode) MAPPER.readTree(b));
            } catch (IOException x) {
                throw new UncheckedIOException(x);
            }
        }
        return out;
    }

    /** Ids of Genesys' own OAuth clients, which only the usage aggregates jobs API reports. */
    public List<String> builtinOauthClientIds() {
        return org.builtinClients.stream().map(Org.Client::id).toList();
    }

    UsageAggregates usageAggregates() {
        return usageAggregates;
    }

    Usage.Query parseUsage(JsonNode body) {
        return Usage.parse(body);
    }

    void writeUsageResult(Usage.Query q, OutputStream out) throws IOException {
        usage.writeComplete(q, out);
    }

    private static JsonNode readTree(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new BadRequest("Malformed JSON: " + e.getMessage());
        }
    }

    /** Writes something with a JsonGenerator. */
    interface Writer {
        void write(JsonGenerator g) throws IOException;
    }

    static byte[] bytes(Writer w) {
        ByteArrayOutputStream buf = BUFFER.get();
        buf.reset();
        try (JsonGenerator g = JSON.createGenerator(buf)) {
            w.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buf.toByteArray();
    }
}
