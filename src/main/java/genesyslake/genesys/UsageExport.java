package genesyslake.genesys;

import genesyslake.lake.LakeNames;
import genesyslake.lake.ExportRun;
import genesyslake.lake.LakeRuns;
import genesyslake.lake.RawRecords;
import genesyslake.lake.UsageFlattener;
import genesyslake.query.Interval;
import genesyslake.query.QueryFiles;
import genesyslake.query.UsageQuery;
import org.apache.camel.Exchange;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The usage flows' Java steps (routes/usage.camel.yaml declares the flow): plan a run from the query files, and
 * stamp a record's granularity. Submitting, polling, splitting and writing are route steps.
 */
public final class UsageExport {

    /** Header: an explicit interval (ISO start/end) instead of each file's own. */
    public static final String INTERVAL_HEADER = LakeNames.INTERVAL;

    private final LakeRuns runs;
    private final Clock clock;
    private final QueryFiles queryFiles;

    public UsageExport(LakeRuns runs, Clock clock) {
        this(runs, clock, QueryFiles.SHIPPED);
    }

    /** @param queryFiles the folder query files must lie in (lake.queries-dir) */
    public UsageExport(LakeRuns runs, Clock clock, QueryFiles queryFiles) {
        this.runs = runs;
        this.clock = clock;
        this.queryFiles = queryFiles;
    }

    /** Reads and validates the query files of a comma-separated list (at start-up, and at the start of each run). */
    public List<UsageQuery> queries(String files) {
        return files(files).stream().map(f -> queryFiles.usage(Path.of(f), clock)).toList();
    }

    /**
     * Whether the flow's last run (schedule or explicit runs, each their own) was killed while publishing: then that
     * run is taken up again (LakeRuns.resumePublish) and the route publishes it instead of exporting (its choice).
     */
    public boolean resumePublish(Exchange exchange) {
        String intervalText = exchange.getIn().getHeader(INTERVAL_HEADER, String.class);
        return runs.resumePublish(exchange, intervalText == null || intervalText.isBlank() ? null
                : Interval.parse(intervalText, clock));
    }

    /**
     * The requests of one run: every query file of the property {@value LakeNames#QUERY_FILES}, over its own interval or the
     * header {@value #INTERVAL_HEADER}, at its own granularity or the header {@value LakeNames#GRANULARITY}. Starts the
     * run over the span of all of them.
     */
    public List<UsageRequest> plan(Exchange exchange) throws IOException {
        String granularity = exchange.getIn().getHeader(LakeNames.GRANULARITY, String.class);
        String intervalText = exchange.getIn().getHeader(INTERVAL_HEADER, String.class);
        List<UsageRequest> requests = new ArrayList<>();
        // Each file on its own: a bad one is reported (the run fails, naming it) and the others still run.
        List<UsageQuery> queries = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        for (String file : files(exchange.getProperty(LakeNames.QUERY_FILES, String.class))) {
            try {
                queries.add(queryFiles.usage(Path.of(file), clock));
            } catch (IllegalArgumentException e) {
                bad.add(e.getMessage());
            }
        }
        if (queries.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", bad));
        }
        for (UsageQuery query : queries) {
            // A granularity picks the files of that granularity: running a file at another one would put a second
            // row shape into that granularity's partition.
            if (granularity != null && !granularity.isBlank() && !query.granularity().equalsIgnoreCase(granularity.trim())) {
                continue;
            }
            Interval interval = intervalText != null && !intervalText.isBlank()
                    ? Interval.parse(intervalText, clock) : query.resolve(clock);
            requests.add(new UsageRequest(query, interval));
        }
        if (requests.isEmpty()) {
            throw new IllegalArgumentException("no usage query file has granularity '" + granularity + "' (files: "
                    + queries.stream().map(q -> q.file() + " " + q.granularity()).toList()
                    + "); add a query file with that granularity, or leave the granularity out");
        }
        Interval span = new Interval(requests.stream().map(r -> r.interval().start()).min(Instant::compareTo).orElseThrow(),
                requests.stream().map(r -> r.interval().end()).max(Instant::compareTo).orElseThrow());
        ExportRun run = runs.start(exchange, span);
        requests.forEach(r -> run.query(r.query().file().toString(), r.query().hash()));
        bad.forEach(run::failed);
        return requests;
    }

    /** Marks where one request's records start, so a request that fails leaves none of them behind. */
    public void beginRequest(Exchange exchange) throws IOException {
        ExportRun run = exchange.getProperty(LakeNames.RUN, ExportRun.class);
        exchange.setProperty(LakeNames.REQUEST_START, run.spool().checkpoint());
        exchange.setProperty(LakeNames.REQUEST_RECORDS, run.records().get());
    }

    /** One request failed: its records are dropped, the run goes on with the others and is reported failed. */
    public void failedRequest(Exchange exchange) throws IOException {
        ExportRun run = exchange.getProperty(LakeNames.RUN, ExportRun.class);
        run.spool().restore(exchange.getProperty(LakeNames.REQUEST_START, genesyslake.lake.PartitionSpool.Checkpoint.class));
        run.records().set(exchange.getProperty(LakeNames.REQUEST_RECORDS, 0L, Long.class));
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        run.failed(ExportRun.failure(cause));
    }

    private static List<String> files(String list) {
        List<String> files = Arrays.stream(list == null ? new String[0] : list.split(","))
                .map(String::trim).filter(f -> !f.isEmpty()).toList();
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no usage query files are configured (" + LakeNames.QUERY_FILES + " is empty)");
        }
        return files;
    }


    private final ThreadLocal<UsageFlattener> flattener = ThreadLocal.withInitial(UsageFlattener::new);

    /**
     * Appends the record in the body as one NDJSON line under the header lakeKey (as {@code lakeRuns.append}) and its
     * usage_requests row under the header {@value LakeNames#FLAT_KEY}: one step, so a filter around it keeps or drops both.
     */
    public void append(Exchange exchange) throws Exception {
        String key = exchange.getIn().getHeader(LakeNames.FLAT_KEY, String.class);
        if (key == null || key.isBlank()) {
            throw new IllegalStateException("no " + LakeNames.FLAT_KEY + " header: the route must say where usage_requests rows go");
        }
        ExportRun run = exchange.getProperty(LakeNames.RUN, ExportRun.class);
        byte[] record = exchange.getIn().getMandatoryBody(byte[].class);
        // Flattened first: a record that cannot be flattened fails before its raw line is written.
        byte[][] row = new byte[1][];
        flattener.get().flatten(record, 0, record.length, (partition, b, o, l) -> row[0] = java.util.Arrays.copyOfRange(b, o, o + l));
        runs.append(exchange);
        run.spool().append(key, row[0]);
    }

    /** The record in the body with {@code "granularity":"<header lakePartition>"} added, bytes otherwise as sent. */
    public byte[] stampGranularity(Exchange exchange) throws Exception {
        byte[] record = exchange.getIn().getMandatoryBody(byte[].class);
        String partition = exchange.getIn().getHeader(LakeNames.PARTITION, String.class);
        return RawRecords.stampField(record, 0, record.length, "granularity", partition);
    }
}
