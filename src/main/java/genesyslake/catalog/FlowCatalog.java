package genesyslake.catalog;

import genesyslake.catalog.LakeTables.LakeTable;
import genesyslake.lake.FlatFormat;
import genesyslake.lake.ReferenceTables;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The lake's tables as the flows the routes declare place them: each flow's tables (bucket, key prefix and folder,
 * from its template parameters; columns from {@link LakeTables}), the crawler targets and exclusions, the names
 * projection DDL creates and the flow behind each table. Two flows whose tables would share a location or a Glue
 * name are refused, naming both. Built by {@link FlowCatalogs} from the CamelContext's routes.
 */
public final class FlowCatalog {

    /** Folder (relative to a bucket) holding run manifests and the writer lock; never catalogued. */
    public static final String MANIFESTS_PREFIX = "_manifests/";

    /**
     * One table of one flow: {@code logical} is the name it has with the flow's default placement (what the
     * shipped reports name), {@code table.name()} the name Glue gives it where it is (its folder's last segment, or
     * the bucket at a bucket root), {@code table.prefix()} its key prefix in {@code bucket}; {@code shape} names its
     * row shape (the seed's table of that shape: usage_requests, conversation_segments, ...).
     */
    public record FlowTable(String flow, String logical, String bucket, String shape, LakeTable table) {

        /** The name Glue gives the table (and projection DDL creates). */
        public String name() {
            return table.name();
        }

        /** {@code s3://bucket/prefix}. */
        public String location() {
            return table.location(bucket);
        }
    }

    /** How one flow places its tables: the flow id, its bucket, and per table its key prefix ("" or ending in /). */
    public record Placement(String flow, String bucket, String keyPrefix) {
        public Placement {
            keyPrefix = folder(keyPrefix, flow, "keyPrefix");
        }
    }

    private final List<FlowTable> tables;
    private final String sourceBucket;

    private FlowCatalog(String sourceBucket, List<FlowTable> tables) {
        this.sourceBucket = sourceBucket;
        this.tables = List.copyOf(tables);
        refuseClashes();
    }

    /** A catalog of these tables; refused ({@link FlowPlacementException} naming both flows) when two would clash. */
    public static FlowCatalog of(String sourceBucket, List<FlowTable> tables) {
        return new FlowCatalog(sourceBucket, tables);
    }

    public List<FlowTable> tables() {
        return tables;
    }

    public String sourceBucket() {
        return sourceBucket;
    }

    /** The flows the catalog has tables of, in the order they came. */
    public List<String> flows() {
        return tables.stream().map(FlowTable::flow).distinct().toList();
    }

    /** The table that has this Glue name, or else the one that has it as its logical name (a report's name). */
    public Optional<FlowTable> resolve(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return tables.stream().filter(t -> t.name().equals(n)).findFirst()
                .or(() -> tables.stream().filter(t -> t.logical().equals(n)).findFirst());
    }

    /** Glue name → the flow that fills the table; logical names of moved tables too (a report may name either). */
    public Map<String, String> tableFlows() {
        Map<String, String> out = new LinkedHashMap<>();
        tables.forEach(t -> out.put(t.logical(), t.flow()));
        tables.forEach(t -> out.put(t.name(), t.flow()));
        return out;
    }

    /** Logical name → Glue name, for the tables whose two names differ (a flow moved to another prefix or bucket). */
    public Map<String, String> physicalNames() {
        Map<String, String> out = new LinkedHashMap<>();
        for (FlowTable t : tables) {
            // Only where the logical name is no table's Glue name, and one table's only.
            if (!t.logical().equals(t.name()) && tables.stream().noneMatch(o -> o.name().equals(t.logical()))
                    && tables.stream().filter(o -> o.logical().equals(t.logical())).count() == 1) {
                out.put(t.logical(), t.name());
            }
        }
        return out;
    }

    /**
     * The crawler's targets: one per table location; a target holding another table's folder excludes it
     * ({@code <folder>**}, relative to the target), and a bucket-root target excludes {@code _manifests/**}.
     * Sorted by path, exclusions sorted, so two catalogs of the same flows compare equal.
     */
    public List<CrawlerTarget> crawlerTargets() {
        List<CrawlerTarget> out = new ArrayList<>();
        for (FlowTable t : tables) {
            TreeSet<String> exclusions = new TreeSet<>();
            for (FlowTable other : tables) {
                if (other != t && other.bucket().equals(t.bucket()) && other.table().prefix().startsWith(t.table().prefix())) {
                    exclusions.add(other.table().prefix().substring(t.table().prefix().length()) + "**");
                }
            }
            if (t.table().atRoot()) {
                exclusions.add(MANIFESTS_PREFIX + "**");
            }
            out.add(new CrawlerTarget(t.location(), List.copyOf(exclusions)));
        }
        out.sort(Comparator.comparing(CrawlerTarget::path));
        return List.copyOf(out);
    }

    /**
     * The curated tables' folder names (a key's segment) → their row shape's name, so a spooled key in any flow's
     * curated folder is converted and summarised as its shape is ({@link genesyslake.lake.CuratedTable#useFolders}).
     */
    public Map<String, String> curatedFolders() {
        Map<String, String> out = new LinkedHashMap<>();
        for (FlowTable t : tables) {
            if (CURATED_SHAPES.contains(t.shape()) && !t.table().atRoot()) {
                out.put(lastSegmentRaw(t.table().prefix()), t.shape());
            }
        }
        return out;
    }

    private static final java.util.Set<String> CURATED_SHAPES = java.util.Set.of("usage_requests",
            "conversation_segments", "user_presence", "user_routing_status");

    /** The buckets the flows write to (the source bucket first). */
    public List<String> buckets() {
        List<String> out = new ArrayList<>();
        out.add(sourceBucket);
        tables.stream().map(FlowTable::bucket).filter(b -> !out.contains(b)).forEach(out::add);
        return out;
    }

    private void refuseClashes() {
        Map<String, FlowTable> byName = new LinkedHashMap<>();
        Map<String, FlowTable> byLocation = new LinkedHashMap<>();
        for (FlowTable t : tables) {
            FlowTable sameLocation = byLocation.putIfAbsent(t.location(), t);
            if (sameLocation != null) {
                throw clash(sameLocation, t, "both write to " + t.location());
            }
            FlowTable sameName = byName.putIfAbsent(t.name(), t);
            if (sameName != null) {
                throw clash(sameName, t, "Glue would name both " + t.name() + " (" + sameName.location() + " and "
                        + t.location() + ")");
            }
        }
        // A table inside another's folder but under a partition folder of it would be read as that table's rows.
        for (FlowTable t : tables) {
            for (FlowTable other : tables) {
                if (other != t && other.bucket().equals(t.bucket()) && other.table().prefix().startsWith(t.table().prefix())
                        && other.table().prefix().substring(t.table().prefix().length())
                                .startsWith(t.table().partitionKey() + "=")) {
                    throw clash(t, other, other.location() + " is a partition folder of " + t.location());
                }
            }
        }
    }

    private static FlowPlacementException clash(FlowTable a, FlowTable b, String why) {
        return FlowPlacementException.clash(a.flow(), b.flow(), why + ". Give one of them its own folder or key prefix "
                + "(its template parameters, routes/flow-templates.camel.yaml).");
    }

    // ---- The tables of each kind of flow, placed by its parameters ----

    /**
     * A usage-flow: raw rows under {@code rawFolder} ("" = the bucket root, the seed's gc_usage_api_source) and
     * their curated copy under {@code curatedFolder}, both partitioned by granularity.
     */
    public static List<FlowTable> usageFlow(Placement p, String sourceBucket, String rawFolder, String curatedFolder,
            FlatFormat flatFormat) {
        LakeTables columns = new LakeTables(p.bucket(), flatFormat);
        String raw = folder(rawFolder, p.flow(), "rawFolder");
        String curated = folder(curatedFolder, p.flow(), "curatedFolder");
        if (curated.isEmpty()) {
            throw FlowPlacementException.refused(p.flow(),
                    "curatedFolder may not be empty (the bucket root is the raw table's at most)");
        }
        return List.of(
                placed(p, sourceBucket, raw, columns.usage()),
                placed(p, sourceBucket, curated, columns.usageRequests()));
    }

    /**
     * A details-flow of a kind: its tables (raw, flattened and the daily summaries) each in the folder
     * {@code <tablePrefix><table>/} under the flow's key prefix.
     */
    public static List<FlowTable> detailsFlow(Placement p, String sourceBucket, String kind, String tablePrefix,
            FlatFormat flatFormat) {
        LakeTables columns = new LakeTables(p.bucket(), flatFormat);
        String names = tablePrefix == null ? "" : tablePrefix;
        if (names.contains("/")) {
            throw FlowPlacementException.refused(p.flow(), "tablePrefix '" + names + "' may not hold a '/' "
                    + "(a table's folder is <keyPrefix><tablePrefix><table>/; keyPrefix places folders)");
        }
        List<LakeTable> kindTables = switch (kind) {
            case "conversations" -> List.of(columns.conversations(), columns.conversationSegments(),
                    columns.agentHandleDaily(), columns.queueDaily());
            case "users" -> List.of(columns.userDetails(), columns.userPresence(), columns.userRoutingStatus(),
                    columns.agentStatusDaily());
            default -> throw FlowPlacementException.refused(p.flow(),
                    "kind must be conversations or users, was '" + kind + "'");
        };
        return kindTables.stream().map(t -> placed(p, sourceBucket, names + t.prefix(), t)).toList();
    }

    /**
     * A reference-flow: the entity's raw snapshots ({@code <entity>/}) and its dim ({@code dim_<entity>/}), each a
     * folder of its own under the flow's key prefix, in its bucket.
     */
    public static List<FlowTable> referenceFlow(Placement p, String sourceBucket, String entity) {
        ReferenceTables.Entity e;
        try {
            e = ReferenceTables.Entity.of(entity);
        } catch (IllegalArgumentException unknown) {
            throw FlowPlacementException.refused(p.flow(), unknown.getMessage());
        }
        LakeTable raw = LakeTables.referenceRaw(e);
        LakeTable dim = LakeTables.referenceDim(e);
        return List.of(placed(p, sourceBucket, raw.prefix(), raw), placed(p, sourceBucket, dim.prefix(), dim));
    }

    /** The usage-aggregates route: its own table usage_aggregates/ (the aggregates API's row shape). */
    public static List<FlowTable> usageAggregates(Placement p, String sourceBucket) {
        LakeTable t = new LakeTables(p.bucket()).usageAggregates();
        return List.of(placed(p, sourceBucket, t.prefix(), t));
    }

    /**
     * A table of {@code columns}'s shape at {@code keyPrefix + folder}, Glue-named after where it is; its logical name
     * is the one it would have in the source bucket without the key prefix.
     */
    private static FlowTable placed(Placement p, String sourceBucket, String folder, LakeTable columns) {
        String prefix = p.keyPrefix() + folder;
        String name = prefix.isEmpty() ? glueName(p.bucket()) : lastSegment(prefix);
        String logical = folder.isEmpty() ? glueName(sourceBucket) : lastSegment(folder);
        return new FlowTable(p.flow(), logical, p.bucket(), columns.name(),
                new LakeTable(name, prefix, columns.partitionKey(), columns.columns(), columns.storage()));
    }

    /** "" or a relative folder ending with "/", without "//" or a leading "/". */
    static String folder(String value, String flow, String parameter) {
        String v = value == null ? "" : value.trim();
        if (v.isEmpty()) {
            return "";
        }
        if (v.startsWith("/") || !v.endsWith("/") || v.contains("//") || v.contains("{{")) {
            throw FlowPlacementException.refused(flow, parameter + " '" + v + "' must be empty or a folder ending "
                    + "with / (e.g. archive/), without a leading /");
        }
        return v;
    }

    /** The Glue name of a folder: its last segment, lower case, '-' as '_'. */
    static String lastSegment(String folder) {
        String f = folder.endsWith("/") ? folder.substring(0, folder.length() - 1) : folder;
        return glueName(f.substring(f.lastIndexOf('/') + 1));
    }

    /** A folder's last segment as it is in the key (not Glue-named). */
    static String lastSegmentRaw(String folder) {
        String f = folder.endsWith("/") ? folder.substring(0, folder.length() - 1) : folder;
        return f.substring(f.lastIndexOf('/') + 1);
    }

    static String glueName(String s) {
        return LakeTables.glueTableName(s);
    }
}
