package genesyslake.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The local Athena: query executions run by DuckDB on worker threads, CSV results written into the S3Proxy store. */
final class LocalAthena implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalAthena.class);
    private static final int MAX_PAGE = 1000;
    private static final int MAX_EXECUTIONS = 500;
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    record ColumnMeta(String name, String type, int precision, int scale) {
    }

    /** One query execution; fields written by the worker are read by request threads. */
    static final class Execution {
        final String id = UUID.randomUUID().toString();
        final String query;
        final AthenaSql.Checked checked;
        final String database;
        final String catalog;
        final String workGroup;
        final String outputLocation;
        final String statementType;
        final Instant submitted = Instant.now();
        volatile String state = "QUEUED";
        volatile String reason;
        volatile Instant started;
        volatile Instant completed;
        volatile List<ColumnMeta> columns = List.of();
        volatile List<List<String>> rows = List.of();
        volatile Statement running;

        Execution(String query, AthenaSql.Checked checked, String database, String catalog, String workGroup,
                String outputPrefix) {
            this.query = query;
            this.checked = checked;
            this.database = database;
            this.catalog = catalog;
            this.workGroup = workGroup;
            this.outputLocation = outputPrefix + id + ".csv";
            this.statementType = statementType(query);
        }
    }

    /** s3://bucket/prefix/ with a valid bucket name. */
    private static final Pattern S3_OUTPUT = Pattern.compile("s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/[^\\\\]*");
    private static final Pattern CREATE_DATABASE = Pattern.compile(
            "(?is)^CREATE\\s+(?:DATABASE|SCHEMA)\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?[`\"]?(\\w+)[`\"]?\\s*$");
    private static final Pattern CREATE_EXTERNAL_TABLE = Pattern.compile(
            "(?is)^CREATE\\s+EXTERNAL\\s+TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?(?:[`\"]?(\\w+)[`\"]?\\.)?[`\"]?(\\w+)[`\"]?"
                    + ".*?PARTITIONED\\s+BY\\s*\\(\\s*[`\"]?(\\w+)[`\"]?.*?LOCATION\\s+'([^']+)'.*");

    private static final Pattern PARQUET_TABLE = Pattern.compile(
            "(?is)\\bSTORED\\s+AS\\s+PARQUET\\b|'org\\.apache\\.hadoop\\.hive\\.ql\\.io\\.parquet\\.serde\\.ParquetHiveSerDe'");

    private final LocalAwsSettings settings;
    private final DuckDBConnection root;
    private final LocalGlue glue;
    private final Map<String, Execution> executions = new ConcurrentHashMap<>();
    private final Instant created = Instant.now();
    private final AtomicInteger threadCount = new AtomicInteger();
    private final ExecutorService workers = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "local-athena-" + threadCount.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    LocalAthena(LocalAwsSettings settings, DuckDBConnection root, LocalGlue glue) {
        this.settings = settings;
        this.root = root;
        this.glue = glue;
    }

    Object handle(String op, JsonNode in) {
        return switch (op) {
            case "StartQueryExecution" -> Map.of("QueryExecutionId", start(in));
            case "GetQueryExecution" -> Map.of("QueryExecution", describe(require(in.path("QueryExecutionId").asText())));
            case "BatchGetQueryExecution" -> batch(in);
            case "GetQueryResults" -> results(require(in.path("QueryExecutionId").asText()), in);
            case "StopQueryExecution" -> stop(require(in.path("QueryExecutionId").asText()));
            case "ListQueryExecutions" -> Map.of("QueryExecutionIds", executions.values().stream()
                    .filter(e -> e.workGroup.equals(in.path("WorkGroup").asText("primary")))
                    .sorted((a, b) -> b.submitted.compareTo(a.submitted)).map(e -> e.id).toList());
            case "GetWorkGroup" -> Map.of("WorkGroup", workGroup(requireWorkGroup(in.path("WorkGroup").asText())));
            case "ListWorkGroups" -> Map.of("WorkGroups", workGroups().stream()
                    .map(w -> Map.of("Name", w, "State", "ENABLED", "CreationTime", LocalGlue.epoch(created))).toList());
            default -> throw new AwsServiceException("InvalidRequestException", "Unsupported Athena operation " + op);
        };
    }

    private Set<String> workGroups() {
        return Set.of(settings.workGroup(), "primary");
    }

    private String requireWorkGroup(String name) {
        if (!workGroups().contains(name)) {
            throw new AwsServiceException("InvalidRequestException", "WorkGroup " + name + " is not found.");
        }
        return name;
    }

    private Execution require(String id) {
        Execution e = executions.get(id);
        if (e == null) {
            throw new AwsServiceException("InvalidRequestException", "QueryExecution " + id + " was not found");
        }
        return e;
    }

    private String start(JsonNode in) {
        String query = in.path("QueryString").asText("");
        if (query.isBlank()) {
            throw new AwsServiceException("InvalidRequestException", "QueryString must not be empty");
        }
        AthenaSql.Checked checked = AthenaSql.check(query);
        String workGroup = requireWorkGroup(in.path("WorkGroup").asText("primary"));
        String output = in.path("ResultConfiguration").path("OutputLocation").asText("");
        if (output.isEmpty()) {
            output = "s3://" + settings.resultsBucket() + "/";
        } else if (!output.startsWith("s3://")) {
            throw new AwsServiceException("InvalidRequestException", "OutputLocation must be an s3:// URI: " + output);
        } else if (!output.endsWith("/")) {
            output = output + "/";
        }
        if (!S3_OUTPUT.matcher(output).matches() || output.contains("/../") || output.contains("/./")) {
            throw new AwsServiceException("InvalidRequestException", "OutputLocation is not a valid S3 location: " + output);
        }
        JsonNode context = in.path("QueryExecutionContext");
        Execution e = new Execution(query, checked, context.path("Database").asText(null),
                context.path("Catalog").asText("AwsDataCatalog"), workGroup, output);
        executions.put(e.id, e);
        forgetOldest();
        workers.submit(() -> run(e));
        return e.id;
    }

    /** Keeps memory bounded in a long-running local daemon: the oldest finished executions are forgotten. */
    private void forgetOldest() {
        int excess = executions.size() - MAX_EXECUTIONS;
        if (excess > 0) {
            executions.values().stream().filter(x -> x.completed != null)
                    .sorted(java.util.Comparator.comparing((Execution x) -> x.submitted)).limit(excess)
                    .forEach(x -> executions.remove(x.id));
        }
    }

    private void run(Execution e) {
        if (!e.state.equals("QUEUED")) {
            return;
        }
        e.started = Instant.now();
        e.state = "RUNNING";
        try (var conn = root.duplicate(); Statement st = conn.createStatement()) {
            e.running = st;
            // As Trino, the context database is only where unqualified names resolve: one that does not exist fails
            // a query that needs it, not one that names "db"."table" (the seed's command passes Database=genesyscloud).
            if (e.database != null && !e.database.isEmpty() && schemaExists(st, e.database)) {
                st.execute("USE " + LocalAws.CATALOG + "." + LocalAws.quote(e.database.toLowerCase(Locale.ROOT)));
            } else {
                // As Athena: without a context the current database is "default", and "db"."table" names resolve.
                st.execute("USE " + LocalAws.CATALOG + "." + LocalAws.quote(LocalAws.DEFAULT_DATABASE));
            }
            String sql = e.checked.sql();
            List<ColumnMeta> columns = new ArrayList<>();
            List<List<String>> rows = new ArrayList<>();
            if (e.checked.kind() == AthenaSql.Kind.SYNTAX_ERROR) {
                throw new SQLException(AthenaSql.syntaxError(sql));
            } else if (e.checked.kind() != AthenaSql.Kind.QUERY) {
                hiveDdl(st, e.checked);
                LOG.debug("Local Athena applied DDL {}", e.id);
            } else if (st.execute(sql)) {
                try (ResultSet rs = st.getResultSet()) {
                    ResultSetMetaData md = rs.getMetaData();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        columns.add(athenaColumn(label(md.getColumnLabel(i), i - 1), md.getColumnTypeName(i)));
                    }
                    while (rs.next()) {
                        List<String> row = new ArrayList<>(columns.size());
                        for (int i = 1; i <= columns.size(); i++) {
                            row.add(format(rs.getObject(i)));
                        }
                        rows.add(row);
                    }
                }
            }
            writeCsv(e, columns, rows);
            e.columns = List.copyOf(columns);
            e.rows = rows;
            finish(e, "SUCCEEDED", null);
        } catch (Exception ex) {
            LOG.debug("Local Athena query {} failed", e.id, ex);
            finish(e, "FAILED", ex.getMessage());
        } finally {
            e.running = null;
        }
    }

    /**
     * Hive DDL DuckDB cannot run: CREATE DATABASE becomes a schema, CREATE EXTERNAL TABLE (partition projection DDL)
     * a view over the partition folders that exist, DROP TABLE drops that view; MSCK REPAIR TABLE and ALTER TABLE ADD
     * PARTITION have nothing to do, as every view reads all the partition folders there are.
     */
    private void hiveDdl(Statement st, AthenaSql.Checked ddl) throws SQLException, IOException {
        String sql = ddl.sql();
        switch (ddl.kind()) {
            case MSCK_REPAIR, ADD_PARTITION -> {
                return;
            }
            case DROP_TABLE -> {
                String[] target = AthenaSql.dropTarget(sql);
                requireLakeDatabase(target[0]);
                glue.dropTable(target[1]);
                return;
            }
            default -> {
                // below
            }
        }
        Matcher db = CREATE_DATABASE.matcher(sql);
        if (db.matches()) {
            st.execute("CREATE SCHEMA IF NOT EXISTS " + LocalAws.CATALOG + "."
                    + LocalAws.quote(db.group(1).toLowerCase(Locale.ROOT)));
            return;
        }
        Matcher table = CREATE_EXTERNAL_TABLE.matcher(sql);
        if (!table.matches()) {
            throw new SQLException("The local Athena supports CREATE DATABASE [IF NOT EXISTS] name and CREATE EXTERNAL "
                    + "TABLE ... PARTITIONED BY (...) ... LOCATION 's3://...' only");
        }
        requireLakeDatabase(table.group(1));
        // Athena's two spellings of a Parquet table: STORED AS PARQUET, or the Parquet SerDe named.
        LocalGlue.Storage storage = PARQUET_TABLE.matcher(sql).find() ? LocalGlue.Storage.PARQUET : LocalGlue.Storage.JSON;
        if (!glue.defineTable(table.group(2), table.group(4), table.group(3), storage)) {
            LOG.info("Local Athena: table {} has no data under {} yet; it will be defined when the DDL runs again",
                    table.group(2), table.group(4));
        }
    }

    private void requireLakeDatabase(String database) throws SQLException {
        if (database != null && !database.equalsIgnoreCase(settings.database())) {
            throw new SQLException("The local Athena keeps tables only in database " + settings.database()
                    + ", not " + database);
        }
    }

    private static synchronized void finish(Execution e, String state, String reason) {
        if (e.state.equals("CANCELLED")) {
            return;
        }
        e.reason = reason;
        e.completed = Instant.now();
        e.state = state;
    }

    private static boolean schemaExists(Statement st, String database) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT count(*) FROM duckdb_schemas() WHERE database_name = "
                + LocalAws.literal(LocalAws.CATALOG_NAME) + " AND schema_name = "
                + LocalAws.literal(database.toLowerCase(Locale.ROOT)))) {
            rs.next();
            return rs.getLong(1) > 0;
        }
    }

    /** Writes Athena's CSV (every value quoted, nulls empty) into the store, atomically so S3 never serves half a file. */
    private void writeCsv(Execution e, List<ColumnMeta> columns, List<List<String>> rows) throws IOException {
        String rest = e.outputLocation.substring("s3://".length());
        int slash = rest.indexOf('/');
        Path root = settings.s3Root().toAbsolutePath().normalize();
        Path target = root.resolve(rest.substring(0, slash)).resolve(rest.substring(slash + 1)).normalize();
        if (!target.startsWith(root)) {
            throw new IOException("OutputLocation outside the local S3 store: " + e.outputLocation);
        }
        Files.createDirectories(target.getParent());
        Path temp = Files.createTempFile(target.getParent(), ".athena-", ".tmp");
        try (BufferedWriter w = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
            if (!columns.isEmpty()) {
                w.write(csvLine(columns.stream().map(ColumnMeta::name).toList()));
            }
            for (List<String> row : rows) {
                w.write(csvLine(row));
            }
        }
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String csvLine(List<String> values) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            String v = values.get(i);
            if (v != null) {
                sb.append('"').append(v.replace("\"", "\"\"")).append('"');
            }
        }
        return sb.append('\n').toString();
    }

    private Map<String, Object> stop(Execution e) {
        synchronized (LocalAthena.class) {
            if (e.state.equals("QUEUED") || e.state.equals("RUNNING")) {
                e.state = "CANCELLED";
                e.reason = "Query cancelled by user";
                e.completed = Instant.now();
            }
        }
        Statement st = e.running;
        if (st != null) {
            try {
                st.cancel();
            } catch (SQLException ignored) {
                // The query may have finished between the check and the cancel.
            }
        }
        return Map.of();
    }

    private Map<String, Object> batch(JsonNode in) {
        List<Map<String, Object>> found = new ArrayList<>();
        List<Map<String, Object>> missing = new ArrayList<>();
        for (JsonNode id : in.path("QueryExecutionIds")) {
            Execution e = executions.get(id.asText());
            if (e == null) {
                missing.add(Map.of("QueryExecutionId", id.asText(), "ErrorCode", "INVALID_INPUT",
                        "ErrorMessage", "QueryExecution " + id.asText() + " was not found"));
            } else {
                found.add(describe(e));
            }
        }
        return Map.of("QueryExecutions", found, "UnprocessedQueryExecutionIds", missing);
    }

    private Map<String, Object> describe(Execution e) {
        Map<String, Object> status = new LinkedHashMap<>();
        String state = e.state;
        status.put("State", state);
        status.put("SubmissionDateTime", LocalGlue.epoch(e.submitted));
        Instant completed = e.completed;
        if (completed != null) {
            status.put("CompletionDateTime", LocalGlue.epoch(completed));
        }
        if (e.reason != null) {
            status.put("StateChangeReason", e.reason);
            if (state.equals("FAILED")) {
                status.put("AthenaError", Map.of("ErrorCategory", 2, "ErrorType", 1000, "Retryable", false,
                        "ErrorMessage", e.reason));
            }
        }
        Map<String, Object> context = new LinkedHashMap<>();
        if (e.database != null) {
            context.put("Database", e.database);
        }
        context.put("Catalog", e.catalog);
        long queue = e.started == null ? 0 : e.started.toEpochMilli() - e.submitted.toEpochMilli();
        long engine = e.started == null || completed == null ? 0 : completed.toEpochMilli() - e.started.toEpochMilli();
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("EngineExecutionTimeInMillis", engine);
        stats.put("DataScannedInBytes", 0);
        stats.put("TotalExecutionTimeInMillis", queue + engine);
        stats.put("QueryQueueTimeInMillis", queue);
        stats.put("QueryPlanningTimeInMillis", 0);
        stats.put("ServiceProcessingTimeInMillis", 0);
        Map<String, Object> q = new LinkedHashMap<>();
        q.put("QueryExecutionId", e.id);
        q.put("Query", e.query);
        q.put("StatementType", e.statementType);
        q.put("ResultConfiguration", Map.of("OutputLocation", e.outputLocation));
        q.put("QueryExecutionContext", context);
        q.put("Status", status);
        q.put("Statistics", stats);
        q.put("WorkGroup", e.workGroup);
        q.put("EngineVersion", Map.of("SelectedEngineVersion", "AUTO", "EffectiveEngineVersion", "Athena engine version 3"));
        return q;
    }

    private Map<String, Object> results(Execution e, JsonNode in) {
        if (!e.state.equals("SUCCEEDED")) {
            throw new AwsServiceException("InvalidRequestException",
                    "Query has not yet finished. Current state: " + e.state
                            + (e.reason == null ? "" : ". " + e.reason));
        }
        int max = in.path("MaxResults").asInt(MAX_PAGE);
        if (max < 1 || max > MAX_PAGE) {
            throw new AwsServiceException("InvalidRequestException", "MaxResults must be between 1 and " + MAX_PAGE);
        }
        boolean header = !e.columns.isEmpty() && e.statementType.equals("DML");
        int total = e.rows.size() + (header ? 1 : 0);
        int from;
        try {
            from = in.hasNonNull("NextToken") ? Integer.parseInt(in.path("NextToken").asText()) : 0;
        } catch (NumberFormatException ex) {
            throw new AwsServiceException("InvalidRequestException", "Invalid NextToken");
        }
        int to = Math.min(total, from + max);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = from; i < to; i++) {
            List<String> values = header && i == 0 ? e.columns.stream().map(ColumnMeta::name).toList()
                    : e.rows.get(i - (header ? 1 : 0));
            rows.add(Map.of("Data", values.stream()
                    .map(v -> v == null ? Map.of() : Map.of("VarCharValue", v)).toList()));
        }
        Map<String, Object> resultSet = new LinkedHashMap<>();
        resultSet.put("Rows", rows);
        resultSet.put("ResultSetMetadata", Map.of("ColumnInfo", e.columns.stream().map(c -> Map.of(
                "CatalogName", "hive", "SchemaName", "", "TableName", "", "Name", c.name(), "Label", c.name(),
                "Type", c.type(), "Precision", c.precision(), "Scale", c.scale(), "Nullable", "UNKNOWN",
                "CaseSensitive", c.type().equals("varchar"))).toList()));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ResultSet", resultSet);
        out.put("UpdateCount", 0);
        if (to < total) {
            out.put("NextToken", Integer.toString(to));
        }
        return out;
    }

    private Map<String, Object> workGroup(String name) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("ResultConfiguration", Map.of("OutputLocation", "s3://" + settings.resultsBucket() + "/"));
        config.put("EnforceWorkGroupConfiguration", name.equals(settings.workGroup()));
        config.put("PublishCloudWatchMetricsEnabled", false);
        config.put("RequesterPaysEnabled", false);
        config.put("EngineVersion", Map.of("SelectedEngineVersion", "AUTO", "EffectiveEngineVersion", "Athena engine version 3"));
        return Map.of("Name", name, "State", "ENABLED", "Configuration", config,
                "Description", "Local stand-in workgroup", "CreationTime", LocalGlue.epoch(created));
    }

    static String statementType(String query) {
        String first = query.strip().split("\\s+", 2)[0].toUpperCase(Locale.ROOT).replace("(", "");
        return switch (first) {
            case "CREATE", "DROP", "ALTER", "MSCK" -> "DDL";
            case "SHOW", "DESCRIBE", "EXPLAIN", "USE" -> "UTILITY";
            default -> "DML";
        };
    }

    /**
     * Athena's column label: identifiers in lower case, and {@code _colN} for an unnamed expression (DuckDB would
     * label it with the expression's text, such as {@code count_star()}).
     */
    static String label(String duckLabel, int index) {
        return duckLabel.matches("[A-Za-z_][A-Za-z0-9_]*") ? duckLabel.toLowerCase(Locale.ROOT) : "_col" + index;
    }

    /** Athena's name for a DuckDB result type, with the precision Athena reports for it. */
    static ColumnMeta athenaColumn(String name, String duckType) {
        String t = duckType.toUpperCase(Locale.ROOT);
        if (t.endsWith("[]")) {
            return new ColumnMeta(name, "array", 0, 0);
        }
        if (t.startsWith("DECIMAL")) {
            String[] ps = t.replaceAll("[^0-9,]", "").split(",");
            return new ColumnMeta(name, "decimal", ps.length > 0 && !ps[0].isEmpty() ? Integer.parseInt(ps[0]) : 18,
                    ps.length > 1 ? Integer.parseInt(ps[1]) : 0);
        }
        return switch (t) {
            case "VARCHAR", "UUID" -> new ColumnMeta(name, "varchar", 2147483647, 0);
            case "BIGINT", "HUGEINT", "UBIGINT", "UINTEGER", "UHUGEINT" -> new ColumnMeta(name, "bigint", 19, 0);
            case "INTEGER", "USMALLINT" -> new ColumnMeta(name, "integer", 10, 0);
            case "SMALLINT", "UTINYINT" -> new ColumnMeta(name, "smallint", 5, 0);
            case "TINYINT" -> new ColumnMeta(name, "tinyint", 3, 0);
            case "DOUBLE" -> new ColumnMeta(name, "double", 17, 0);
            case "FLOAT" -> new ColumnMeta(name, "real", 17, 0);
            case "BOOLEAN" -> new ColumnMeta(name, "boolean", 0, 0);
            case "DATE" -> new ColumnMeta(name, "date", 0, 0);
            case "TIMESTAMP WITH TIME ZONE" -> new ColumnMeta(name, "timestamp with time zone", 3, 0);
            case "JSON" -> new ColumnMeta(name, "json", 0, 0);
            default -> {
                if (t.startsWith("TIMESTAMP")) {
                    yield new ColumnMeta(name, "timestamp", 3, 0);
                }
                if (t.startsWith("STRUCT")) {
                    yield new ColumnMeta(name, "row", 0, 0);
                }
                if (t.startsWith("MAP")) {
                    yield new ColumnMeta(name, "map", 0, 0);
                }
                yield new ColumnMeta(name, "varchar", 2147483647, 0);
            }
        };
    }

    /** Renders a value the way Athena's results print it. */
    static String format(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Timestamp ts) {
            return TIMESTAMP.format(ts.toLocalDateTime());
        }
        if (value instanceof java.time.LocalDateTime ldt) {
            return TIMESTAMP.format(ldt);
        }
        if (value instanceof OffsetDateTime odt) {
            return TIMESTAMP.format(odt.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime()) + " UTC";
        }
        if (value instanceof BigDecimal bd) {
            return bd.toPlainString();
        }
        return value.toString();
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
