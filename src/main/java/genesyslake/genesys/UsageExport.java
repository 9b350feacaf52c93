package genesyslake.genesys;

import genesyslake.lake.ExportRun;
import genesyslake.lake.LakeRuns;
import genesyslake.lake.RawRecords;
import genesyslake.query.Interval;
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
    public static final String INTERVAL_HEADER = "lakeInterval";
    /** Header: Day, Week or Month instead of each file's own granularity. */
    public static final String GRANULARITY_HEADER = "lakeGranularity";
    /** Exchange property: the comma-separated query files of the flow. */
    public static final String QUERY_FILES = "lakeQueryFiles";

    private final LakeRuns runs;
    private final Clock clock;

    public UsageExport(LakeRuns runs, Clock clock) {
        this.runs = runs;
        this.clock = clock;
    }

    /** Reads and validates the query files of a comma-separated list (at start-up, and at the start of each run). */
    public List<UsageQuery> queries(String files) {
        List<Path> paths = Arrays.stream(files == null ? new String[0] : files.split(","))
                .map(String::trim).filter(f -> !f.isEmpty()).map(Path::of).toList();
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("no usage query files are configured (" + QUERY_FILES + " is empty)");
        }
        return paths.stream().map(f -> UsageQuery.load(f, clock)).toList();
    }

    /**
     * The requests of one run: every query file of the property {@value #QUERY_FILES}, over its own interval or the
     * header {@value #INTERVAL_HEADER}, at its own granularity or the header {@value #GRANULARITY_HEADER}. Starts the
     * run over the span of all of them.
     */
    public List<UsageRequest> plan(Exchange exchange) throws IOException {
        // First finish the upload a killed process left for this flow (schedule or explicit runs, each their own).
        String granularity = exchange.getIn().getHeader(GRANULARITY_HEADER, String.class);
        String intervalText = exchange.getIn().getHeader(INTERVAL_HEADER, String.class);
        if (runs.resumePublish(exchange, intervalText == null || intervalText.isBlank() ? null
                : Interval.parse(intervalText, clock))) {
            return List.of();
        }
        List<UsageRequest> requests = new ArrayList<>();
        List<UsageQuery> queries = queries(exchange.getProperty(QUERY_FILES, String.class));
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
        return requests;
    }

    /** The record in the body with {@code "granularity":"<header lakePartition>"} added, bytes otherwise as sent. */
    public byte[] stampGranularity(Exchange exchange) throws Exception {
        byte[] record = exchange.getIn().getMandatoryBody(byte[].class);
        String partition = exchange.getIn().getHeader("lakePartition", String.class);
        return RawRecords.stampField(record, 0, record.length, "granularity", partition);
    }
}
