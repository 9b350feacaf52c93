package genesyslake.genesys;

import com.fasterxml.jackson.databind.JsonNode;
import genesyslake.lake.ExportRun;
import genesyslake.lake.LakeRuns;
import genesyslake.lake.PartitionSpool;
import genesyslake.lake.RawJsonScanner;
import genesyslake.lake.RawRecords;
import genesyslake.query.Interval;
import genesyslake.query.UsageQuery;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Usage API flow's work: submit the query, poll its results until Complete, and stream every result record
 * (granularity stamped in) into the run's spool under {@code granularity=<g>/}. Each poll is one streaming GET:
 * a Running answer is tiny, a Complete one may be a gigabyte and is never held in memory.
 */
public final class UsageExport {

    private static final Logger LOG = LoggerFactory.getLogger(UsageExport.class);
    public static final String FLOW = "usage-export";
    public static final String INTERVAL_HEADER = "lakeInterval";
    public static final String GRANULARITY_HEADER = "lakeGranularity";

    private final GenesysHttp genesys;
    private final LakeRuns runs;
    private final List<Path> queryFiles;
    private final Duration pollDelay;
    private final Duration maxWait;
    private final Clock clock;
    private volatile boolean stampGranularity = true;

    public UsageExport(GenesysHttp genesys, LakeRuns runs, List<Path> queryFiles, Duration pollDelay, Duration maxWait,
            Clock clock) {
        this.genesys = genesys;
        this.runs = runs;
        this.queryFiles = List.copyOf(queryFiles);
        this.pollDelay = pollDelay;
        this.maxWait = maxWait;
        this.clock = clock;
    }

    /** Whether each record gets the granularity of its query as a field (it always gets the partition folder). */
    public void setStampGranularity(boolean stamp) {
        this.stampGranularity = stamp;
    }

    /** Validates the query files; called at start-up so a bad file is reported before the first tick. */
    public List<UsageQuery> queries() {
        return queryFiles.stream().map(f -> UsageQuery.load(f, clock)).toList();
    }

    /**
     * Runs every usage query of the flow. The headers lakeInterval (ISO start/end) and lakeGranularity override
     * what the files say (JMX triggers and backfills use them).
     */
    public ExportRun export(Exchange exchange) throws IOException, InterruptedException {
        String granularity = exchange.getIn().getHeader(GRANULARITY_HEADER, String.class);
        String intervalText = exchange.getIn().getHeader(INTERVAL_HEADER, String.class);
        List<UsageQuery> queries = new ArrayList<>();
        List<Interval> intervals = new ArrayList<>();
        for (UsageQuery query : queries()) {
            if (granularity != null && !granularity.isBlank()) {
                String g = UsageQuery.GRANULARITIES.stream().filter(x -> x.equalsIgnoreCase(granularity.trim())).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("granularity '" + granularity
                                + "' is not one of Day, Week, Month"));
                query = new UsageQuery(query.file(), query.intervalExpression(), g, query.groupBy(), query.metrics());
            }
            queries.add(query);
            intervals.add(intervalText != null && !intervalText.isBlank() ? Interval.parse(intervalText, clock) : query.resolve(clock));
        }
        Interval span = new Interval(intervals.stream().map(Interval::start).min(Instant::compareTo).orElseThrow(),
                intervals.stream().map(Interval::end).max(Instant::compareTo).orElseThrow());
        ExportRun run = runs.start(FLOW, span);
        exchange.setProperty(ExportRun.PROPERTY, run);
        for (int i = 0; i < queries.size(); i++) {
            exportOne(run, queries.get(i), intervals.get(i), i);
        }
        return run;
    }

    private void exportOne(ExportRun run, UsageQuery query, Interval interval, int index)
            throws IOException, InterruptedException {
        String executionId = submit(query, interval);
        String key = query.objectKey(interval);
        Instant deadline = clock.instant().plus(maxWait);
        int polls = 0;
        while (true) {
            polls++;
            PartitionSpool spool = new PartitionSpool(run.dir().resolve("q" + index + "-poll" + polls));
            RawJsonScanner scanner = new RawJsonScanner(Set.of("results"));
            RawJsonScanner.Result fields = genesys.get("/api/v2/usage/query/" + executionId + "/results", Map.of(),
                    in -> scanner.scan(in, (buf, off, len) -> {
                        if (stampGranularity) {
                            byte[] line = RawRecords.stampField(buf, off, len, "granularity", query.partition());
                            spool.append(key, line, 0, line.length);
                        } else {
                            spool.append(key, buf, off, len);
                        }
                    }));
            String status = fields.text("queryStatus") == null ? "" : fields.text("queryStatus");
            if ("Complete".equalsIgnoreCase(status)) {
                var objects = spool.finish();
                run.addObjects(objects);
                long n = objects.stream().mapToLong(o -> o.records()).sum();
                run.records().addAndGet(n);
                run.pages().incrementAndGet();
                LOG.info("Usage query {} ({} {}, {}) complete after {} polls: {} records", executionId, interval,
                        query.granularity(), query.file(), polls, n);
                return;
            }
            spool.close();
            if ("Failed".equalsIgnoreCase(status)) {
                throw new UsageQueryException("Usage query execution " + executionId + " for " + interval
                        + " ended Failed; nothing was written");
            }
            if (!"Running".equalsIgnoreCase(status)) {
                throw new UsageQueryException("Usage query execution " + executionId + " answered an unexpected "
                        + "queryStatus '" + status + "'; nothing was written");
            }
            if (clock.instant().plus(pollDelay).isAfter(deadline)) {
                throw new UsageQueryException("Usage query execution " + executionId + " for " + interval
                        + " did not complete within usage.poll.max-wait=" + maxWait + " (" + polls
                        + " polls); nothing was written");
            }
            Thread.sleep(pollDelay.toMillis());
        }
    }

    private String submit(UsageQuery query, Interval interval) {
        JsonNode submitted = genesys.postJson("/api/v2/usage/query", query.body(interval));
        String executionId = submitted.path("executionId").asText(null);
        if (executionId == null) {
            throw new UsageQueryException("POST /api/v2/usage/query answered without an executionId: " + submitted);
        }
        LOG.info("Submitted usage query {} for {} ({}, groupBy {}, metrics {})", executionId, interval,
                query.granularity(), query.groupBy(), query.metrics());
        return executionId;
    }

    /** A usage query that failed or timed out. */
    public static final class UsageQueryException extends RuntimeException {
        public UsageQueryException(String message) {
            super(message);
        }
    }
}
