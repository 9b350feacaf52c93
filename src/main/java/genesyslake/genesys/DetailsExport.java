package genesyslake.genesys;

import genesyslake.lake.LakeNames;
import genesyslake.config.Durations;
import genesyslake.lake.ExportRun;
import genesyslake.lake.LakeRuns;
import genesyslake.lake.PartitionSpool;
import genesyslake.lake.RunState;
import genesyslake.lake.RawJsonScanner;
import genesyslake.query.DetailsQuery;
import genesyslake.query.QueryFiles;
import genesyslake.query.Interval;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The details flows' Java steps (routes/conversation-details.camel.yaml, user-details.camel.yaml and
 * details-day.camel.yaml declare the flows): plan which whole UTC days a run exports, start each day, write one page
 * of records into their partitions, and save where a day's job stands so a restarted daemon resumes it. Submitting,
 * polling and paging are route steps; this class makes no request and never waits.
 */
public final class DetailsExport {

    private static final Logger LOG = LoggerFactory.getLogger(DetailsExport.class);

    /** A job submitted ahead for the next chunk is taken up only this fresh (a stale one may have expired). */
    static final Duration JOB_AHEAD_KEPT = Duration.ofHours(1);

    /** Lets tests stop a run between pages, as a kill would. */
    public interface PageHook {
        void afterPage(String jobId, int page) throws IOException;
    }

    /** The longest a refused submission waits before it is tried again, when Genesys names no Retry-After. */
    static final Duration MAX_REFUSED_BACKOFF = Duration.ofMinutes(1);

    /** One day of a run: exported by an async job (data available) or by the synchronous query (recent data). */
    public record Day(LocalDate date, boolean byJob, RunState resume) {
        @Override
        public String toString() {
            return date + (byJob ? " by job" : " by query") + (resume != null ? " (resumed)" : "");
        }
    }

    private final LakeRuns runs;
    private final Clock clock;
    private volatile PageHook pageHook = (jobId, page) -> { };
    private volatile long lastLog = System.nanoTime();
    private final Set<String> ownIntervalNoted = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final QueryFiles queryFiles;

    public DetailsExport(LakeRuns runs, Clock clock) {
        this(runs, clock, QueryFiles.SHIPPED);
    }

    /** @param queryFiles the folder query files must lie in (lake.queries-dir) */
    public DetailsExport(LakeRuns runs, Clock clock, QueryFiles queryFiles) {
        this.runs = runs;
        this.clock = clock;
        this.queryFiles = queryFiles;
    }

    public void setPageHook(PageHook hook) {
        this.pageHook = hook;
    }

    static DetailsQuery.Kind kind(Exchange exchange) {
        String kind = exchange.getProperty(LakeNames.KIND, "conversations", String.class).trim().toLowerCase(Locale.ROOT);
        return switch (kind) {
            case "conversations" -> DetailsQuery.Kind.CONVERSATIONS;
            case "users" -> DetailsQuery.Kind.USERS;
            default -> throw new IllegalArgumentException(LakeNames.KIND + " must be conversations or users, was '" + kind + "'");
        };
    }

    /** The flow's query file (property {@value LakeNames#QUERY_FILE}), validated for its kind. */
    public DetailsQuery query(Exchange exchange) {
        return queryFiles.details(Path.of(exchange.getProperty(LakeNames.QUERY_FILE, String.class)), kind(exchange));
    }

    /**
     * Whether the flow's last run (of this same explicit interval, for one) was killed while publishing: then that run
     * is taken up again (LakeRuns.resumePublish) and the route publishes it instead of exporting (its choice).
     */
    public boolean resumePublish(Exchange exchange) {
        String explicit = exchange.getIn().getHeader(LakeNames.INTERVAL, String.class);
        return runs.resumePublish(exchange, explicit == null || explicit.isBlank() ? null : wholeDays(explicit));
    }

    /**
     * The days this run exports, starting (or resuming) the run. Without the header lakeInterval: from the watermark
     * less the trailing window up to the last day jobs can see (header GenesysDataAvailabilityDate), at most
     * {@value LakeNames#MAX_DAYS_PER_RUN} days; a saved in-flight job is resumed first. With it: those whole days.
     */
    public List<Day> plan(Exchange exchange) throws IOException {
        String flow = LakeRuns.flow(exchange);
        DetailsQuery query = query(exchange);
        Message in = exchange.getIn();
        Instant available = OffsetDateTime.parse(in.getHeader(GenesysConstants.DATA_AVAILABILITY_DATE, String.class)).toInstant();
        String explicit = in.getHeader(UsageExport.INTERVAL_HEADER, String.class);
        // An explicit interval resumes only its own saved job (same interval); the schedule only the schedule's.
        Optional<RunState> inFlight = runs.watermarks().inFlight(LakeRuns.stateKey(exchange))
                .filter(st -> explicit == null || explicit.isBlank() || st.interval().equals(
                        wholeDays(explicit).toGenesys()));
        exchange.setProperty(LakeNames.RUN_QUERY, query); // read once: every day of the run uses the same filter
        exchange.setProperty(LakeNames.ROUTER, new LakeRecordRouter(query.kind()));
        exchange.setProperty(LakeNames.QUERY_NAME, query.name());

        List<Day> days = new ArrayList<>();
        if (query.ownInterval().isPresent() && ownIntervalNoted.add(query.file() + " " + query.ownInterval().get())) {
            LOG.info("{}: {} has its own interval {}; the flow exports whole days from its watermark instead. To export "
                    + "that interval, trigger the flow with it (JMX run...For(\"{}\"), or --backfill {} --from/--to)",
                    flow, query.file(), query.ownInterval().get(), query.ownInterval().get(), flow);
        }
        if (inFlight.isPresent() && !inFlight.get().publishing()) {
            RunState state = inFlight.get();
            Interval interval = Interval.parse(state.interval(), clock);
            ExportRun run = runs.resume(exchange, state.runId(), interval, Path.of(state.runDir()), state.checkpoint());
            run.records().set(state.records());
            run.pages().set(state.pages());
            LocalDate resumeDay = LocalDate.parse(state.day());
            boolean paged = state.isPaged();
            if (state.jobs() != null) {
                state.jobs().forEach((d, job) -> {
                    // The resume day's own job too: killed after the jobs were submitted and saved but before the day
                    // polled its own, the state names it only here (jobId not yet set).
                    LocalDate day = LocalDate.parse(d);
                    if (day.isAfter(resumeDay) || day.equals(resumeDay) && !paged) {
                        jobs(exchange).put(d, job); // submitted ahead before the kill: polled again, never resubmitted
                    }
                });
            }
            LOG.info("{}: resuming run {} for {} from day {} (job {}, {}; {} records so far)", flow, run.runId(), interval,
                    resumeDay, state.jobId() == null ? "-" : state.jobId(), paged ? "all its pages were read" : "page "
                            + state.pageOrZero(), run.records().get());
            for (LocalDate d = interval.startDate(); !d.isAfter(interval.lastDate()); d = d.plusDays(1)) {
                if (d.isBefore(resumeDay) || d.equals(resumeDay) && paged) {
                    continue; // already in the spool: paging it again would duplicate it
                }
                days.add(new Day(d, byJob(d, available), d.equals(resumeDay) ? state : null));
            }
        } else {
            Interval interval = planInterval(flow, explicit, available, exchange);
            runs.start(exchange, interval);
            for (LocalDate d = interval.startDate(); !d.isAfter(interval.lastDate()); d = d.plusDays(1)) {
                days.add(new Day(d, byJob(d, available), null));
            }
        }
        ExportRun run = exchange.getProperty(LakeNames.RUN, ExportRun.class);
        run.query(query.file().toString(), query.hash());
        noteChangedQuery(flow, query, days);
        exchange.setProperty(LakeNames.DETAILS_PLAN, List.copyOf(days));
        jobs(exchange); // one map for the whole run: the days' exchanges are copies of this one
        List<Day> next = new ArrayList<>();
        String nextInterval = in.getHeader(LakeNames.NEXT_INTERVAL, String.class);
        if (nextInterval != null && !nextInterval.isBlank()) {
            for (String chunk : nextInterval.split(",")) {
                Interval n = wholeDays(chunk.trim());
                for (LocalDate d = n.startDate(); !d.isAfter(n.lastDate()); d = d.plusDays(1)) {
                    next.add(new Day(d, byJob(d, available), null));
                }
            }
        }
        exchange.setProperty(LakeNames.DETAILS_NEXT, List.copyOf(next));
        takeJobsAhead(exchange, query, days, next);
        java.util.Map<String, String> runJobs = jobs(exchange);
        dayProgress(exchange).startRun(days.size(), runJobs::size);
        return days;
    }

    /**
     * The jobs the previous chunk of a backfill submitted for this run's days (or the next chunk's), with the same
     * query and fresh enough: polled, never submitted again. A day's entry goes when the day is paged.
     */
    private void takeJobsAhead(Exchange exchange, DetailsQuery query, List<Day> days, List<Day> next) {
        java.util.Map<String, genesyslake.lake.JobAhead> ahead = runs.watermarks().jobsAhead(LakeRuns.stateKey(exchange));
        if (ahead.isEmpty()) {
            return;
        }
        Instant freshAfter = clock.instant().minus(JOB_AHEAD_KEPT);
        java.util.Map<String, String> jobs = jobs(exchange);
        int taken = 0;
        ahead.forEach((day, job) -> {
            if (!job.submittedAfter(freshAfter)) {
                runs.watermarks().saveJobAhead(LakeRuns.stateKey(exchange), day, null); // left by a backfill stopped long ago
            }
        });
        for (Day d : concat(days, next)) {
            genesyslake.lake.JobAhead job = ahead.get(d.date().toString());
            if (job != null && d.byJob() && query.hash().equals(job.query()) && job.submittedAfter(freshAfter)
                    && jobs.putIfAbsent(d.date().toString(), job.job()) == null) {
                taken++;
            }
        }
        if (taken > 0) {
            LOG.info("{}: {} job(s) the previous chunk submitted ahead are polled, not submitted again",
                    LakeRuns.flow(exchange), taken);
        }
    }

    /** The run's progress through its days: a backfill's (FlowRuns gives it), else the run's own. */
    private static genesyslake.lake.DayProgress dayProgress(Exchange exchange) {
        genesyslake.lake.DayProgress p = exchange.getProperty(genesyslake.lake.DayProgress.PROPERTY,
                genesyslake.lake.DayProgress.class);
        if (p == null) {
            p = new genesyslake.lake.DayProgress();
            exchange.setProperty(genesyslake.lake.DayProgress.PROPERTY, p);
        }
        return p;
    }

    private static List<Day> concat(List<Day> a, List<Day> b) {
        List<Day> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** Warns when days already in the lake were exported with another query than the one this run uses. */
    private void noteChangedQuery(String flow, DetailsQuery query, List<Day> days) {
        String hash = query.hash();
        List<String> now = days.stream().map(d -> d.date().toString()).toList();
        List<String> differ = runs.watermarks().dayQueries(flow).entrySet().stream()
                .filter(e -> !e.getValue().equals(hash) && !now.contains(e.getKey())).map(java.util.Map.Entry::getKey).toList();
        if (!differ.isEmpty()) {
            LOG.warn("{}: {} changed (query hash now {}): {} day(s) in the lake were exported with another query and now "
                    + "differ in filter from the days this run exports: {}. Re-export them (--backfill {} --from {} --to "
                    + "<day after {}>) to make the lake consistent", flow, query.file(), hash, differ.size(),
                    differ.size() > 10 ? differ.subList(0, 5) + " … " + differ.subList(differ.size() - 5, differ.size()) : differ,
                    flow, differ.get(0), differ.get(differ.size() - 1));
        }
        runs.watermarks().recordDayQueries(flow, now, hash, 1000);
    }

    private Interval wholeDays(String explicit) {
        Interval asked = Interval.parse(explicit, clock);
        return Interval.of(asked.startDate(), asked.lastDate().plusDays(1));
    }

    private static boolean byJob(LocalDate day, Instant available) {
        return !day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().isAfter(available);
    }

    /** Which whole days to export: explicit, or from the watermark (less the trailing window) to the last available day. */
    private Interval planInterval(String flow, String explicit, Instant available, Exchange exchange) {
        if (explicit != null && !explicit.isBlank()) {
            return wholeDays(explicit);
        }
        Duration trailing = Durations.parse(exchange.getProperty(LakeNames.TRAILING_WINDOW, "0", String.class));
        int lookback = exchange.getProperty(LakeNames.INITIAL_LOOKBACK_DAYS, 1, Integer.class);
        int maxDays = Math.max(1, exchange.getProperty(LakeNames.MAX_DAYS_PER_RUN, 7, Integer.class));
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        LocalDate lastAvailableEnd = LocalDate.ofInstant(available, ZoneOffset.UTC); // exclusive end of full days
        if (lastAvailableEnd.isAfter(today)) {
            lastAvailableEnd = today;
        }
        LocalDate start = runs.watermarks().watermark(flow)
                .map(w -> LocalDate.ofInstant(w.minus(trailing), ZoneOffset.UTC))
                .orElse(today.minusDays(lookback));
        if (!start.isBefore(lastAvailableEnd)) {
            // Nothing new has become available: re-pull the last available day (it may have been reprocessed).
            start = lastAvailableEnd.minusDays(1);
        }
        LocalDate end = start.plusDays(maxDays);
        if (end.isAfter(lastAvailableEnd)) {
            end = lastAvailableEnd;
        }
        return Interval.of(start, end);
    }

    /**
     * Starts one day (the body, a {@link Day}): headers lakeDay, lakeByJob, GenesysInterval, and for a resumed day its
     * job, cursor and page. Returns the flow's query, which the route keeps as the property lakeQuery.
     */
    public DetailsQuery beginDay(Exchange exchange) throws Exception {
        Day day = exchange.getIn().getMandatoryBody(Day.class);
        ExportRun run = exchange.getProperty(LakeNames.RUN, ExportRun.class);
        Message in = exchange.getIn();
        in.setHeader(LakeNames.DAY, day.date().toString());
        in.setHeader(LakeNames.BY_JOB, day.byJob());
        in.setHeader(GenesysConstants.INTERVAL, Interval.of(day.date(), day.date().plusDays(1)).toGenesys());
        in.setHeader(LakeNames.MORE_PAGES, true);
        in.setHeader(GenesysConstants.PAGE_NUMBER, 1);
        RunState resume = day.resume();
        if (resume != null) {
            in.setHeader(GenesysConstants.JOB_ID, resume.jobId());
            if (resume.jobId() != null) {
                jobs(exchange).put(day.date().toString(), resume.jobId());
            }
            in.setHeader(GenesysConstants.CURSOR, resume.cursor());
            exchange.setProperty(LakeNames.PAGE, resume.pageOrZero());
            exchange.setProperty(LakeNames.DAY_START, resume.dayStart());
        } else {
            in.removeHeaders("Genesys(JobId|JobState|Cursor)");
            exchange.setProperty(LakeNames.PAGE, 0);
            exchange.setProperty(LakeNames.DAY_START, run.spool().checkpoint());
        }
        exchange.setProperty(LakeNames.DAY_RECORDS, run.records().get());
        exchange.setProperty(LakeNames.DAY_T0, System.nanoTime());
        exchange.removeProperty(LakeNames.JOB_REFUSALS);
        return exchange.getProperty(LakeNames.RUN_QUERY, DetailsQuery.class);
    }

    /**
     * Writes one page (the body, a {@link GenesysPage}) as it streams: each record to its day's raw table, its
     * flattened rows to theirs, under the key template in the header lakeKey. Sets GenesysCursor (job pages) or the next
     * GenesysPageNumber (query pages), and lakeMorePages.
     */
    public void page(Exchange exchange) throws Exception {
        GenesysPage page = exchange.getIn().getMandatoryBody(GenesysPage.class);
        ExportRun run = exchange.getProperty(LakeNames.RUN, ExportRun.class);
        LakeRecordRouter router = exchange.getProperty(LakeNames.ROUTER, LakeRecordRouter.class);
        Message in = exchange.getIn();
        LocalDate day = LocalDate.parse(in.getHeader(LakeNames.DAY, String.class));
        LakeRecordRouter.Keys keys = router.keys(in.getHeader(LakeNames.KEY, String.class));
        PartitionSpool spool = run.spool();
        long before = run.records().get();
        long[] seen = {0};
        RawJsonScanner.Result fields;
        try (page) {
            fields = new RawJsonScanner(Set.of(page.recordsField())).scan(page.body(), (buf, off, len) -> {
                seen[0]++;
                if (router.route(spool, keys, day, buf, off, len)) {
                    run.records().incrementAndGet();
                }
            });
        }
        run.pages().incrementAndGet();
        int pageNo = exchange.getProperty(LakeNames.PAGE, 0, Integer.class) + 1;
        exchange.setProperty(LakeNames.PAGE, pageNo);
        if (page.pageNumber() == 0) {
            String cursor = fields.text("cursor");
            in.setHeader(GenesysConstants.CURSOR, cursor);
            in.setHeader(LakeNames.MORE_PAGES, cursor != null);
        } else {
            long total = fields.field("totalHits") != null ? fields.field("totalHits").asLong() : -1;
            in.setHeader(GenesysConstants.PAGE_NUMBER, page.pageNumber() + 1);
            in.setHeader(LakeNames.MORE_PAGES, seen[0] >= page.pageSize()
                    && (total < 0 || (long) page.pageNumber() * page.pageSize() < total));
        }
        progress(exchange, run, router, day, pageNo, run.records().get() - before);
        pageHook.afterPage(in.getHeader(GenesysConstants.JOB_ID, String.class), pageNo);
    }

    /** The number of results of a query page (the body), read from its totalHits; the page itself is discarded. */
    public long totalHits(Exchange exchange) throws Exception {
        GenesysPage page = exchange.getIn().getMandatoryBody(GenesysPage.class);
        RawJsonScanner.Result fields;
        try (page) {
            fields = new RawJsonScanner(Set.of(page.recordsField())).scan(page.body(), (buf, off, len) -> { });
        }
        return fields.field("totalHits") != null ? fields.field("totalHits").asLong() : 0;
    }

    /**
     * The intervals a day is queried in with the synchronous query, which pages at most {@code maxResults} results:
     * the day when its total (header lakeTotalHits) fits, else its hours. Conversations are matched by start time, so
     * hours never return one twice.
     */
    public List<String> slices(Exchange exchange, long maxResults) {
        Message in = exchange.getIn();
        LocalDate day = LocalDate.parse(in.getHeader(LakeNames.DAY, String.class));
        long total = in.getHeader(LakeNames.TOTAL_HITS, 0L, Long.class);
        if (total <= maxResults) {
            return List.of(Interval.of(day, day.plusDays(1)).toGenesys());
        }
        if (kind(exchange) != DetailsQuery.Kind.CONVERSATIONS) {
            throw new GenesysQueryException(in.getHeader(LakeNames.DAY) + ": " + total + " user records, more than the synchronous "
                    + "query pages (" + maxResults + ")");
        }
        LOG.info("{}: {} has {} conversations, more than the synchronous query pages ({}): querying it hour by hour",
                LakeRuns.flow(exchange), day, total, maxResults);
        List<String> hours = new ArrayList<>();
        Instant start = day.atStartOfDay(ZoneOffset.UTC).toInstant();
        for (int h = 0; h < 24; h++) {
            hours.add(new Interval(start.plus(Duration.ofHours(h)), start.plus(Duration.ofHours(h + 1))).toGenesys());
        }
        return hours;
    }

    /**
     * Saves where the day's job stands (job, cursor, page, and whether every page was read) once everything routed so
     * far is on disk; paging goes on meanwhile (the spool's writer saves the state in order, so a saved cursor never
     * runs ahead of the spooled data).
     */
    public void checkpoint(Exchange exchange) throws IOException {
        ExportRun run = exchange.getProperty(LakeNames.RUN, ExportRun.class);
        Message in = exchange.getIn();
        String cursor = in.getHeader(GenesysConstants.CURSOR, String.class);
        int page = exchange.getProperty(LakeNames.PAGE, 0, Integer.class);
        String day = in.getHeader(LakeNames.DAY, String.class);
        String jobId = in.getHeader(GenesysConstants.JOB_ID, String.class);
        java.util.Map<String, String> jobs = new java.util.TreeMap<>(jobs(exchange));
        long records = run.records().get();
        long pages = run.pages().get();
        PartitionSpool.Checkpoint dayStart = exchange.getProperty(LakeNames.DAY_START, PartitionSpool.Checkpoint.class);
        run.spool().checkpoint(committed -> runs.watermarks().saveInFlight(run.stateKey(),
                // After the last page the cursor is null again, as before the first: only "paged" tells them apart.
                RunState.details(run.runId(), run.interval().toGenesys(), run.dir().toAbsolutePath().toString(), day, jobId,
                        cursor, page, page > 0 && cursor == null, records, pages, dayStart, committed, jobs)));
    }

    /** The jobs submitted in this run for days not yet paged (day to job id), shared by the run's exchanges. */
    @SuppressWarnings("unchecked")
    private static java.util.Map<String, String> jobs(Exchange exchange) {
        java.util.Map<String, String> jobs = exchange.getProperty(LakeNames.DETAILS_JOBS, java.util.Map.class);
        if (jobs == null) {
            jobs = new java.util.concurrent.ConcurrentSkipListMap<>();
            exchange.setProperty(LakeNames.DETAILS_JOBS, jobs);
        }
        return jobs;
    }

    /**
     * The days whose jobs to submit now (each a GenesysInterval), so that up to {@code maxInFlight} jobs are in flight:
     * this day (header lakeDay) and the next days of the plan exported by job, in the plan's order, then the first days
     * of the next chunk of a backfill (header {@value #NEXT_INTERVAL_HEADER}), that have none yet.
     * The route submits them one by one ({@link #jobSubmitted} records each before anything polls it).
     */
    public List<String> jobsToSubmit(Exchange exchange, int maxInFlight) {
        java.util.Map<String, String> jobs = jobs(exchange);
        @SuppressWarnings("unchecked")
        List<Day> plan = concat(exchange.getProperty(LakeNames.DETAILS_PLAN, List.of(), List.class),
                exchange.getProperty(LakeNames.DETAILS_NEXT, List.of(), List.class));
        String today = exchange.getIn().getHeader(LakeNames.DAY, String.class);
        exchange.setProperty(LakeNames.JOBS_AHEAD_REFUSED, new java.util.concurrent.atomic.AtomicBoolean()); // shared by the split's parts
        List<String> submit = new ArrayList<>();
        int inFlight = 0;
        boolean from = false;
        for (Day d : plan) {
            from |= d.date().toString().equals(today);
            if (!from || !d.byJob()) {
                continue;
            }
            if (inFlight++ >= Math.max(1, maxInFlight)) {
                break;
            }
            if (!jobs.containsKey(d.date().toString()) && !(d.date().toString().equals(today)
                    && exchange.getIn().getHeader(GenesysConstants.JOB_ID) != null)) {
                submit.add(Interval.of(d.date(), d.date().plusDays(1)).toGenesys());
            }
        }
        return submit;
    }

    /**
     * A job was submitted for the day of the header GenesysInterval (header GenesysJobId): recorded and saved before it
     * is polled. The saved state goes on naming this day's own job (the map's entry for header lakeDay).
     */
    public void jobSubmitted(Exchange exchange) throws IOException {
        Message in = exchange.getIn();
        String day = Interval.parse(in.getHeader(GenesysConstants.INTERVAL, String.class), clock).startDate().toString();
        java.util.Map<String, String> jobs = jobs(exchange);
        String job = in.getHeader(GenesysConstants.JOB_ID, String.class);
        jobs.put(day, job);
        // Saved at once, beside the run's progress (which the spool's writer saves in order, so it may lag a few
        // submissions behind): a kill now leaves at most the job in hand unsaved. The next chunk takes up its days' too.
        runs.watermarks().saveJobAhead(LakeRuns.stateKey(exchange), day, new genesyslake.lake.JobAhead(job,
                exchange.getProperty(LakeNames.RUN_QUERY, DetailsQuery.class).hash(), clock.instant().toString()));
        LOG.info("{}: submitted job {} for {} ({} job(s) in flight)", LakeRuns.flow(exchange),
                in.getHeader(GenesysConstants.JOB_ID), day, jobs.size());
        in.setHeader(GenesysConstants.JOB_ID, jobs.get(in.getHeader(LakeNames.DAY, String.class)));
        checkpoint(exchange);
    }

    /**
     * Genesys refused a job submitted ahead (the caught {@link GenesysJobLimitException}): the org runs as many jobs as
     * it allows, so no further one is submitted ahead now; they are tried again when the next day starts. This day's own
     * job, if it was the one refused, is submitted again by the route until accepted ({@link #refusedWait}).
     */
    public void jobRefused(Exchange exchange) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        java.util.concurrent.atomic.AtomicBoolean refused = exchange.getProperty(LakeNames.JOBS_AHEAD_REFUSED,
                java.util.concurrent.atomic.AtomicBoolean.class);
        if (refused != null) {
            refused.set(true);
        }
        LOG.info("{}: Genesys refused the job for {} ({}); {} job(s) in flight: more are submitted as days are paged",
                LakeRuns.flow(exchange), exchange.getIn().getHeader(GenesysConstants.INTERVAL),
                e == null ? "no reason given" : e.getMessage(), jobs(exchange).size());
    }

    /**
     * How long to wait before submitting this day's refused job again (ms): the Retry-After Genesys named, else the
     * poll delay (property lakePollDelay) doubling with each refusal of the day, at most {@link #MAX_REFUSED_BACKOFF}.
     */
    public long refusedWait(Exchange exchange) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        int n = exchange.getProperty(LakeNames.JOB_REFUSALS, 0, Integer.class) + 1;
        exchange.setProperty(LakeNames.JOB_REFUSALS, n);
        long base = Math.max(1, exchange.getProperty(LakeNames.POLL_DELAY, 2000L, Long.class));
        long wait = e instanceof GenesysJobLimitException limit && limit.retryAfter().isPresent()
                ? limit.retryAfter().get().toMillis()
                : Math.min(MAX_REFUSED_BACKOFF.toMillis(), base << Math.min(n - 1, 20));
        LOG.info("{}: Genesys refused the job for {} ({}; refusal {}): the org runs as many jobs as it allows; "
                + "submitting again in {} ms", LakeRuns.flow(exchange), exchange.getIn().getHeader(LakeNames.DAY),
                e == null ? "no reason given" : e.getMessage(), n, wait);
        return wait;
    }

    /**
     * This day's job (header GenesysJobId) from the jobs submitted ahead, if one was; the state then names this day
     * and its job before it is polled (as a submission would have saved it).
     */
    public void dayJob(Exchange exchange) throws IOException {
        String job = jobs(exchange).get(exchange.getIn().getHeader(LakeNames.DAY, String.class));
        if (job != null && exchange.getIn().getHeader(GenesysConstants.JOB_ID) == null) {
            exchange.getIn().setHeader(GenesysConstants.JOB_ID, job);
            checkpoint(exchange);
        }
    }

    /** A day's records were all read: its curated objects start converting (Parquet) while the next day pages. */
    public void endDay(Exchange exchange) throws IOException {
        ExportRun run = exchange.getProperty(LakeNames.RUN, ExportRun.class);
        Message in = exchange.getIn();
        LakeRecordRouter.Keys keys = exchange.getProperty(LakeNames.ROUTER, LakeRecordRouter.class).keys(in.getHeader(LakeNames.KEY, String.class));
        runs.curated().keysDone(run, java.util.Arrays.asList(keys.flat(), keys.flat2()));
        jobs(exchange).remove(in.getHeader(LakeNames.DAY, String.class)); // paged: the saved "paged" flag covers it from here
        runs.watermarks().saveJobAhead(LakeRuns.stateKey(exchange), in.getHeader(LakeNames.DAY, String.class), null);
        long records = run.records().get() - exchange.getProperty(LakeNames.DAY_RECORDS, 0L, Long.class);
        genesyslake.lake.DayProgress progress = dayProgress(exchange);
        progress.dayDone();
        if (Boolean.TRUE.equals(in.getHeader(LakeNames.BY_JOB, Boolean.class))) {
            LOG.info("{}: day {} done by job {}: {} records in {} pages ({})", run.flow(), in.getHeader(LakeNames.DAY),
                    in.getHeader(GenesysConstants.JOB_ID), records, exchange.getProperty(LakeNames.PAGE), progress.line());
        } else {
            String day = in.getHeader(LakeNames.DAY, String.class);
            run.completeOnlyUntil(LocalDate.parse(day).atStartOfDay(ZoneOffset.UTC).toInstant(), "data of " + day
                    + " is not yet available for jobs; it was exported from the live query and will be re-pulled");
            LOG.info("{}: day {} exported from the live query: {} records in {} pages", run.flow(), day, records,
                    exchange.getProperty(LakeNames.PAGE));
        }
    }

    /** The day's job expired before its last page: drop what it wrote and forget it, so the day starts again. */
    public void restartDay(Exchange exchange) throws IOException {
        ExportRun run = exchange.getProperty(LakeNames.RUN, ExportRun.class);
        run.spool().restore(exchange.getProperty(LakeNames.DAY_START, PartitionSpool.Checkpoint.class));
        run.records().set(exchange.getProperty(LakeNames.DAY_RECORDS, 0L, Long.class));
        jobs(exchange).remove(exchange.getIn().getHeader(LakeNames.DAY, String.class));
        runs.watermarks().saveJobAhead(LakeRuns.stateKey(exchange), exchange.getIn().getHeader(LakeNames.DAY, String.class), null);
        exchange.getIn().removeHeaders("Genesys(JobId|JobState|JobErrorMessage|Cursor)");
        exchange.getIn().setHeader(LakeNames.MORE_PAGES, true);
        exchange.setProperty(LakeNames.PAGE, 0);
    }

    private void progress(Exchange exchange, ExportRun run, LakeRecordRouter router, LocalDate day, int page, long pageRecords) {
        long now = System.nanoTime();
        if (now - lastLog < 10_000_000_000L) {
            return;
        }
        lastLog = now;
        long dayRecords = run.records().get() - exchange.getProperty(LakeNames.DAY_RECORDS, 0L, Long.class);
        double secs = (now - exchange.getProperty(LakeNames.DAY_T0, now, Long.class)) / 1e9;
        // Conversations come sorted by start time, so how far into the day the last one started tells the progress.
        String eta = "";
        Instant last = router.lastConversationStart();
        if (last != null) {
            double done = Duration.between(day.atStartOfDay(ZoneOffset.UTC).toInstant(), last).toMillis() / 86_400_000.0;
            if (done > 0.01 && done < 1) {
                eta = String.format(", %.0f%% of the day, ETA %d s", done * 100, Math.round(secs / done - secs));
            }
        }
        LOG.info("{}: day {}: {} records in {} pages, {} records/s (last page {}){}", run.flow(), day, dayRecords, page,
                Math.round(dayRecords / Math.max(secs, 0.001)), pageRecords, eta);
    }
}
