package genesyslake.local.aws;

import genesyslake.catalog.CrawlerTarget;
import com.fasterxml.jackson.databind.JsonNode;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The local Glue: one crawler whose run (re)creates DuckDB views per target, and the catalog those runs describe.
 * A target holding {@code .parquet} objects becomes a Parquet table, one holding {@code .json.gz} objects a JSON
 * table, each registered with the SerDe and formats a Glue crawler gives that classification.
 */
final class LocalGlue implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalGlue.class);
    /** How long a finished crawl reports STOPPING before READY, as Glue does briefly. */
    private static final Duration STOPPING_PHASE = Duration.ofMillis(200);

    record Column(String name, String type) {
    }

    record GlueTable(String name, String location, Storage storage, List<Column> columns, List<String> partitionKeys,
            Set<List<String>> partitions, Instant created, Instant updated) {
    }

    /** How a table's objects are stored: the object suffix and Glue's description of it. */
    enum Storage {
        JSON(".json.gz", "json", "gzip", "org.openx.data.jsonserde.JsonSerDe",
                "org.apache.hadoop.mapred.TextInputFormat", "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"),
        PARQUET(".parquet", "parquet", "none", "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
                "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
                "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat");

        final String suffix;
        final String classification;
        final String compression;
        final String serde;
        final String inputFormat;
        final String outputFormat;

        Storage(String suffix, String classification, String compression, String serde, String inputFormat,
                String outputFormat) {
            this.suffix = suffix;
            this.classification = classification;
            this.compression = compression;
            this.serde = serde;
            this.inputFormat = inputFormat;
            this.outputFormat = outputFormat;
        }
    }

    private final LocalAwsSettings settings;
    private final DuckDBConnection root;
    private final ExecutorService crawlThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "local-glue-crawler");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, GlueTable> tables = new TreeMap<>();
    private final Instant created = Instant.now();
    private String state = "READY";
    private Map<String, Object> lastCrawl;
    private Instant crawlStart;
    private long lastElapsedMillis;
    /** The crawler's S3 targets: the settings' at first, then each UpdateCrawler's. */
    private volatile List<CrawlerTarget> targets;
    private volatile Instant lastUpdated = Instant.now();

    LocalGlue(LocalAwsSettings settings, DuckDBConnection root) {
        this.settings = settings;
        this.root = root;
        this.targets = List.copyOf(settings.targets());
    }

    /** Rebuilds the views from what is on disk without a crawl record: Glue's catalog outlives restarts, DuckDB's does not. */
    void restoreCatalog() {
        try {
            crawl();
        } catch (Exception e) {
            LOG.warn("Could not restore the local catalog from {}: {}", settings.s3Root(), e.getMessage());
        }
    }

    Object handle(String op, JsonNode in) {
        return switch (op) {
            case "GetCrawler" -> Map.of("Crawler", crawler(requireCrawler(in.path("Name").asText())));
            case "GetCrawlers" -> Map.of("Crawlers", List.of(crawler(settings.crawlerName())));
            case "StartCrawler" -> startCrawler(in.path("Name").asText());
            case "UpdateCrawler" -> updateCrawler(in.path("Name").asText(), in.path("Targets"));
            case "GetDatabase" -> Map.of("Database", database(requireDatabase(in.path("Name").asText())));
            case "GetDatabases" -> page("DatabaseList", List.of(database(settings.database())), in, 100);
            case "GetTables" -> page("TableList", tables(requireDatabase(in.path("DatabaseName").asText()), in), in, 100);
            case "GetTable" -> Map.of("Table", table(requireDatabase(in.path("DatabaseName").asText()),
                    in.path("Name").asText()));
            case "GetPartitions" -> page("Partitions", partitions(requireDatabase(in.path("DatabaseName").asText()),
                    in.path("TableName").asText(), in), in, 1000);
            case "GetPartition" -> Map.of("Partition", partition(requireDatabase(in.path("DatabaseName").asText()),
                    in.path("TableName").asText(), in.path("PartitionValues")));
            case "BatchGetPartition" -> batchGetPartition(requireDatabase(in.path("DatabaseName").asText()),
                    in.path("TableName").asText(), in.path("PartitionsToGet"));
            case "GetColumnStatisticsForTable", "GetColumnStatisticsForPartition" -> columnStatistics(
                    requireDatabase(in.path("DatabaseName").asText()), in.path("TableName").asText());
            default -> throw new AwsServiceException("UnknownOperationException", "Unsupported Glue operation " + op);
        };
    }

    private String requireCrawler(String name) {
        if (!settings.crawlerName().equals(name)) {
            throw new AwsServiceException("EntityNotFoundException", "Crawler entry with name " + name + " does not exist");
        }
        return name;
    }

    private String requireDatabase(String name) {
        if (!settings.database().equalsIgnoreCase(name)) {
            throw new AwsServiceException("EntityNotFoundException", "Database " + name + " not found.");
        }
        return settings.database();
    }

    /**
     * UpdateCrawler with Targets.S3Targets (Path, Exclusions): the next crawl reads those. Like Glue, refused while
     * the crawler runs. Until the first crawl, the views are restored over the new targets (the stand-in's catalog
     * does not outlive a restart, Glue's does, and the daemon gives the targets only once its routes are loaded).
     */
    private Map<String, Object> updateCrawler(String name, JsonNode in) {
        boolean restore;
        synchronized (this) {
            requireCrawler(name);
            if (!state.equals("READY")) {
                throw new AwsServiceException("CrawlerRunningException", "Crawler with name " + name + " is running");
            }
            if (in.has("S3Targets")) {
                List<CrawlerTarget> next = new ArrayList<>();
                for (JsonNode t : in.path("S3Targets")) {
                    List<String> exclusions = new ArrayList<>();
                    t.path("Exclusions").forEach(e -> exclusions.add(e.asText()));
                    next.add(new CrawlerTarget(t.path("Path").asText(), exclusions));
                }
                targets = List.copyOf(next);
            }
            lastUpdated = Instant.now();
            restore = lastCrawl == null;
        }
        if (restore) {
            restoreCatalog();
        }
        return Map.of();
    }

    private synchronized Map<String, Object> startCrawler(String name) {
        requireCrawler(name);
        if (!state.equals("READY")) {
            throw new AwsServiceException("CrawlerRunningException", "Crawler with name " + name + " has already started");
        }
        state = "RUNNING";
        crawlStart = Instant.now();
        crawlThread.submit(this::runCrawl);
        return Map.of();
    }

    private void runCrawl() {
        String status = "SUCCEEDED";
        String error = null;
        try {
            crawl();
        } catch (Exception e) {
            LOG.warn("Local crawl failed", e);
            status = "FAILED";
            error = e.getMessage();
        }
        synchronized (this) {
            state = "STOPPING";
        }
        try {
            Thread.sleep(STOPPING_PHASE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            Map<String, Object> last = new LinkedHashMap<>();
            last.put("Status", status);
            if (error != null) {
                last.put("ErrorMessage", error);
            }
            last.put("LogGroup", "/aws-glue/crawlers");
            last.put("LogStream", settings.crawlerName());
            last.put("MessagePrefix", java.util.UUID.randomUUID().toString());
            last.put("StartTime", epoch(crawlStart));
            lastCrawl = last;
            lastElapsedMillis = Duration.between(crawlStart, Instant.now()).toMillis();
            state = "READY";
        }
    }

    private synchronized Map<String, Object> crawler(String name) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("Name", name);
        c.put("Role", "arn:aws:iam::000000000000:role/local-glue-crawler");
        c.put("DatabaseName", settings.database());
        c.put("Targets", Map.of("S3Targets", targets.stream()
                .map(t -> Map.of("Path", t.path(), "Exclusions", t.exclusions())).toList()));
        c.put("State", state);
        c.put("CrawlElapsedTime", state.equals("READY") ? 0 : Duration.between(crawlStart, Instant.now()).toMillis());
        if (lastCrawl != null) {
            c.put("LastCrawl", lastCrawl);
        }
        c.put("CreationTime", epoch(created));
        c.put("LastUpdated", epoch(lastUpdated));
        c.put("Version", 1);
        c.put("SchemaChangePolicy", Map.of("UpdateBehavior", "UPDATE_IN_DATABASE", "DeleteBehavior", "DEPRECATE_IN_DATABASE"));
        return c;
    }

    private Map<String, Object> database(String name) {
        return Map.of("Name", name, "CatalogId", "000000000000", "CreateTime", epoch(created));
    }

    private synchronized List<Map<String, Object>> tableList(String db) {
        return tables.values().stream().map(t -> tableJson(db, t)).toList();
    }

    private synchronized Map<String, Object> table(String db, String name) {
        GlueTable t = tables.get(name.toLowerCase(Locale.ROOT));
        if (t == null) {
            throw new AwsServiceException("EntityNotFoundException", "Table " + name + " not found.");
        }
        return tableJson(db, t);
    }

    private synchronized List<Map<String, Object>> partitions(String db, String name) {
        GlueTable t = tables.get(name.toLowerCase(Locale.ROOT));
        if (t == null) {
            throw new AwsServiceException("EntityNotFoundException", "Table " + name + " not found.");
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (List<String> values : t.partitions()) {
            StringBuilder location = new StringBuilder(t.location());
            for (int i = 0; i < values.size(); i++) {
                location.append(t.partitionKeys().get(i)).append('=').append(values.get(i)).append('/');
            }
            out.add(Map.of("Values", values, "DatabaseName", db, "TableName", t.name(),
                    "CreationTime", epoch(t.updated()), "StorageDescriptor", storage(location.toString(), t)));
        }
        return out;
    }

    /**
     * One page of {@code all}, as Glue pages: at most MaxResults (1 to {@code max}, default {@code max}) items and a
     * NextToken while more remain. The token is the offset of the next item; one Glue never gave is refused.
     */
    static Map<String, Object> page(String field, List<?> all, JsonNode in, int max) {
        int size = in.path("MaxResults").asInt(max);
        if (size < 1 || size > max) {
            throw new AwsServiceException("InvalidInputException", "1 validation error detected: Value '" + size
                    + "' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and " + max);
        }
        int from = 0;
        String token = in.path("NextToken").asText("");
        if (!token.isEmpty()) {
            try {
                from = Integer.parseInt(new String(java.util.Base64.getUrlDecoder().decode(token),
                        java.nio.charset.StandardCharsets.UTF_8).replaceFirst("^local-glue:", ""));
            } catch (IllegalArgumentException e) {
                from = -1;
            }
            if (from < 0 || from > all.size()) {
                throw new AwsServiceException("InvalidInputException", "Invalid NextToken " + token);
            }
        }
        int to = Math.min(all.size(), from + size);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(field, all.subList(from, to));
        if (to < all.size()) {
            out.put("NextToken", java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                    ("local-glue:" + to).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        return out;
    }

    /** GetTables: every table, or those whose name matches Expression (a regular expression, as Glue's is). */
    private List<Map<String, Object>> tables(String db, JsonNode in) {
        String expression = in.path("Expression").asText("");
        if (expression.isEmpty()) {
            return tableList(db);
        }
        java.util.regex.Pattern pattern;
        try {
            pattern = java.util.regex.Pattern.compile(expression, java.util.regex.Pattern.CASE_INSENSITIVE);
        } catch (java.util.regex.PatternSyntaxException e) {
            throw new AwsServiceException("InvalidInputException", "Invalid Expression " + expression + ": "
                    + e.getDescription());
        }
        return tableList(db).stream().filter(t -> pattern.matcher((String) t.get("Name")).matches()).toList();
    }

    private synchronized GlueTable requireTable(String name) {
        GlueTable t = tables.get(name.toLowerCase(Locale.ROOT));
        if (t == null) {
            throw new AwsServiceException("EntityNotFoundException", "Table " + name + " not found.");
        }
        return t;
    }

    /**
     * GetPartitions with what Glue's request may add: an Expression on the partition keys, a Segment (partitions
     * split into TotalSegments disjoint parts, 1 to 10, that together are all of them) and ExcludeColumnSchema.
     */
    private List<Map<String, Object>> partitions(String db, String name, JsonNode in) {
        GlueTable t = requireTable(name);
        var filter = GlueExpression.parse(in.path("Expression").asText(""), t.partitionKeys());
        int segments = 1;
        int segment = 0;
        if (in.has("Segment")) {
            segments = in.path("Segment").path("TotalSegments").asInt(0);
            segment = in.path("Segment").path("SegmentNumber").asInt(-1);
            if (segments < 1 || segments > 10 || segment < 0 || segment >= segments) {
                throw new AwsServiceException("InvalidInputException", "Invalid Segment: SegmentNumber " + segment
                        + " of TotalSegments " + segments + " (TotalSegments 1 to 10, SegmentNumber below it)");
            }
        }
        boolean noColumns = in.path("ExcludeColumnSchema").asBoolean(false);
        List<Map<String, Object>> all = partitions(db, name);
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            @SuppressWarnings("unchecked")
            List<String> values = (List<String>) all.get(i).get("Values");
            if (i % segments == segment && filter.test(values)) {
                out.add(noColumns ? withoutColumns(all.get(i)) : all.get(i));
            }
        }
        return out;
    }

    private static Map<String, Object> withoutColumns(Map<String, Object> partition) {
        Map<String, Object> p = new LinkedHashMap<>(partition);
        @SuppressWarnings("unchecked")
        Map<String, Object> sd = new LinkedHashMap<>((Map<String, Object>) p.get("StorageDescriptor"));
        sd.remove("Columns");
        p.put("StorageDescriptor", sd);
        return p;
    }

    private static List<String> values(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    private Map<String, Object> partition(String db, String table, JsonNode partitionValues) {
        List<String> wanted = values(partitionValues);
        return partitions(db, table).stream().filter(p -> wanted.equals(p.get("Values"))).findFirst()
                .orElseThrow(() -> new AwsServiceException("EntityNotFoundException", "Cannot find partition."));
    }

    /** BatchGetPartition: the partitions that exist among those asked for (at most 1 000); absent ones are left out. */
    private Map<String, Object> batchGetPartition(String db, String table, JsonNode toGet) {
        if (toGet.size() > 1000) {
            throw new AwsServiceException("InvalidInputException", "1 validation error detected: Value at "
                    + "'partitionsToGet' failed to satisfy constraint: Member must have length less than or equal to 1000");
        }
        Set<List<String>> wanted = new LinkedHashSet<>();
        toGet.forEach(p -> wanted.add(values(p.path("Values"))));
        List<Map<String, Object>> found = partitions(db, table).stream()
                .filter(p -> wanted.contains(p.get("Values"))).toList();
        return Map.of("Partitions", found, "UnprocessedKeys", List.of());
    }

    /** The crawler computes no column statistics: none to give, for a table that exists. */
    private Map<String, Object> columnStatistics(String db, String table) {
        requireTable(table);
        return Map.of("ColumnStatisticsList", List.of(), "Errors", List.of());
    }

    private static Map<String, Object> tableJson(String db, GlueTable t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Name", t.name());
        m.put("DatabaseName", db);
        m.put("CatalogId", "000000000000");
        m.put("TableType", "EXTERNAL_TABLE");
        m.put("CreateTime", epoch(t.created()));
        m.put("UpdateTime", epoch(t.updated()));
        m.put("StorageDescriptor", storage(t.location(), t));
        m.put("PartitionKeys", t.partitionKeys().stream().map(k -> Map.of("Name", k, "Type", "string")).toList());
        m.put("Parameters", Map.of("classification", t.storage().classification,
                "compressionType", t.storage().compression, "typeOfData", "file"));
        return m;
    }

    private static Map<String, Object> storage(String location, GlueTable t) {
        List<Column> columns = t.columns();
        // As a Glue crawler registers them: the JSON SerDe lists the columns as paths, the Parquet one its format.
        Map<String, Object> serdeParameters = t.storage() == Storage.PARQUET ? Map.of("serialization.format", "1")
                : Map.of("paths", columns.stream().map(Column::name).collect(Collectors.joining(",")));
        return Map.of(
                "Columns", columns.stream().map(c -> Map.of("Name", c.name(), "Type", c.type())).toList(),
                "Location", location,
                "InputFormat", t.storage().inputFormat,
                "OutputFormat", t.storage().outputFormat,
                "Compressed", t.storage() == Storage.JSON,
                "SerdeInfo", Map.of("SerializationLibrary", t.storage().serde, "Parameters", serdeParameters));
    }

    /** One pass over every target: a view and a catalog entry per target that has files, none for empty ones. */
    private void crawl() throws SQLException, IOException {
        String schema = LocalAws.quote(settings.database());
        try (var conn = root.duplicate(); Statement st = conn.createStatement()) {
            st.execute("CREATE SCHEMA IF NOT EXISTS " + LocalAws.CATALOG + "." + schema);
            for (CrawlerTarget target : targets) {
                String name = target.tableName();
                String view = LocalAws.CATALOG + "." + schema + "." + LocalAws.quote(name);
                TargetFiles files = scan(target);
                if (files.sources().isEmpty()) {
                    st.execute("DROP VIEW IF EXISTS " + view);
                    synchronized (this) {
                        tables.remove(name);
                    }
                    continue;
                }
                catalogue(st, name, target.path(), files);
                LOG.debug("Catalogued {} from {}", name, target.path());
            }
        }
    }

    /** Creates (or replaces) the view of one table over {@code files} and records it in the catalog. */
    private void catalogue(Statement st, String name, String location, TargetFiles files) throws SQLException {
        if (files.storage() == Storage.PARQUET) {
            catalogueParquet(st, name, location, files);
            return;
        }
        String view = LocalAws.CATALOG + "." + LocalAws.quote(settings.database()) + "." + LocalAws.quote(name);
        String sourceList = sourceList(files);
        List<Column> glueColumns = new ArrayList<>();
        List<String> duckColumns = new ArrayList<>();
        List<String> projection = new ArrayList<>();
        for (Described c : describe(st, "read_ndjson(" + sourceList + OPTIONS
                + ", sample_size=-1, maximum_sample_files=1000000)", files)) {
            glueColumns.add(new Column(c.lower(), DuckTypes.glue(c.type())));
            duckColumns.add(LocalAws.literal(c.name()) + ": " + LocalAws.literal(DuckTypes.stringly(c.type())));
            projection.add(LocalAws.quote(c.name()) + " AS " + LocalAws.quote(c.lower()));
        }
        files.partitionKeys().forEach(k -> projection.add(LocalAws.quote(k)));
        // The partition keys are left out of columns={...}: DuckDB then fills them from the folder names,
        // even where the JSON carries a field of the same name.
        st.execute("CREATE OR REPLACE VIEW " + view + " AS SELECT " + String.join(", ", projection)
                + " FROM read_ndjson(" + sourceList + ", columns={" + String.join(", ", duckColumns) + "}"
                + OPTIONS + ")");
        record(name, location, files, glueColumns);
    }

    /** Options of every view: key=value folders as string columns (as Glue's partition keys), files unioned by name. */
    private static final String OPTIONS = ", hive_partitioning=true, hive_types_autocast=false, union_by_name=true";

    /**
     * A Parquet table: the files' own schema, typed as a Glue crawler types Parquet. A timestamp stored as UTC
     * (isAdjustedToUTC) reads in DuckDB as TIMESTAMP WITH TIME ZONE; Athena reads either kind as a plain
     * {@code timestamp}, so the view casts it (the session's zone is UTC).
     */
    private void catalogueParquet(Statement st, String name, String location, TargetFiles files) throws SQLException {
        String view = LocalAws.CATALOG + "." + LocalAws.quote(settings.database()) + "." + LocalAws.quote(name);
        String source = "read_parquet(" + sourceList(files) + OPTIONS + ")";
        List<Column> glueColumns = new ArrayList<>();
        List<String> projection = new ArrayList<>();
        for (Described c : describe(st, source, files)) {
            glueColumns.add(new Column(c.lower(), DuckTypes.glueParquet(c.type())));
            String value = c.type().name().equalsIgnoreCase("TIMESTAMP WITH TIME ZONE")
                    ? "CAST(" + LocalAws.quote(c.name()) + " AS TIMESTAMP)" : LocalAws.quote(c.name());
            projection.add(value + " AS " + LocalAws.quote(c.lower()));
        }
        files.partitionKeys().forEach(k -> projection.add(LocalAws.quote(k)));
        st.execute("CREATE OR REPLACE VIEW " + view + " AS SELECT " + String.join(", ", projection) + " FROM " + source);
        record(name, location, files, glueColumns);
    }

    /** A column of the files as DuckDB reads them: its name, Athena's lower-case name, and its type. */
    private record Described(String name, String lower, DuckTypes.Type type) {
    }

    /** The columns DuckDB reads from {@code source}, minus the partition keys (they come from the folder names). */
    private static List<Described> describe(Statement st, String source, TargetFiles files) throws SQLException {
        List<Described> out = new ArrayList<>();
        try (ResultSet rs = st.executeQuery("DESCRIBE SELECT * FROM " + source)) {
            while (rs.next()) {
                String column = rs.getString("column_name");
                if (!files.partitionKeys().contains(column)) {
                    out.add(new Described(column, column.toLowerCase(Locale.ROOT),
                            DuckTypes.parse(rs.getString("column_type"))));
                }
            }
        }
        return out;
    }

    private static String sourceList(TargetFiles files) {
        return files.sources().stream().map(LocalAws::literal).collect(Collectors.joining(", ", "[", "]"));
    }

    private void record(String name, String location, TargetFiles files, List<Column> glueColumns) {
        Instant now = Instant.now();
        synchronized (this) {
            GlueTable before = tables.get(name);
            tables.put(name, new GlueTable(name, location.endsWith("/") ? location : location + "/", files.storage(),
                    glueColumns, files.partitionKeys(), files.partitions(),
                    before == null ? now : before.created(), now));
        }
    }

    /** Athena's DROP TABLE: forgets the table and its view (the data stays, as with an external table). */
    void dropTable(String name) throws SQLException {
        String table = name.toLowerCase(Locale.ROOT);
        try (var conn = root.duplicate(); Statement st = conn.createStatement()) {
            st.execute("DROP VIEW IF EXISTS " + LocalAws.CATALOG + "." + LocalAws.quote(settings.database()) + "."
                    + LocalAws.quote(table));
        }
        synchronized (this) {
            tables.remove(table);
        }
    }

    /**
     * Athena DDL in local mode (glue.mode=projection): a table over the {@code storage} objects under
     * {@code <location><partitionKey>=*}. Returns false, defining nothing, while the location holds no such file yet
     * (DuckDB cannot create a view over an empty glob).
     */
    boolean defineTable(String name, String location, String partitionKey, Storage storage)
            throws SQLException, IOException {
        String table = name.toLowerCase(Locale.ROOT);
        synchronized (this) {
            if (tables.containsKey(table)) {
                return true;
            }
        }
        CrawlerTarget target = new CrawlerTarget(location, List.of());
        Path dir = settings.s3Root().resolve(target.bucket()).resolve(target.prefix());
        if (!Files.isDirectory(dir)) {
            return false;
        }
        Set<List<String>> partitions = new LinkedHashSet<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.filter(p -> p.getFileName().toString().endsWith(storage.suffix)).map(dir::relativize)
                    .filter(rel -> rel.getNameCount() >= 2 && rel.getName(0).toString().startsWith(partitionKey + "="))
                    .forEach(rel -> partitions.add(List.of(rel.getName(0).toString().substring(partitionKey.length() + 1))));
        }
        if (partitions.isEmpty()) {
            return false;
        }
        try (var conn = root.duplicate(); Statement st = conn.createStatement()) {
            catalogue(st, table, target.path(), new TargetFiles(storage,
                    List.of(dir.resolve(partitionKey + "=*") + "/**/*" + storage.suffix), List.of(partitionKey), partitions));
        }
        return true;
    }

    private record TargetFiles(Storage storage, List<String> sources, List<String> partitionKeys,
            Set<List<String>> partitions) {
    }

    /**
     * Lists the target's files minus exclusions: its Parquet files if it has any, else its gzip NDJSON files. A
     * top-level folder with no excluded file becomes one glob, so files written after the crawl into it stay visible
     * (as they would to Athena); otherwise files are listed one by one.
     */
    private TargetFiles scan(CrawlerTarget target) throws IOException {
        Path dir = settings.s3Root().resolve(target.bucket()).resolve(target.prefix());
        if (!Files.isDirectory(dir)) {
            return new TargetFiles(Storage.JSON, List.of(), List.of(), Set.of());
        }
        List<PathMatcher> excluded = target.exclusions().stream()
                .map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g)).toList();
        List<Path> all;
        try (Stream<Path> walk = Files.walk(dir)) {
            all = walk.filter(Files::isRegularFile).sorted().toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        Storage storage = storageOf(all, dir, excluded, target);
        Map<String, List<Path>> byFolder = new TreeMap<>();
        Set<String> partlyExcluded = new TreeSet<>();
        List<String> keys = new ArrayList<>();
        Set<List<String>> partitions = new LinkedHashSet<>();
        for (Path file : all) {
            if (!file.getFileName().toString().endsWith(storage.suffix)) {
                continue;
            }
            Path rel = dir.relativize(file);
            if (rel.getNameCount() < 2) {
                LOG.warn("Not cataloguing {}: it is outside any key=value partition folder", file);
                continue;
            }
            String top = rel.getName(0).toString();
            if (excluded.stream().anyMatch(m -> m.matches(rel))) {
                partlyExcluded.add(top);
                continue;
            }
            byFolder.computeIfAbsent(top, k -> new ArrayList<>()).add(file);
            List<String> fileKeys = new ArrayList<>();
            List<String> values = new ArrayList<>();
            for (int i = 0; i < rel.getNameCount() - 1; i++) {
                String segment = rel.getName(i).toString();
                int eq = segment.indexOf('=');
                if (eq > 0) {
                    fileKeys.add(segment.substring(0, eq));
                    values.add(segment.substring(eq + 1));
                }
            }
            if (keys.isEmpty()) {
                keys.addAll(fileKeys);
            }
            partitions.add(List.copyOf(values));
        }
        List<String> sources = new ArrayList<>();
        byFolder.forEach((top, files) -> {
            if (partlyExcluded.contains(top)) {
                files.forEach(f -> sources.add(f.toString()));
            } else {
                sources.add(dir.resolve(top) + "/**/*" + storage.suffix);
            }
        });
        return new TargetFiles(storage, sources, List.copyOf(keys), partitions);
    }

    /**
     * Parquet when the target holds any {@code .parquet} object outside its exclusions, else JSON. One table has one
     * storage: gzip NDJSON objects left beside Parquet ones (written before lake.flat-format became parquet) are
     * not read, and the crawl says so, as a Glue crawler would not merge the two classifications into one table.
     */
    private static Storage storageOf(List<Path> files, Path dir, List<PathMatcher> excluded, CrawlerTarget target) {
        List<String> names = files.stream().filter(f -> excluded.stream().noneMatch(m -> m.matches(dir.relativize(f))))
                .map(f -> f.getFileName().toString()).toList();
        long parquet = names.stream().filter(n -> n.endsWith(Storage.PARQUET.suffix)).count();
        long json = names.stream().filter(n -> n.endsWith(Storage.JSON.suffix)).count();
        if (parquet > 0 && json > 0) {
            LOG.warn("{} holds {} Parquet and {} gzip NDJSON objects: table {} is catalogued as Parquet and the NDJSON "
                    + "objects are not read (re-export those days, or delete them)", target.path(), parquet, json,
                    target.tableName());
        }
        return parquet > 0 ? Storage.PARQUET : Storage.JSON;
    }

    static double epoch(Instant instant) {
        return instant.toEpochMilli() / 1000.0;
    }

    @Override
    public void close() {
        crawlThread.shutdownNow();
    }
}
