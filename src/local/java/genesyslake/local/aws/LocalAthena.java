package genesyslake.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * The local Athena: query executions run by DuckDB on worker threads, each on a fresh connection, their results
 * spooled as CSV objects into the S3Proxy store and paged from there. A query runs at most local.athena.query-timeout
 * and its result holds at most local.athena.max-result-mb; StopQueryExecution cancels one.
 */
final class LocalAthena implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalAthena.class);
    private static final int MAX_PAGE = 1000;
    /** Queries running at once; the others wait in submission order (a running one ends at its time limit). */
    private static final int WORKERS = 4;
    /** Queued and running queries at once, as Athena's active-query quota: one more is TooManyRequestsException. */
    static final int MAX_ACTIVE = 100;
    private static final int MAX_EXECUTIONS = 500;
    /** Finished executions are also forgotten once their query texts add up to this many characters. */
    private static final long MAX_RETAINED_QUERY_CHARS = 16L << 20;
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
    /** Why a worker is told to stop a query. */
    private static final String TIMEOUT = "timeout";
    private static final String USER = "user";
    private static final String CLOSED = "closed";

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
        /** The result object in the S3Proxy store. */
        final Path resultFile;
        final String statementType;
        final Instant submitted = Instant.now();
        volatile String state = "QUEUED";
        volatile String reason;
        volatile int errorCategory;
        volatile int errorType;
        volatile Instant started;
        volatile Instant completed;
        volatile List<ColumnMeta> columns = List.of();
        volatile Statement running;
        /** Set (once) when the worker must stop: TIMEOUT, USER or CLOSED. */
        volatile String stop;

        Execution(String query, AthenaSql.Checked checked, String database, String catalog, String workGroup,
                String outputPrefix, Path s3Root) {
            this.query = query;
            this.checked = checked;
            this.database = database;
            this.catalog = catalog;
            this.workGroup = workGroup;
            this.outputLocation = outputPrefix + id + ".csv";
            this.resultFile = storePath(s3Root, outputLocation);
            this.statementType = statementType(query);
        }
    }

    /** s3://bucket/prefix/ with a valid bucket name. */
    private static final Pattern S3_OUTPUT = Pattern.compile("s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/[^\\\\]*");

    private static final Pattern PARQUET_TABLE = Pattern.compile(
            "(?is)\\bSTORED\\s+AS\\s+PARQUET\\b|'org\\.apache\\.hadoop\\.hive\\.ql\\.io\\.parquet\\.serde\\.ParquetHiveSerDe'");

    private final LocalAwsSettings settings;
    private final DuckDBConnection root;
    private final LocalGlue glue;
    private final Map<String, Execution> executions = new ConcurrentHashMap<>();
    private final Instant created = Instant.now();
    private final AtomicInteger threadCount = new AtomicInteger();
    private final ExecutorService workers = Executors.newFixedThreadPool(WORKERS, r -> daemon(r,
            "local-athena-" + threadCount.incrementAndGet()));
    private final ScheduledThreadPoolExecutor deadlines = new ScheduledThreadPoolExecutor(1,
            r -> daemon(r, "local-athena-deadlines"));

    LocalAthena(LocalAwsSettings settings, DuckDBConnection root, LocalGlue glue) {
        this.settings = settings;
        this.root = root;
        this.glue = glue;
        deadlines.setRemoveOnCancelPolicy(true);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    Object handle(String op, JsonNode in) throws SQLException {
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

    private String start(JsonNode in) throws SQLException {
        String query = in.path("QueryString").asText("");
        if (query.isBlank()) {
            throw new AwsServiceException("InvalidRequestException", "QueryString must not be empty");
        }
        AthenaSql.Checked checked;
        try (Connection parser = root.duplicate()) {
            checked = AthenaSql.check(query, parser);
        }
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
                context.path("Catalog").asText("AwsDataCatalog"), workGroup, output, settings.s3Root());
        synchronized (executions) {
            if (executions.values().stream().filter(x -> x.completed == null).count() >= MAX_ACTIVE) {
                throw new AwsServiceException("TooManyRequestsException", "You have exceeded the limit for the number "
                        + "of queries you can run concurrently (" + MAX_ACTIVE + " queued or running in the local "
                        + "Athena). Please reduce the number of concurrent queries submitted.");
            }
            executions.put(e.id, e);
            forgetOldest();
        }
        workers.submit(() -> run(e));
        return e.id;
    }

    /** Keeps memory bounded in a long-running local daemon: the oldest finished executions are forgotten. */
    private void forgetOldest() {
        List<Execution> finished = executions.values().stream().filter(x -> x.completed != null)
                .sorted(Comparator.comparing((Execution x) -> x.submitted)).toList();
        long chars = executions.values().stream().mapToLong(x -> x.query.length()).sum();
        int size = executions.size();
        for (Execution x : finished) {
            if (size <= MAX_EXECUTIONS && chars <= MAX_RETAINED_QUERY_CHARS) {
                break;
            }
            executions.remove(x.id);
            size--;
            chars -= x.query.length();
        }
    }

    private void run(Execution e) {
        synchronized (e) {
            if (!e.state.equals("QUEUED")) {
                return;
            }
            e.started = Instant.now();
            e.state = "RUNNING";
        }
        ScheduledFuture<?> deadline = deadlines.schedule(() -> interrupt(e, TIMEOUT),
                settings.queryTimeout().toMillis(), TimeUnit.MILLISECONDS);
        Path spool = null;
        try (DuckDBConnection conn = root.duplicate(); Statement st = conn.createStatement()) {
            try {
                e.running = st;
                if (e.stop != null) {
                    throw new SQLException("stopped before it started");
                }
                use(st, e);
                if (e.checked.kind() == AthenaSql.Kind.SYNTAX_ERROR) {
                    throw new SQLException(e.checked.error());
                }
                Files.createDirectories(e.resultFile.getParent());
                spool = Files.createTempFile(e.resultFile.getParent(), ".athena-", ".tmp");
                List<ColumnMeta> columns = e.checked.kind() == AthenaSql.Kind.QUERY ? query(conn, st, e, spool)
                        : List.of();
                if (e.checked.kind() != AthenaSql.Kind.QUERY) {
                    hiveDdl(st, e.checked);
                    LOG.debug("Local Athena applied DDL {}", e.id);
                }
                Files.move(spool, e.resultFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                spool = null;
                e.columns = List.copyOf(columns);
                finish(e, "SUCCEEDED", null, 0, 0);
            } finally {
                e.running = null;
            }
        } catch (ResultCsv.TooLarge ex) {
            finish(e, "FAILED", "Query cancelled! : Result size limit was exceeded (" + ex.getMessage() + " of CSV; "
                    + "local.athena.max-result-mb allows " + settings.maxResultBytes() + " bytes)", 2, 1000);
        } catch (OutOfMemoryError ex) {
            // One value too large for the heap (a single huge allocation that failed): this query fails, nothing else.
            finish(e, "FAILED", "Query exhausted resources at this scale factor (a value too large for the local "
                    + "Athena's memory)", 1, 0);
        } catch (Exception ex) {
            String why = e.stop;
            if (TIMEOUT.equals(why)) {
                finish(e, "FAILED", "Query timeout: the query ran longer than " + human(settings.queryTimeout())
                        + ", the local Athena's limit (local.athena.query-timeout)", 1, 206);
            } else if (CLOSED.equals(why)) {
                finish(e, "FAILED", "The local Athena stopped while the query ran", 1, 100);
            } else {
                LOG.debug("Local Athena query {} failed", e.id, ex);
                finish(e, "FAILED", ex.getMessage(), 2, 1000);
            }
        } finally {
            deadline.cancel(false);
            if (spool != null) {
                try {
                    Files.deleteIfExists(spool);
                } catch (IOException ex) {
                    LOG.warn("Local Athena cannot delete its spool file {}: {}", spool, ex.getMessage());
                }
            }
        }
    }

    /**
     * Runs a checked query and spools its rows into {@code spool} as they stream from DuckDB. The query runs in a
     * transaction that is rolled back, so even a statement that slipped past the checks could not change the catalog.
     */
    private List<ColumnMeta> query(DuckDBConnection conn, Statement st, Execution e, Path spool) throws Exception {
        conn.setAutoCommit(false);
        try {
            List<ColumnMeta> columns = new ArrayList<>();
            boolean rows;
            try {
                rows = st.execute(e.checked.sql());
            } catch (SQLException streamed) {
                throw e.stop != null ? streamed : streamingError(conn, e, streamed);
            }
            if (!rows) {
                ResultCsv.write(spool, null, () -> null, settings.maxResultBytes(), () -> e.stop != null);
                return columns;
            }
            try (ResultSet rs = st.getResultSet()) {
                ResultSetMetaData md = rs.getMetaData();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    columns.add(athenaColumn(label(md.getColumnLabel(i), i - 1), md.getColumnTypeName(i)));
                }
                // As Athena: a SELECT's CSV starts with the header row; SHOW and DESCRIBE give rows only.
                List<String> header = e.statementType.equals("DML") && !columns.isEmpty()
                        ? columns.stream().map(ColumnMeta::name).toList() : null;
                int n = columns.size();
                ResultCsv.write(spool, header, () -> {
                    if (!rs.next()) {
                        return null;
                    }
                    List<String> row = new ArrayList<>(n);
                    for (int i = 1; i <= n; i++) {
                        row.add(format(rs.getObject(i)));
                    }
                    return row;
                }, settings.maxResultBytes(), () -> e.stop != null);
            } catch (SQLException streamed) {
                throw e.stop != null ? streamed : streamingError(conn, e, streamed);
            }
            return columns;
        } finally {
            try {
                conn.rollback();
            } catch (SQLException ex) {
                LOG.debug("Local Athena rollback after {}", e.id, ex);
            }
        }
    }

    /**
     * DuckDB JDBC 2.0 reports an error raised while rows stream (a failed cast, error(), sequence() past its limit) as
     * "Invalid result set". EXPLAIN ANALYZE runs the query again, discarding its rows, and fails with DuckDB's own
     * message; it runs under the same time limit and stop.
     */
    private static SQLException streamingError(Connection conn, Execution e, SQLException streamed) {
        if (!String.valueOf(streamed.getMessage()).contains("Invalid result set") || !e.statementType.equals("DML")) {
            return streamed;
        }
        try {
            conn.rollback();
        } catch (SQLException ex) {
            return streamed;
        }
        try (Statement again = conn.createStatement()) {
            e.running = again;
            if (e.stop == null) {
                again.execute("EXPLAIN ANALYZE " + e.checked.sql());
            }
            return streamed;
        } catch (SQLException real) {
            return e.stop != null || String.valueOf(real.getMessage()).startsWith("Parser Error") ? streamed : real;
        }
    }

    /**
     * As Trino, the context database is only where unqualified names resolve: one that does not exist fails a query
     * that needs it, not one that names "db"."table" (the seed's command passes Database=genesyscloud). Without a
     * context the current database is "default", as in Athena.
     */
    private static void use(Statement st, Execution e) throws SQLException {
        if (e.database != null && !e.database.isEmpty() && schemaExists(st, e.database)) {
            st.execute("USE " + LocalAws.CATALOG + "." + LocalAws.quote(e.database.toLowerCase(Locale.ROOT)));
        } else {
            st.execute("USE " + LocalAws.CATALOG + "." + LocalAws.quote(LocalAws.DEFAULT_DATABASE));
        }
    }

    /** Tells the worker to stop the query: a flag it reads between rows, and DuckDB's interrupt while it executes. */
    private static void interrupt(Execution e, String why) {
        synchronized (e) {
            if (e.stop == null) {
                e.stop = why;
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
                // nothing to do
            }
            case DROP_TABLE -> {
                String[] target = AthenaSql.dropTarget(sql);
                requireLakeDatabase(target[0]);
                glue.dropTable(target[1]);
            }
            case CREATE_DATABASE -> st.execute("CREATE SCHEMA IF NOT EXISTS " + LocalAws.CATALOG + "."
                    + LocalAws.quote(AthenaSql.createdDatabase(sql).toLowerCase(Locale.ROOT)));
            case CREATE_EXTERNAL_TABLE -> {
                String[] table = AthenaSql.externalTable(sql);
                requireLakeDatabase(table[0]);
                // Athena's two spellings of a Parquet table: STORED AS PARQUET, or the Parquet SerDe named.
                LocalGlue.Storage storage = PARQUET_TABLE.matcher(sql).find() ? LocalGlue.Storage.PARQUET
                        : LocalGlue.Storage.JSON;
                if (!glue.defineTable(table[1], table[3], table[2], storage)) {
                    LOG.info("Local Athena: table {} has no data under {} yet; it will be defined when the DDL runs "
                            + "again", table[1], table[3]);
                }
            }
            default -> throw new SQLException("Not catalog DDL: " + ddl.kind());
        }
    }

    private void requireLakeDatabase(String database) throws SQLException {
        if (database != null && !database.equalsIgnoreCase(settings.database())) {
            throw new SQLException("The local Athena keeps tables only in database " + settings.database()
                    + ", not " + database);
        }
    }

    private static void finish(Execution e, String state, String reason, int category, int type) {
        synchronized (e) {
            if (e.state.equals("CANCELLED")) {
                return;
            }
            e.reason = reason;
            e.errorCategory = category;
            e.errorType = type;
            e.completed = Instant.now();
            e.state = state;
        }
    }

    private static boolean schemaExists(Statement st, String database) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT count(*) FROM duckdb_schemas() WHERE database_name = "
                + LocalAws.literal(LocalAws.CATALOG_NAME) + " AND schema_name = "
                + LocalAws.literal(database.toLowerCase(Locale.ROOT)))) {
            rs.next();
            return rs.getLong(1) > 0;
        }
    }

    /** Where an s3:// location lives in the S3Proxy store; never outside its bucket's folder. */
    static Path storePath(Path s3Root, String location) {
        String rest = location.substring("s3://".length());
        int slash = rest.indexOf('/');
        Path root = s3Root.toAbsolutePath().normalize();
        Path bucket = root.resolve(rest.substring(0, slash)).normalize();
        Path target = bucket.resolve(rest.substring(slash + 1)).normalize();
        if (!bucket.getParent().equals(root) || !target.startsWith(bucket) || target.equals(bucket)) {
            throw new AwsServiceException("InvalidRequestException", "OutputLocation is not a valid S3 location: "
                    + location);
        }
        return target;
    }

    private Map<String, Object> stop(Execution e) {
        synchronized (e) {
            if (e.state.equals("QUEUED") || e.state.equals("RUNNING")) {
                e.state = "CANCELLED";
                e.reason = "Query cancelled by user";
                e.completed = Instant.now();
            }
        }
        if (e.state.equals("CANCELLED")) {
            interrupt(e, USER);
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
                status.put("AthenaError", Map.of("ErrorCategory", e.errorCategory, "ErrorType", e.errorType,
                        "Retryable", false, "ErrorMessage", e.reason));
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
        long from;
        String token = in.path("NextToken").asText("");
        try {
            from = token.isEmpty() ? 0 : token.matches("[0-9]{1,18}") ? Long.parseLong(token) : -1;
        } catch (NumberFormatException ex) {
            from = -1;
        }
        ResultCsv.Page page;
        try {
            page = ResultCsv.read(e.resultFile, from, max);
        } catch (IllegalArgumentException ex) {
            throw new AwsServiceException("InvalidRequestException", "Invalid NextToken");
        } catch (NoSuchFileException ex) {
            throw new AwsServiceException("InvalidRequestException", "The result of query " + e.id
                    + " is no longer at " + e.outputLocation);
        } catch (IOException ex) {
            throw new AwsServiceException("InvalidRequestException", "The result of query " + e.id + " at "
                    + e.outputLocation + " cannot be read: " + ex.getMessage());
        }
        List<Map<String, Object>> rows = new ArrayList<>(page.rows().size());
        for (List<String> values : page.rows()) {
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
        if (page.next() >= 0) {
            out.put("NextToken", Long.toString(page.next()));
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

    private static String human(Duration d) {
        return d.toString().substring(2).toLowerCase(Locale.ROOT);
    }

    /** Stops the running queries (DuckDB would run them on after the daemon's context is gone) and the workers. */
    @Override
    public void close() {
        workers.shutdownNow();
        executions.values().stream().filter(e -> e.completed == null).forEach(e -> interrupt(e, CLOSED));
        deadlines.shutdownNow();
        try {
            if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("Local Athena: a query did not stop within 10 s of closing");
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
