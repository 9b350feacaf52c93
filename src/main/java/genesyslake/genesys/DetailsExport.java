package genesyslake.genesys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import genesyslake.lake.ExportRun;
import genesyslake.lake.LakeRuns;
import genesyslake.lake.PartitionSpool;
import genesyslake.lake.RawJsonScanner;
import genesyslake.query.DetailsQuery;
import genesyslake.query.Interval;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Exports Analytics detail records (conversations or users) for whole UTC days. Days whose data Genesys reports
 * available go through an async job paged by cursor; a day not yet available (recent) goes through the
 * synchronous query and is exported but not claimed complete. Progress (job id, cursor, spool checkpoint) is saved
 * after every page, so a restarted daemon resumes the same job instead of resubmitting.
 */
public final class DetailsExport {

    private static final Logger LOG = LoggerFactory.getLogger(DetailsExport.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SYNC_PAGE_SIZE = 100;

    /** Settings of one details flow. */
    public record Options(Path queryFile, int pageSize, Duration pollDelay, Duration maxWait, Duration trailingWindow,
            int initialLookbackDays, int maxDaysPerRun) {
    }

    /** Lets tests stop a run between pages, as a kill would. */
    public interface PageHook {
        void afterPage(String jobId, int page) throws IOException;
    }

    private final String flow;
    private final DetailsQuery.Kind kind;
    private final GenesysHttp genesys;
    private final LakeRuns runs;
    private final Options options;
    private final Clock clock;
    private final LakeRecordRouter router;
    private volatile PageHook pageHook = (jobId, page) -> { };

    public DetailsExport(String flow, DetailsQuery.Kind kind, GenesysHttp genesys, LakeRuns runs, Options options, Clock clock) {
        this.flow = flow;
        this.kind = kind;
        this.genesys = genesys;
        this.runs = runs;
        this.options = options;
        this.clock = clock;
        this.router = new LakeRecordRouter(kind);
    }

    public void setPageHook(PageHook hook) {
        this.pageHook = hook;
    }

    public DetailsQuery query() {
        return DetailsQuery.load(options.queryFile(), kind);
    }

    /** Runs the export; the header lakeInterval (ISO start/end) picks explicit days (widened to whole days). */
    public ExportRun export(Exchange exchange) throws IOException, InterruptedException {
        DetailsQuery query = query();
        Instant available = availability();
        String explicit = exchange.getIn().getHeader(UsageExport.INTERVAL_HEADER, String.class);
        var inFlight = runs.watermarks().inFlight(flow);

        Interval interval;
        ExportRun run;
        PartitionSpool spool;
        if (inFlight.isPresent() && (explicit == null || explicit.isBlank())) {
            ObjectNode state = inFlight.get();
            interval = Interval.parse(state.get("interval").asText(), clock);
            run = new ExportRun(flow, state.get("runId").asText(), interval, Path.of(state.get("runDir").asText()));
            spool = PartitionSpool.resume(run.dir().resolve("spool"),
                    JSON.treeToValue(state.get("checkpoint"), PartitionSpool.Checkpoint.class));
            run.records().set(state.path("records").asLong());
            run.pages().set(state.path("pages").asLong());
            LOG.info("{}: resuming run {} for {} from day {} (job {}, {} records so far)", flow, run.runId(), interval,
                    state.path("day").asText(), state.path("jobId").asText("-"), run.records().get());
        } else {
            interval = plan(explicit, available);
            run = runs.start(flow, interval);
            spool = new PartitionSpool(run.dir().resolve("spool"));
            inFlight = java.util.Optional.empty();
        }
        exchange.setProperty(ExportRun.PROPERTY, run);

        try {
            exportDays(query, run, spool, interval, available, inFlight);
        } catch (IOException | InterruptedException | RuntimeException e) {
            // Keep what was checkpointed for the next run to resume from; the writer saves its last state first.
            try {
                spool.abandon();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        run.addObjects(spool.finish());
        runs.watermarks().clearInFlight(flow);
        return run;
    }

    private void exportDays(DetailsQuery query, ExportRun run, PartitionSpool spool, Interval interval, Instant available,
            java.util.Optional<ObjectNode> inFlight) throws IOException, InterruptedException {
        LocalDate resumeDay = inFlight.map(s -> LocalDate.parse(s.get("day").asText())).orElse(null);
        for (LocalDate day = interval.startDate(); !day.isAfter(interval.lastDate()); day = day.plusDays(1)) {
            if (resumeDay != null && day.isBefore(resumeDay)) {
                continue;
            }
            Interval dayInterval = Interval.of(day, day.plusDays(1));
            if (!dayInterval.end().isAfter(available)) {
                ObjectNode resume = resumeDay != null && day.equals(resumeDay) ? inFlight.get() : null;
                exportDayByJob(query, run, spool, day, resume);
            } else {
                exportDayBySync(query, run, spool, day);
                run.completeOnlyUntil(dayInterval.start(), "data after " + available
                        + " is not yet available for jobs; day " + day + " was exported from the live query and will be re-pulled");
            }
        }
    }

    /** Which whole days to export: explicit, or from the watermark (minus the trailing window) to the last available day. */
    Interval plan(String explicit, Instant available) {
        if (explicit != null && !explicit.isBlank()) {
            Interval asked = Interval.parse(explicit, clock);
            return Interval.of(asked.startDate(), asked.lastDate().plusDays(1));
        }
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        LocalDate lastAvailableEnd = LocalDate.ofInstant(available, ZoneOffset.UTC); // exclusive end of full days
        if (lastAvailableEnd.isAfter(today)) {
            lastAvailableEnd = today;
        }
        LocalDate start = runs.watermarks().watermark(flow)
                .map(w -> LocalDate.ofInstant(w.minus(options.trailingWindow()), ZoneOffset.UTC))
                .orElse(today.minusDays(options.initialLookbackDays()));
        if (!start.isBefore(lastAvailableEnd)) {
            // Nothing new has become available: re-pull the last available day (it may have been reprocessed).
            start = lastAvailableEnd.minusDays(1);
        }
        LocalDate end = start.plusDays(Math.max(1, options.maxDaysPerRun()));
        if (end.isAfter(lastAvailableEnd)) {
            end = lastAvailableEnd;
        }
        return Interval.of(start, end);
    }

    private Instant availability() {
        JsonNode a = genesys.getJson("/api/v2/analytics/" + kind.path + "/details/jobs/availability", Map.of());
        String date = a.path("dataAvailabilityDate").asText(null);
        if (date == null) {
            throw new GenesysApiException("GET /api/v2/analytics/" + kind.path + "/details/jobs/availability", 200, null,
                    "no dataAvailabilityDate in " + a);
        }
        return java.time.OffsetDateTime.parse(date).toInstant();
    }

    private void exportDayByJob(DetailsQuery query, ExportRun run, PartitionSpool spool, LocalDate day, ObjectNode resume)
            throws IOException, InterruptedException {
        Interval dayInterval = Interval.of(day, day.plusDays(1));
        String base = "/api/v2/analytics/" + kind.path + "/details/jobs";
        PartitionSpool.Checkpoint dayStart = resume != null
                ? JSON.treeToValue(resume.get("dayStart"), PartitionSpool.Checkpoint.class) : spool.checkpoint();
        String jobId = resume != null ? resume.get("jobId").asText() : null;
        String cursor = resume != null && resume.hasNonNull("cursor") ? resume.get("cursor").asText() : null;
        int page = resume != null ? resume.path("page").asInt() : 0;
        boolean resubmitted = false;
        long t0 = System.nanoTime();
        long recordsAtStart = run.records().get();
        while (true) {
            try {
                if (jobId == null) {
                    jobId = genesys.postJson(base, query.jobBody(dayInterval)).path("jobId").asText(null);
                    if (jobId == null) {
                        throw new GenesysApiException("POST " + base, 202, null, "no jobId in the answer");
                    }
                    LOG.info("{}: submitted job {} for {}", flow, jobId, day);
                    saveProgress(run, spool, day, jobId, null, 0, dayStart);
                }
                awaitFulfilled(base, jobId);
                do {
                    Map<String, String> params = new HashMap<>();
                    params.put("pageSize", String.valueOf(options.pageSize()));
                    params.put("cursor", cursor);
                    final String job = jobId;
                    long before = run.records().get();
                    RawJsonScanner.Result fields = genesys.get(base + "/" + jobId + "/results", params,
                            in -> new RawJsonScanner(Set.of(kind.recordsField)).scan(in,
                                    (buf, off, len) -> {
                                        if (router.route(spool, query.name(), day, buf, off, len)) {
                                            run.records().incrementAndGet();
                                        }
                                    }));
                    cursor = fields.text("cursor");
                    page++;
                    run.pages().incrementAndGet();
                    saveProgress(run, spool, day, job, cursor, page, dayStart);
                    progress(run, day, page, run.records().get() - recordsAtStart, t0, run.records().get() - before);
                    pageHook.afterPage(job, page);
                } while (cursor != null);
                LOG.info("{}: day {} done by job {}: {} records in {} pages", flow, day, jobId,
                        run.records().get() - recordsAtStart, page);
                return;
            } catch (JobGoneException | GenesysApiException e) {
                boolean expired = e instanceof JobGoneException || jobState(base, jobId).equals("EXPIRED");
                if (!expired || resubmitted) {
                    throw e instanceof JobGoneException ge ? ge : new GenesysApiException("job " + jobId + " for " + day,
                            e.getMessage(), e);
                }
                resubmitted = true;
                LOG.warn("{}: job {} for {} expired after {} pages; discarding its records and resubmitting once",
                        flow, jobId, day, page);
                spool.restore(dayStart);
                run.records().set(recordsAtStart);
                jobId = null;
                cursor = null;
                page = 0;
            }
        }
    }

    private void awaitFulfilled(String base, String jobId) throws InterruptedException {
        Instant deadline = clock.instant().plus(options.maxWait());
        while (true) {
            String state = jobState(base, jobId);
            switch (state) {
                case "FULFILLED" -> {
                    return;
                }
                case "FAILED", "CANCELLED" -> throw new GenesysApiException("GET " + base + "/" + jobId, 200, null,
                        "job " + jobId + " ended " + state);
                case "EXPIRED" -> throw new JobGoneException("job " + jobId + " expired");
                default -> {
                    if (clock.instant().isAfter(deadline)) {
                        throw new GenesysApiException("GET " + base + "/" + jobId, 200, null, "job " + jobId
                                + " still " + state + " after details.job.poll.max-wait=" + options.maxWait());
                    }
                    Thread.sleep(options.pollDelay().toMillis());
                }
            }
        }
    }

    private String jobState(String base, String jobId) {
        try {
            return genesys.getJson(base + "/" + jobId, Map.of()).path("state").asText("");
        } catch (GenesysApiException e) {
            if (e.status() == 404) {
                return "EXPIRED";
            }
            throw e;
        }
    }

    private void exportDayBySync(DetailsQuery query, ExportRun run, PartitionSpool spool, LocalDate day) {
        Interval dayInterval = Interval.of(day, day.plusDays(1));
        String path = "/api/v2/analytics/" + kind.path + "/details/query";
        long t0 = System.nanoTime();
        long atStart = run.records().get();
        for (int page = 1; ; page++) {
            long before = run.records().get();
            int[] seen = {0};
            RawJsonScanner.Result fields = genesys.post(path, query.pageBody(dayInterval, SYNC_PAGE_SIZE, page),
                    in -> new RawJsonScanner(Set.of(kind.recordsField)).scan(in, (buf, off, len) -> {
                        seen[0]++;
                        if (router.route(spool, query.name(), day, buf, off, len)) {
                            run.records().incrementAndGet();
                        }
                    }));
            run.pages().incrementAndGet();
            long total = fields.field("totalHits") != null ? fields.field("totalHits").asLong() : -1;
            progress(run, day, page, run.records().get() - atStart, t0, run.records().get() - before);
            if (seen[0] < SYNC_PAGE_SIZE || (total >= 0 && (long) page * SYNC_PAGE_SIZE >= total)) {
                return;
            }
        }
    }

    /**
     * Saves where the day's job stands once everything routed so far is on disk; paging goes on meanwhile (the spool's
     * writer saves the state, in order, so a saved cursor never runs ahead of the spooled data).
     */
    private void saveProgress(ExportRun run, PartitionSpool spool, LocalDate day, String jobId, String cursor, int page,
            PartitionSpool.Checkpoint dayStart) throws IOException {
        ObjectNode s = JSON.createObjectNode();
        s.put("runId", run.runId());
        s.put("interval", run.interval().toGenesys());
        s.put("runDir", run.dir().toAbsolutePath().toString());
        s.put("day", day.toString());
        s.put("jobId", jobId);
        s.put("cursor", cursor);
        s.put("page", page);
        s.put("records", run.records().get());
        s.put("pages", run.pages().get());
        s.set("dayStart", JSON.valueToTree(dayStart));
        spool.checkpoint(committed -> {
            s.set("checkpoint", JSON.valueToTree(committed));
            runs.watermarks().saveInFlight(flow, s);
        });
    }

    private long lastLog = System.nanoTime();

    private void progress(ExportRun run, LocalDate day, int page, long dayRecords, long t0, long pageRecords) {
        long now = System.nanoTime();
        if (now - lastLog < 10_000_000_000L) {
            return;
        }
        lastLog = now;
        double secs = (now - t0) / 1e9;
        // Conversations come sorted by start time, so how far into the day the last one started tells the progress.
        String eta = "";
        Instant last = router.lastConversationStart();
        if (last != null) {
            double done = Duration.between(day.atStartOfDay(ZoneOffset.UTC).toInstant(), last).toMillis() / 86_400_000.0;
            if (done > 0.01 && done < 1) {
                eta = String.format(", %.0f%% of the day, ETA %d s", done * 100, Math.round(secs / done - secs));
            }
        }
        LOG.info("{}: day {}: {} records in {} pages, {} records/s (last page {}){}", flow, day, dayRecords, page,
                Math.round(dayRecords / Math.max(secs, 0.001)), pageRecords, eta);
    }

    /** The job can no longer be read (expired or deleted). */
    static final class JobGoneException extends RuntimeException {
        JobGoneException(String message) {
            super(message);
        }
    }
}
