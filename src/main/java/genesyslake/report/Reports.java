package genesyslake.report;

import genesyslake.lake.LakeNames;
import genesyslake.lake.OwnerOnly;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.athena.model.ColumnInfo;
import software.amazon.awssdk.services.athena.model.Datum;
import software.amazon.awssdk.services.athena.model.GetQueryExecutionResponse;
import software.amazon.awssdk.services.athena.model.GetQueryResultsResponse;
import software.amazon.awssdk.services.athena.model.QueryExecutionState;
import software.amazon.awssdk.services.athena.model.Row;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The report side of the athena-report route: which SQL files to run, turning each answer into a readable
 * table (logged) and a CSV file, raising alert lines, and the end-of-run verdict. Athena itself is called by the
 * route through camel-aws2-athena.
 */
public final class Reports {

    private static final Logger LOG = LoggerFactory.getLogger(Reports.class);
    public static final String SCOPE_SKIPPED = "skipped";

    private final Path sqlDir;
    private final List<String> selected;
    private final Path csvDir;
    private final double alertShare;

    public Reports(Path sqlDir, String selected, Path csvDir, double alertShare) {
        this.sqlDir = sqlDir;
        this.selected = selected == null || selected.isBlank() ? List.of()
                : Arrays.stream(selected.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        this.csvDir = csvDir;
        this.alertShare = alertShare;
    }

    /** The reports to run: all of queries/sql (or athena.reports), or the one named by the lakeReport header. */
    public List<Report> list(Exchange exchange) throws IOException {
        String only = exchange.getIn().getHeader(LakeNames.REPORT, String.class);
        List<String> wanted = only != null && !only.isBlank() ? List.of(only.trim()) : selected;
        boolean skippedOnly = SCOPE_SKIPPED.equals(exchange.getIn().getHeader(LakeNames.REPORT_SCOPE, String.class));
        List<Report> all = new ArrayList<>();
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        if (!Files.isDirectory(sqlDir)) {
            throw new IllegalArgumentException("Report folder " + sqlDir.toAbsolutePath() + " (athena.reports-dir) does not exist");
        }
        Path folder = sqlDir.toRealPath();
        try (Stream<Path> files = Files.list(sqlDir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".sql")).sorted().toList()) {
                String name = f.getFileName().toString().replaceFirst("\\.sql$", "");
                if ((wanted.isEmpty() || wanted.contains(name)) && (!skippedOnly || skipped.contains(name))) {
                    // A link out of the folder is not read: its text would go to Athena, and Athena's errors quote it.
                    Path real = f.toRealPath();
                    if (!real.startsWith(folder) || !Files.isRegularFile(real)) {
                        String refused = "Report " + name + " (" + f + ") not read: it is not a file inside the report "
                                + "folder " + folder + " (athena.reports-dir)";
                        LOG.error(refused);
                        failures.add(refused);
                        all.add(new Report(name, f, null)); // found, so not also "no such report"; never run
                        continue;
                    }
                    all.add(new Report(name, f, resolved(Files.readString(real, StandardCharsets.UTF_8).trim()
                            .replaceFirst(";\\s*$", ""))));
                }
            }
        }
        List<String> missing = wanted.stream().filter(w -> all.stream().noneMatch(r -> r.name().equals(w))).toList();
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("No such report(s) " + missing + " in " + sqlDir + " (reports are the .sql files there)");
        }
        exchange.setProperty(LakeNames.REPORT_FAILURES, failures);
        exchange.setProperty(LakeNames.REPORT_RESULTS, Collections.synchronizedList(new ArrayList<String>()));
        return all.stream().filter(r -> r.sql() != null).filter(this::tablesReady).toList();
    }

    /** The lake's tables as the flows place them (name → flow, logical name → where it is now). */
    private volatile java.util.function.Supplier<genesyslake.catalog.FlowCatalog> catalog = null;
    private volatile java.util.function.Predicate<String> inCatalog = t -> true;

    /**
     * Lets reports follow their data: a report that reads a lake table not in the catalog yet is skipped (with one
     * INFO line naming the flow that fills it) until that flow has exported and the catalog has been refreshed. A
     * report names a table as the seed's flows place it (gc_usage_api_source, usage_requests, ...); where a flow
     * was moved (another key prefix or bucket), the report reads the table under the name Glue gives it there.
     */
    public void setCatalog(java.util.function.Supplier<genesyslake.catalog.FlowCatalog> catalog,
            java.util.function.Predicate<String> inCatalog) {
        this.catalog = catalog;
        this.inCatalog = inCatalog;
    }

    private static final java.util.regex.Pattern TABLE = java.util.regex.Pattern.compile(
            "(?i)\\b(?:from|join)\\s+(?:\"?\\w+\"?\\s*\\.\\s*)?\"?(\\w+)\"?");

    private java.util.Map<String, String> tableFlows() {
        return catalog == null ? java.util.Map.of() : catalog.get().tableFlows();
    }

    /** The report's SQL with each FROM/JOIN table a moved flow's table now is under its Glue name there. */
    String resolved(String sql) {
        java.util.Map<String, String> moved = catalog == null ? java.util.Map.of() : catalog.get().physicalNames();
        if (moved.isEmpty()) {
            return sql;
        }
        var m = TABLE.matcher(sql);
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (m.find()) {
            String physical = moved.get(m.group(1).toLowerCase(java.util.Locale.ROOT));
            if (physical != null) {
                out.append(sql, at, m.start(1)).append(physical);
                at = m.end(1);
            }
        }
        return out.append(sql.substring(at)).toString();
    }

    /** The lake tables a report's SQL reads (FROM/JOIN names that are lake tables), by the names Glue has them. */
    java.util.Set<String> tables(Report report) {
        // The facts before the dim_* tables beside them: a report skipped for both names the flow of its facts first.
        java.util.Set<String> out = new java.util.TreeSet<>(java.util.Comparator
                .comparing((String t) -> t.startsWith("dim_")).thenComparing(t -> t));
        java.util.Map<String, String> flows = tableFlows();
        var m = TABLE.matcher(resolved(report.sql()));
        while (m.find()) {
            String t = m.group(1).toLowerCase(java.util.Locale.ROOT);
            if (flows.containsKey(t)) {
                out.add(t);
            }
        }
        return out;
    }

    private boolean tablesReady(Report report) {
        String missing = missingTable(report);
        if (missing != null) {
            LOG.info("Report {} skipped: table {} is not in the catalog yet; it runs once the {} flow has exported "
                    + "and the catalog has been refreshed", report.name(), missing, tableFlows().get(missing));
            skipped.add(report.name());
            return false;
        }
        skipped.remove(report.name()); // it runs now: a later refresh does not run it again
        return true;
    }

    private String missingTable(Report report) {
        for (String table : tables(report)) {
            if (!inCatalog.test(table)) {
                return table;
            }
        }
        return null;
    }

    /** Reports skipped for want of a table since they last ran (names). */
    private final java.util.Set<String> skipped = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * After a catalog refresh: whether a report skipped for want of a table can run now (all its tables are in the
     * catalog). athena-report-ready then runs the skipped reports, each once: one that ran is no longer skipped.
     */
    public boolean skippedReady() throws IOException {
        if (skipped.isEmpty()) {
            return false;
        }
        try (Stream<Path> files = Files.list(sqlDir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".sql")).sorted().toList()) {
                String name = f.getFileName().toString().replaceFirst("\\.sql$", "");
                if (skipped.contains(name) && Files.isRegularFile(f)
                        && missingTable(new Report(name, f, Files.readString(f, StandardCharsets.UTF_8))) == null) {
                    return true;
                }
            }
        }
        return false;
    }

    /** After startQueryExecution has waited: a failed query becomes an error naming the file and Athena's reason. */
    public void checkSucceeded(Exchange exchange) {
        Report report = exchange.getProperty(LakeNames.REPORT, Report.class);
        GetQueryExecutionResponse response = exchange.getIn().getBody(GetQueryExecutionResponse.class);
        if (response == null) {
            throw new ReportException(report, "Athena returned no query execution (did the query start?)");
        }
        var status = response.queryExecution().status();
        if (status.state() != QueryExecutionState.SUCCEEDED) {
            throw new ReportException(report, "query " + response.queryExecution().queryExecutionId() + " ended "
                    + status.stateAsString() + (status.stateChangeReason() == null ? " (still running after athena.wait-timeout?)"
                    : ": " + status.stateChangeReason()));
        }
    }

    /** Renders the answer: a table in the log, a CSV file, alert lines. Body: the SDK's paged results. */
    public String render(Exchange exchange) {
        Report report = exchange.getProperty(LakeNames.REPORT, Report.class);
        Object body = exchange.getIn().getBody();
        Iterable<GetQueryResultsResponse> pages = body instanceof GetQueryResultsResponse single ? List.of(single)
                : exchange.getContext().getTypeConverter().convertTo(Iterable.class, body);
        List<String> columns = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        boolean header = true;
        for (GetQueryResultsResponse page : pages) {
            if (columns.isEmpty()) {
                page.resultSet().resultSetMetadata().columnInfo().stream().map(ColumnInfo::name).forEach(columns::add);
            }
            for (Row row : page.resultSet().rows()) {
                List<String> values = row.data().stream().map(Datum::varCharValue).toList();
                if (header && values.equals(columns)) {
                    header = false; // Athena repeats the column names as the first row of a SELECT
                    continue;
                }
                header = false;
                rows.add(values);
            }
        }
        String table = Tables.render(columns, rows);
        LOG.info("Report {} ({} rows):\n{}", report.name(), rows.size(), table);
        writeCsv(report, columns, rows);
        alerts(report, columns, rows);
        @SuppressWarnings("unchecked")
        List<String> results = exchange.getProperty(LakeNames.REPORT_RESULTS, List.class);
        if (results != null) {
            results.add(report.name() + ": " + rows.size() + " rows");
        }
        return table;
    }

    /** A report failed: log it with the file, remember it, and let the others run. */
    public void failed(Exchange exchange) {
        Report report = exchange.getProperty(LakeNames.REPORT, Report.class);
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String message = e instanceof ReportException ? e.getMessage()
                : "Report " + report.name() + " (" + report.file() + ") failed: " + e;
        LOG.error(message);
        @SuppressWarnings("unchecked")
        List<String> failures = exchange.getProperty(LakeNames.REPORT_FAILURES, List.class);
        if (failures != null) {
            failures.add(message);
        }
    }

    /** The run's verdict, after every report had its turn. */
    public String summary(Exchange exchange) {
        @SuppressWarnings("unchecked")
        List<String> failures = exchange.getProperty(LakeNames.REPORT_FAILURES, List.class);
        @SuppressWarnings("unchecked")
        List<String> results = exchange.getProperty(LakeNames.REPORT_RESULTS, List.class);
        if (failures != null && !failures.isEmpty()) {
            throw new IllegalStateException(failures.size() + " report(s) failed: " + String.join("; ", failures));
        }
        return "reports: " + (results == null ? "none" : String.join(", ", results));
    }

    private static final java.time.format.DateTimeFormatter STAMP =
            java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(java.time.ZoneOffset.UTC);

    /** Each run keeps its answer: {@code <report>/<UTC time>.csv}, and {@code <report>/latest.csv} is the newest. */
    private void writeCsv(Report report, List<String> columns, List<List<String>> rows) {
        try {
            Path dir = csvDir.resolve(report.name());
            OwnerOnly.createDirectories(dir);
            Path file = dir.resolve(STAMP.format(java.time.Instant.now()) + ".csv");
            try (Writer w = new BufferedWriter(new OutputStreamWriter(OwnerOnly.newOutputStream(file), StandardCharsets.UTF_8))) {
                w.write(Tables.csvLine(columns));
                for (List<String> row : rows) {
                    w.write(Tables.csvLine(row));
                }
            }
            Path latest = dir.resolve("latest.csv.tmp");
            java.nio.file.Files.copy(file, latest, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            java.nio.file.Files.move(latest, dir.resolve("latest.csv"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the CSV of report " + report.name() + " to " + csvDir, e);
        }
    }

    /** Any column whose name ends in 429_share (a fraction 0..1) above alert.rate-limit-share raises an alert line. */
    private void alerts(Report report, List<String> columns, List<List<String>> rows) {
        for (int c = 0; c < columns.size(); c++) {
            if (!columns.get(c).toLowerCase(Locale.ROOT).endsWith("429_share")) {
                continue;
            }
            for (List<String> row : rows) {
                String v = row.get(c);
                if (v == null || v.isBlank()) {
                    continue;
                }
                double share = Double.parseDouble(v);
                if (share > alertShare) {
                    LOG.warn("ALERT rate-limit: {} has a 429 share of {}% (threshold {}%) in report {}",
                            describe(columns, row, c), String.format(Locale.ROOT, "%.2f", share * 100),
                            String.format(Locale.ROOT, "%.2f", alertShare * 100), report.name());
                }
            }
        }
    }

    private static String describe(List<String> columns, List<String> row, int except) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            if (i != except && !columns.get(i).toLowerCase(Locale.ROOT).contains("share")) {
                parts.add(columns.get(i) + "=" + row.get(i));
            }
        }
        return String.join(" ", parts);
    }

    /** A report that failed, naming its file. */
    public static final class ReportException extends RuntimeException {
        public ReportException(Report report, String problem) {
            super("Report " + report.name() + " (" + report.file() + ") failed: " + problem);
        }
    }
}
