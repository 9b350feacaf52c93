package genesyslake.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import genesyslake.lake.Watermarks;
import genesyslake.report.Tables;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * What the status page shows, read fresh on each request: every flow with its last runs ({@link FlowHistory}) and
 * watermark lag, records exported per day (from the run manifests in the lake, so it survives restarts), the latest
 * CSV of each report, and the rate-limited clients of one report as bars. Reads only small things: each flow's state
 * file, the manifests of the last days (by their listing's dates, each fetched once), each report's latest.csv.
 */
public final class StatusPage {

    /** Run manifests of the lake, newest by the day they were written. */
    @FunctionalInterface
    public interface Manifests {
        /** The manifests written since {@code from}. */
        List<Manifest> since(Instant from);
    }

    /**
     * What the page needs of one run manifest: the interval it exported ({@code start}/{@code end}, null in a manifest
     * without one) and, when its objects are in {@code date=} partitions, the records of each data day.
     */
    public record Manifest(String flow, Instant finished, long records, Instant start, Instant end,
                           Map<LocalDate, Long> recordsByDay) {
        public Manifest(String flow, Instant finished, long records) {
            this(flow, finished, records, null, null, Map.of());
        }

        /**
         * The run's records by the day of the data: its date= partitions' own counts when it has them; else spread
         * over the UTC days of its interval by their share of it (a month's usage is a month of days, not a spike on
         * the day it finished); a manifest without an interval counts on the day it finished.
         */
        public Map<LocalDate, Long> byDataDay() {
            if (!recordsByDay.isEmpty()) {
                return recordsByDay;
            }
            if (start == null || end == null || !end.isAfter(start)) {
                return Map.of(LocalDate.ofInstant(finished, ZoneOffset.UTC), records);
            }
            Map<LocalDate, Long> out = new java.util.TreeMap<>();
            long total = Duration.between(start, end).toMillis();
            long given = 0;
            Map<LocalDate, Double> rest = new HashMap<>();
            for (LocalDate d = LocalDate.ofInstant(start, ZoneOffset.UTC); d.atStartOfDay(ZoneOffset.UTC).toInstant()
                    .isBefore(end); d = d.plusDays(1)) {
                Instant a = d.atStartOfDay(ZoneOffset.UTC).toInstant();
                Instant b = a.plus(Duration.ofDays(1));
                long ms = Duration.between(a.isBefore(start) ? start : a, b.isAfter(end) ? end : b).toMillis();
                double share = (double) records * ms / total;
                out.put(d, (long) Math.floor(share));
                rest.put(d, share - Math.floor(share));
                given += (long) Math.floor(share);
            }
            // Whole records: what rounding down left goes to the days with the largest remainders.
            List<LocalDate> byRest = rest.entrySet().stream().sorted(Map.Entry.<LocalDate, Double>comparingByValue()
                    .reversed().thenComparing(Map.Entry.comparingByKey())).map(Map.Entry::getKey).toList();
            for (int i = 0; given < records; i++, given++) {
                out.merge(byRest.get(i % byRest.size()), 1L, Long::sum);
            }
            return out;
        }
    }

    public record Status(Instant generated, int refreshSeconds, List<FlowStatus> flows, RecordsPerDay recordsPerDay,
                         BarChart rateLimited, List<ReportTable> reports) {
    }

    /** A flow, its watermark (null: none yet) and lag, or why they are unknown; its last runs, newest first. */
    public record FlowStatus(String flow, Instant watermark, Long lagSeconds, String watermarkProblem,
                             List<FlowHistory.Run> runs, Health health, FlowSchedules.Next next) {
    }

    /**
     * The flow's readiness verdict as /observe/health gives it (up or down, and why), and the max-lag its lag is held
     * to ({@code lake.health.max-lag.<flow>} or the default), so "22 h" reads against what is normal for the flow.
     */
    public record Health(boolean up, String message, long maxLagSeconds, String maxLagKey) {
    }

    /** One series per flow with manifests in the window; {@code records.get(i)} is for {@code days.get(i)}. */
    public record RecordsPerDay(List<LocalDate> days, Map<String, List<Long>> records, String problem) {
    }

    public record Bar(String label, long value) {
    }

    /** The bars of one report's latest result; {@code problem} says why there are none. */
    public record BarChart(String report, String labelColumn, String valueColumn, Instant updated, List<Bar> bars,
                           String problem) {
    }

    /** A report's latest.csv: the first rows of it (totalRows says how many it has); problem when unreadable. */
    public record ReportTable(String name, Instant updated, List<String> columns, List<List<String>> rows,
                              int totalRows, String problem) {
    }

    /** Label columns tried in order (the seed's usage rows carry both; the name reads better). */
    static final List<String> LABEL_COLUMNS = List.of("clientname", "clientid");
    static final String VALUE_COLUMN = "status429";
    static final int MAX_ROWS = 50;
    static final int MAX_BARS = 25;
    /** A latest.csv bigger than this is not read for the page (a report that lists every row of the lake). */
    static final long MAX_CSV_BYTES = 1 << 20;
    static final int RUNS_SHOWN = 5;

    private final Supplier<List<String>> flows;
    private final FlowHistory history;
    private final Watermarks watermarks;
    private final Manifests manifests;
    private final Path reportsDir;
    private final String chartReport;
    private final int days;
    private final int refreshSeconds;
    private final Clock clock;
    private FlowHealth health;
    private java.util.function.Function<List<String>, Map<String, FlowSchedules.Next>> schedules = flows -> Map.of();

    /** Each flow's next scheduled run on the page (and in status.json). */
    public StatusPage withSchedules(java.util.function.Function<List<String>, Map<String, FlowSchedules.Next>> next) {
        this.schedules = next;
        return this;
    }

    /** Each flow's verdict and max-lag on the page (and in status.json) from the health checks' own rules. */
    public StatusPage withHealth(FlowHealth flowHealth) {
        this.health = flowHealth;
        return this;
    }

    public StatusPage(Supplier<List<String>> flows, FlowHistory history, Watermarks watermarks, Manifests manifests,
                      Path reportsDir, String chartReport, int days, int refreshSeconds, Clock clock) {
        this.flows = flows;
        this.history = history;
        this.watermarks = watermarks;
        this.manifests = manifests;
        this.reportsDir = reportsDir;
        this.chartReport = chartReport;
        this.days = Math.max(1, days);
        this.refreshSeconds = refreshSeconds;
        this.clock = clock;
    }

    public Status build() {
        Instant now = clock.instant();
        List<String> names = flows.get();
        Map<String, FlowSchedules.Next> next = nextRuns(names);
        List<FlowStatus> flowStatus = names.stream().map(f -> flow(f, now, next.get(f))).toList();
        List<ReportTable> reports = reports();
        return new Status(now, refreshSeconds, flowStatus, recordsPerDay(names, now), chart(reports), reports);
    }

    private Map<String, FlowSchedules.Next> nextRuns(List<String> names) {
        try {
            return schedules.apply(names);
        } catch (RuntimeException e) {
            // The page still renders; the cell says why there is no time.
            Map<String, FlowSchedules.Next> out = new HashMap<>();
            names.forEach(f -> out.put(f, new FlowSchedules.Next(null, null, null, false, "unknown: " + e.getMessage())));
            return out;
        }
    }

    private FlowStatus flow(String flow, Instant now, FlowSchedules.Next next) {
        List<FlowHistory.Run> runs = history.runs(flow);
        runs = runs.subList(0, Math.min(RUNS_SHOWN, runs.size()));
        try {
            Optional<Instant> w = watermarks.watermark(flow);
            return new FlowStatus(flow, w.orElse(null), w.map(x -> Duration.between(x, now).toSeconds()).orElse(null),
                    null, runs, health(flow), next);
        } catch (RuntimeException e) {
            return new FlowStatus(flow, null, null, e.getMessage(), runs, health(flow), next);
        }
    }

    private Health health(String flow) {
        if (health == null) {
            return null;
        }
        FlowHealth.Verdict v = health.verdict(flow);
        FlowHealth.MaxLag max = health.maxLag(flow);
        return new Health(v.up(), v.message(), max.value() == null ? -1 : max.value().toSeconds(), max.key());
    }

    RecordsPerDay recordsPerDay(List<String> flowOrder, Instant now) {
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        LocalDate first = today.minusDays(days - 1L);
        List<LocalDate> axis = first.datesUntil(today.plusDays(1)).toList();
        List<Manifest> found;
        try {
            found = manifests.since(first.atStartOfDay(ZoneOffset.UTC).toInstant());
        } catch (RuntimeException e) {
            return new RecordsPerDay(axis, Map.of(), "run manifests unreadable: " + e.getMessage());
        }
        Map<String, long[]> sums = new HashMap<>();
        for (Manifest m : found) {
            for (Map.Entry<LocalDate, Long> day : m.byDataDay().entrySet()) {
                int i = (int) (day.getKey().toEpochDay() - first.toEpochDay());
                if (i >= 0 && i < axis.size()) {
                    sums.computeIfAbsent(m.flow(), f -> new long[axis.size()])[i] += day.getValue();
                }
            }
        }
        // Flows in pipeline order, then any flow whose route is gone but whose manifests are recent.
        Map<String, List<Long>> series = new LinkedHashMap<>();
        Stream.concat(flowOrder.stream(), sums.keySet().stream().sorted()).filter(sums::containsKey)
                .forEach(f -> series.putIfAbsent(f, java.util.Arrays.stream(sums.get(f)).boxed().toList()));
        return new RecordsPerDay(axis, series, null);
    }

    List<ReportTable> reports() {
        if (!Files.isDirectory(reportsDir)) {
            return List.of();
        }
        List<ReportTable> out = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(reportsDir)) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                Path latest = dir.resolve("latest.csv");
                if (Files.isRegularFile(latest)) {
                    out.add(report(dir.getFileName().toString(), latest));
                }
            }
        } catch (IOException e) {
            out.add(new ReportTable("(reports)", null, List.of(), List.of(), 0, "cannot list " + reportsDir + ": " + e));
        }
        return out;
    }

    private static ReportTable report(String name, Path csv) {
        try {
            Instant updated = Files.getLastModifiedTime(csv).toInstant();
            long size = Files.size(csv);
            if (size > MAX_CSV_BYTES) {
                return new ReportTable(name, updated, List.of(), List.of(), 0, "latest.csv is " + size / 1024
                        + " KiB, too big to show here: open " + csv.toAbsolutePath());
            }
            List<List<String>> all = Tables.parseCsv(Files.readString(csv, StandardCharsets.UTF_8));
            if (all.isEmpty()) {
                return new ReportTable(name, updated, List.of(), List.of(), 0, null);
            }
            List<List<String>> rows = all.subList(1, all.size());
            return new ReportTable(name, updated, all.get(0), List.copyOf(rows.subList(0, Math.min(MAX_ROWS, rows.size()))),
                    rows.size(), null);
        } catch (IOException | RuntimeException e) {
            return new ReportTable(name, null, List.of(), List.of(), 0, "cannot read " + csv + ": " + e.getMessage());
        }
    }

    BarChart chart(List<ReportTable> reports) {
        ReportTable t = reports.stream().filter(r -> r.name().equals(chartReport)).findFirst().orElse(null);
        if (t == null) {
            return new BarChart(chartReport, null, null, null, List.of(), "no result yet: the report has not run");
        }
        if (t.problem() != null) {
            return new BarChart(chartReport, null, null, t.updated(), List.of(), t.problem());
        }
        int value = column(t.columns(), VALUE_COLUMN);
        int label = LABEL_COLUMNS.stream().mapToInt(c -> column(t.columns(), c)).filter(i -> i >= 0).findFirst().orElse(-1);
        if (value < 0 || label < 0) {
            return new BarChart(chartReport, null, null, t.updated(), List.of(), "the report has no " + VALUE_COLUMN
                    + " column and no " + String.join("/", LABEL_COLUMNS) + " column: " + t.columns());
        }
        int id = column(t.columns(), "clientid");
        List<Bar> bars = new ArrayList<>();
        for (List<String> row : t.rows().subList(0, Math.min(MAX_BARS, t.rows().size()))) {
            String name = row.get(label);
            if (name.isBlank() && id >= 0) {
                name = row.get(id); // a client without a name: its id
            }
            bars.add(new Bar(name, number(row.get(value))));
        }
        return new BarChart(chartReport, t.columns().get(label), t.columns().get(value), t.updated(), bars, null);
    }

    private static int column(List<String> columns, String name) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).toLowerCase(Locale.ROOT).equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private static long number(String s) {
        try {
            return Math.round(Double.parseDouble(s.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * The manifests under {@code _manifests/} of the lake's bucket: one listing per call, and only manifests written
     * in the window are fetched, each once (kept by key and ETag until it changes or leaves the window).
     */
    public static final class S3Manifests implements Manifests {
        private static final ObjectMapper JSON = new ObjectMapper();
        private final S3Client s3;
        private final String bucket;
        private final Map<String, Map.Entry<String, Manifest>> cache = new ConcurrentHashMap<>();

        public S3Manifests(S3Client s3, String bucket) {
            this.s3 = s3;
            this.bucket = bucket;
        }

        @Override
        public List<Manifest> since(Instant from) {
            List<Manifest> out = new ArrayList<>();
            Map<String, String> listed = new HashMap<>();
            for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix("_manifests/")).contents()) {
                if (!o.key().endsWith(".json") || o.lastModified().isBefore(from)) {
                    continue;
                }
                listed.put(o.key(), o.eTag());
                Map.Entry<String, Manifest> hit = cache.get(o.key());
                if (hit == null || !hit.getKey().equals(o.eTag())) {
                    hit = Map.entry(o.eTag(), read(o));
                    cache.put(o.key(), hit);
                }
                out.add(hit.getValue());
            }
            cache.keySet().retainAll(listed.keySet());
            return out;
        }

        private Manifest read(S3Object o) {
            try {
                JsonNode m = JSON.readTree(s3.getObjectAsBytes(b -> b.bucket(bucket).key(o.key())).asInputStream());
                // _manifests/<flow>/<interval>.json
                String flow = m.path("flow").asText(o.key().split("/")[1]);
                Instant finished = m.hasNonNull("finished") ? Instant.parse(m.get("finished").asText()) : o.lastModified();
                long records = m.path("records").asLong();
                Instant start = null;
                Instant end = null;
                String[] interval = m.path("interval").asText("").split("/");
                if (interval.length == 2) {
                    try {
                        start = Instant.parse(interval[0]);
                        end = Instant.parse(interval[1]);
                    } catch (java.time.format.DateTimeParseException e) {
                        start = null; // an interval this page cannot read: counted on the day it finished
                        end = null;
                    }
                }
                return new Manifest(flow, finished, records, start, end, partitionDays(m.path("objects"), records));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("manifest " + o.key() + " is not JSON", e);
            }
        }

        /**
         * Records per {@code date=} partition of the table folder whose objects hold all the run's records (the raw
         * records; the flattened tables beside them count rows of their own), empty when there is none.
         */
        static Map<LocalDate, Long> partitionDays(JsonNode objects, long records) {
            Map<String, Map<LocalDate, Long>> byFolder = new HashMap<>();
            for (JsonNode o : objects) {
                java.util.regex.Matcher d = DATE_PARTITION.matcher(o.path("key").asText());
                if (d.find()) {
                    byFolder.computeIfAbsent(d.group(1), f -> new java.util.TreeMap<>())
                            .merge(LocalDate.parse(d.group(2)), o.path("records").asLong(), Long::sum);
                }
            }
            return byFolder.values().stream().filter(days -> records > 0
                    && days.values().stream().mapToLong(Long::longValue).sum() == records).findFirst().orElse(Map.of());
        }

        private static final java.util.regex.Pattern DATE_PARTITION =
                java.util.regex.Pattern.compile("^(.*?)date=(\\d{4}-\\d{2}-\\d{2})/");
    }
}
