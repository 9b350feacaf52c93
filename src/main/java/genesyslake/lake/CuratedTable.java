package genesyslake.lake;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A curated (flattened) table as written to Parquet: its name, partition key and typed columns, in the order of the
 * catalog's columns ({@code catalog.LakeTables}). Ids, names and enums are VARCHAR, instants TIMESTAMP (UTC),
 * counts and durations BIGINT; the partition column is in the object's path, not in the file.
 */
public record CuratedTable(String name, String partitionKey, List<Column> columns) {

    public enum Type { VARCHAR, TIMESTAMP, BIGINT }

    public record Column(String name, Type type) {
    }

    private static final List<String> TIMESTAMPS = List.of("conversationStart", "conversationEnd", "segmentStart",
            "segmentEnd", "startTime", "endTime", "date");
    private static final List<String> BIGINTS = List.of("segmentDurationMs", "durationMs", "status200", "status300",
            "status400", "status429", "status500", "requests");

    public static final CuratedTable CONVERSATION_SEGMENTS = of("conversation_segments", "date", ConversationFlattener.COLUMNS);
    public static final CuratedTable USER_PRESENCE = of("user_presence", "date", UserDetailsFlattener.PRESENCE_COLUMNS);
    public static final CuratedTable USER_ROUTING_STATUS = of("user_routing_status", "date", UserDetailsFlattener.ROUTING_COLUMNS);
    public static final CuratedTable USAGE_REQUESTS = of("usage_requests", "granularity", UsageFlattener.COLUMNS);
    public static final List<CuratedTable> ALL = List.of(CONVERSATION_SEGMENTS, USER_PRESENCE, USER_ROUTING_STATUS,
            USAGE_REQUESTS);

    private static final String NDJSON = ".json.gz";
    private static final String PARQUET = ".parquet";

    private static CuratedTable of(String name, String partitionKey, List<String> columns) {
        return new CuratedTable(name, partitionKey, columns.stream().map(c -> new Column(c,
                TIMESTAMPS.contains(c) ? Type.TIMESTAMP : BIGINTS.contains(c) ? Type.BIGINT : Type.VARCHAR)).toList());
    }

    /**
     * Folder names (a key segment) of curated tables → their shape: the seed's folders, and those the flows' catalog
     * adds (a usage flow's curatedFolder, a details flow's tablePrefix). Set when the flows are loaded, before any run.
     */
    private static volatile java.util.Map<String, CuratedTable> folders = defaultFolders();

    private static java.util.Map<String, CuratedTable> defaultFolders() {
        java.util.Map<String, CuratedTable> m = new java.util.LinkedHashMap<>();
        ALL.forEach(t -> m.put(t.name, t));
        return java.util.Map.copyOf(m);
    }

    /** The flows' curated folders (segment → shape name, e.g. usage-daily_rows → usage_requests) beside the seed's. */
    public static void useFolders(java.util.Map<String, String> curatedFolders) {
        java.util.Map<String, CuratedTable> m = new java.util.LinkedHashMap<>(defaultFolders());
        curatedFolders.forEach((folder, shape) -> ALL.stream().filter(t -> t.name.equals(shape)).findFirst()
                .ifPresent(t -> m.put(folder, t)));
        folders = java.util.Map.copyOf(m);
    }

    /**
     * The curated table a spooled object belongs to: a key {@code [prefix/]<folder>/<partitionKey>=<v>/<name>.json.gz}
     * whose folder is a curated table's (see {@link #useFolders}). Raw objects (conversations/, user_details/, usage
     * rows at the bucket root or in a usage flow's rawFolder) have none. Decided from the key and the flows' folders,
     * so a run resumed in another process with the same routes decides the same.
     */
    public static Optional<CuratedTable> forKey(String key) {
        return segmentOf(key).map(i -> folders.get(key.split("/")[i]));
    }

    /** Index of the key's curated folder segment. */
    private static Optional<Integer> segmentOf(String key) {
        if (!key.endsWith(NDJSON)) {
            return Optional.empty();
        }
        java.util.Map<String, CuratedTable> known = folders;
        String[] segments = key.split("/");
        for (int i = 0; i + 2 < segments.length; i++) {
            CuratedTable t = known.get(segments[i]);
            if (t != null && segments[i + 1].startsWith(t.partitionKey + "=")) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }

    /**
     * The key of a summary written from this table's object: the same key with this table's folder replaced by the
     * summary's (a details flow's tablePrefix kept: x_conversation_segments → x_agent_handle_daily), so the summary
     * shares the object's stem (and a rerun replaces it). Empty when the key is not this table's.
     */
    Optional<String> summaryKey(String spooledKey, String summaryTable) {
        if (forKey(spooledKey).filter(t -> t == this).isEmpty()) {
            return Optional.empty();
        }
        int i = segmentOf(spooledKey).orElseThrow();
        String[] segments = spooledKey.split("/", -1);
        String folder = segments[i];
        segments[i] = (folder.endsWith(name) ? folder.substring(0, folder.length() - name.length()) : "") + summaryTable;
        return Optional.of(String.join("/", segments));
    }

    /** The Parquet object's key: the NDJSON key with {@code .parquet} instead of {@code .json.gz}. */
    public static String parquetKey(String ndjsonKey) {
        if (!ndjsonKey.endsWith(NDJSON)) {
            throw new IllegalArgumentException("not a .json.gz key: " + ndjsonKey);
        }
        return ndjsonKey.substring(0, ndjsonKey.length() - NDJSON.length()) + PARQUET;
    }

    public List<String> columnNames() {
        return columns.stream().map(Column::name).toList();
    }

    /** read_ndjson's columns argument: every column as read from the spool (instants are ISO text there). */
    String readColumns() {
        return columns.stream().map(c -> "'" + c.name + "': '" + (c.type == Type.BIGINT ? "BIGINT" : "VARCHAR") + "'")
                .collect(Collectors.joining(", ", "{", "}"));
    }

    /**
     * The typed projection. An ISO instant with its offset becomes a TIMESTAMPTZ, shown as a plain TIMESTAMP of its
     * UTC time: Athena reads a Parquet timestamp as wall time, and UTC is what every instant in the lake means. It is
     * stored in milliseconds (TIMESTAMP_MILLIS), as Genesys sends it and as Athena's Hive tables read it
     * (timestamp(3)); finer digits are cut, never rounded (rounding could carry an instant into the next day).
     */
    String projection() {
        return columns.stream().map(c -> c.type == Type.TIMESTAMP
                        ? "CAST(date_trunc('millisecond', timezone('UTC', CAST(\"" + c.name + "\" AS TIMESTAMPTZ))) "
                                + "AS TIMESTAMP_MS) AS \"" + c.name + "\""
                        : "\"" + c.name + "\"")
                .collect(Collectors.joining(", "));
    }
}
