package genesyslake.management;

import genesyslake.lake.LakeNames;
import genesyslake.genesys.UsageExport;
import genesyslake.lake.Watermarks;
import genesyslake.query.Interval;
import genesyslake.report.Reports;

import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JMX face of {@link FlowRunner}: triggers with optional interval, and backfills in chunks. Every run goes through
 * {@link FlowRuns} (its own thread, a run id, progress for runStatus, cancelRun); the start* operations answer at
 * once, the run* operations and backfill wait for the outcome: as long as it takes for Java callers
 * ({@code --backfill}), at most the sync timeout for the view registered over JMX ({@link #timeBoxed(Duration)}).
 * A backfill longer than lake.backfill.confirm-days runs only when confirmed ({@link #backfillTooLarge}: the one rule
 * for the command line's --yes and the MBean's confirm argument).
 */
public final class Flows implements FlowsMXBean {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Flows.class);

    public static final String OBJECT_NAME = "genesyslake:type=Flows";

    /** The setting above which a backfill must be confirmed (--yes, or confirm=true over JMX). */
    public static final String CONFIRM_DAYS = "lake.backfill.confirm-days";
    /** How long cancelRun waits for the run to reach its next page when no sync timeout is set. */
    private static final Duration CANCEL_WAIT = Duration.ofSeconds(30);

    private final FlowRunner runner;
    private final Watermarks watermarks;
    private final int detailsDaysPerChunk;
    private final long confirmDays;
    private final FlowRuns runs;
    private final Duration syncWait;

    /** @param confirmDays lake.backfill.confirm-days: a longer backfill runs only when confirmed */
    public Flows(FlowRunner runner, Watermarks watermarks, int detailsDaysPerChunk, long confirmDays, FlowRuns runs) {
        this(runner, watermarks, detailsDaysPerChunk, confirmDays, runs, null);
    }

    private Flows(FlowRunner runner, Watermarks watermarks, int detailsDaysPerChunk, long confirmDays, FlowRuns runs,
                  Duration syncWait) {
        this.runner = runner;
        this.watermarks = watermarks;
        this.detailsDaysPerChunk = Math.max(1, detailsDaysPerChunk);
        this.confirmDays = confirmDays;
        this.runs = runs;
        this.syncWait = syncWait;
    }

    /**
     * The same operations, whose synchronous ones wait at most {@code wait}, then answer the run id and "still
     * running" (the run goes on): what a JMX or HTTP caller gets, so no request holds a thread for a whole run.
     */
    public Flows timeBoxed(Duration wait) {
        return new Flows(runner, watermarks, detailsDaysPerChunk, confirmDays, runs, wait).order(newestFirst);
    }

    public static final String ORDER = "lake.backfill.order";
    /** How many of the next chunks a backfill's chunk may submit jobs ahead for. */
    static final int NEXT_CHUNKS = 64;
    private static final java.time.Instant EPOCH_OF_PROGRESS = java.time.Instant.EPOCH;
    private volatile boolean newestFirst;

    /**
     * Which chunks of a backfill go first (lake.backfill.order): newest-first fills the last weeks' dashboards first
     * while older history streams in; its progress is then the oldest chunk start reached, so a rerun resumes below it.
     */
    public Flows order(String order) {
        return switch (order == null ? "" : order.trim()) {
            case "", "oldest-first" -> order(false);
            case "newest-first" -> order(true);
            default -> throw new IllegalArgumentException(ORDER + " must be newest-first or oldest-first, was '" + order + "'");
        };
    }

    private Flows order(boolean newest) {
        this.newestFirst = newest;
        return this;
    }

    @Override
    public List<String> getFlows() {
        return runner.flows();
    }

    @Override
    public Map<String, String> getWatermarks() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String flow : runner.flows()) {
            out.put(flow, watermarks.watermark(flow).map(Object::toString).orElse("none"));
        }
        return out;
    }

    @Override
    public FlowOutcome runUsageExport() {
        return sync(startFlow("usage-export"));
    }

    @Override
    public FlowOutcome runUsageExportFor(String interval, String granularity) {
        return sync(withInterval("runUsageExportFor", "usage-export", interval, granularity));
    }

    @Override
    public FlowOutcome runConversationDetails() {
        return sync(startFlow("conversation-details"));
    }

    @Override
    public FlowOutcome runConversationDetailsFor(String interval) {
        return sync(withInterval("runConversationDetailsFor", "conversation-details", interval, null));
    }

    @Override
    public FlowOutcome runUserDetails() {
        return sync(startFlow("user-details"));
    }

    @Override
    public FlowOutcome runUserDetailsFor(String interval) {
        return sync(withInterval("runUserDetailsFor", "user-details", interval, null));
    }

    @Override
    public FlowOutcome runCatalogRefresh() {
        return sync(startFlow("catalog-refresh"));
    }

    @Override
    public FlowOutcome runReport(String name) {
        Map<String, Object> headers = new HashMap<>();
        if (name != null && !name.isBlank()) {
            headers.put(LakeNames.REPORT, name.trim());
        }
        return sync(start("runReport(" + (name == null ? "" : name) + ")", "athena-report", headers));
    }

    @Override
    public FlowOutcome runFlow(String flow) {
        return sync(startFlow(flow));
    }

    @Override
    public FlowOutcome backfill(String flow, String from, String to) {
        return sync(backfillRun("backfill", flow, from, to, false, viaJmx(flow, from, to)));
    }

    @Override
    public FlowOutcome backfillConfirmed(String flow, String from, String to, boolean confirm) {
        return sync(backfillRun("backfillConfirmed", flow, from, to, confirm, viaJmx(flow, from, to)));
    }

    @Override
    public FlowRunStatus startFlow(String flow) {
        return start("startFlow(" + flow + ")", flow, Map.of());
    }

    @Override
    public FlowRunStatus startFlowFor(String flow, String interval) {
        return withInterval("startFlowFor", flow, interval, null);
    }

    @Override
    public FlowRunStatus startUsageExportFor(String interval, String granularity) {
        return withInterval("startUsageExportFor", "usage-export", interval, granularity);
    }

    @Override
    public FlowRunStatus startBackfill(String flow, String from, String to) {
        return backfillRun("startBackfill", flow, from, to, false, viaJmx(flow, from, to));
    }

    @Override
    public FlowRunStatus startBackfillConfirmed(String flow, String from, String to, boolean confirm) {
        return backfillRun("startBackfillConfirmed", flow, from, to, confirm, viaJmx(flow, from, to));
    }

    /**
     * Starts a backfill for a Java caller (the command line): as startBackfill, {@code confirm} for a backfill longer
     * than lake.backfill.confirm-days, and {@code howToConfirm} ending the refusal otherwise (e.g. "Add --yes").
     */
    public FlowRunStatus startBackfill(String flow, String from, String to, boolean confirm, String howToConfirm) {
        return backfillRun("backfill", flow, from, to, confirm, howToConfirm);
    }

    /** The outcome of a run started here, once it ends (at once for a refused one). */
    public FlowOutcome outcome(FlowRunStatus started) {
        return sync(started);
    }

    @Override
    public FlowRunStatus runStatus(String runId) {
        FlowRunStatus s = runs.status(runId);
        return s != null ? s : unknown(runId);
    }

    @Override
    public FlowRunStatus cancelRun(String runId) {
        FlowRunStatus now = runs.cancel(runId);
        if (now == null) {
            return unknown(runId);
        }
        if (now.active()) {
            // Give the run the time to reach its next page, so the answer is usually its final status.
            Duration wait = syncWait != null ? syncWait : CANCEL_WAIT;
            try {
                runs.await(now, wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            FlowRunStatus later = runs.status(now.getRunId());
            now = later != null ? later : now;
        }
        return now;
    }

    private static FlowRunStatus unknown(String runId) {
        return new FlowRunStatus(String.valueOf(runId), "-", "-", "unknown", 0, 0, 0, "", 0,
                "no run " + runId + " is remembered (the last runs are kept until a restart)", 0, -1);
    }

    @Override
    public List<FlowRunStatus> recentRuns() {
        return runs.recent();
    }

    /** How an operator confirms a backfill over JMX or Jolokia. */
    private static String viaJmx(String flow, String from, String to) {
        return "To run it, confirm: startBackfillConfirmed(" + flow + ", " + from + ", " + to + ", true) (or "
                + "backfillConfirmed to wait for it); cancelRun(runId) stops it between pages.";
    }

    /**
     * The size guard, one rule for the command line and JMX: why a backfill over {@code whole} must be confirmed (it is
     * longer than lake.backfill.confirm-days: hundreds of chunks and hours of the org's API budget), or null.
     */
    public String backfillTooLarge(Interval whole) {
        long days = days(whole);
        if (days <= confirmDays) {
            return null;
        }
        return "The backfill " + whole.startDate() + ".." + whole.lastDate().plusDays(1) + " is " + days
                + " days, more than " + CONFIRM_DAYS + "=" + confirmDays + ": it runs in chunks and uses the org's API "
                + "budget for a long time.";
    }

    private FlowRunStatus backfillRun(String op, String flow, String from, String to, boolean confirm,
                                      String howToConfirm) {
        String operation = op + "(" + flow + ", " + from + ", " + to + (confirm ? ", confirmed" : "") + ")";
        if (!runner.flows().contains(flow)) {
            return runs.refused(flow, operation, "no such flow; known flows: " + runner.flows());
        }
        Interval whole;
        try {
            whole = Interval.parse(from + "/" + to, Clock.systemUTC());
        } catch (IllegalArgumentException e) {
            return runs.refused(flow, operation, "backfill range " + from + ".." + to + " is not valid: " + e.getMessage());
        }
        String tooLarge = backfillTooLarge(whole);
        if (tooLarge != null && !confirm) {
            return runs.refused(flow, operation, tooLarge + " " + howToConfirm);
        }
        List<Interval> chunks = chunks(flow, whole);
        return runs.start(flow, operation, progress -> backfill(flow, whole, chunks, progress));
    }

    /** The name of a backfill's own state file: which of its chunks are done. */
    public static String progressKey(String flow, Interval whole, boolean newestFirst) {
        return flow + "-backfill-" + whole.label() + (newestFirst ? "-newest-first" : "");
    }

    private FlowOutcome backfill(String flow, Interval whole, List<Interval> chunks, FlowRuns.Progress progress) {
        int totalDays = chunks.stream().mapToInt(Flows::days).sum();
        progress.days(totalDays);
        long records = 0;
        long millis = 0;
        int days = 0;
        int done = 0;
        // Chunks a previous run of the same backfill finished are not exported again.
        String progressKey = progressKey(flow, whole, newestFirst);
        java.util.Optional<java.time.Instant> doneUntil = watermarks.watermark(progressKey);
        boolean newest = newestFirst;
        if (newest) {
            chunks = new ArrayList<>(chunks);
            java.util.Collections.reverse(chunks);
        }
        // Newest first: the progress key's watermark holds how far down from the end is done (whole.end() minus it).
        java.util.Optional<java.time.Instant> doneFrom = !newest ? java.util.Optional.empty() : doneUntil.map(w ->
                whole.end().minus(java.time.Duration.between(EPOCH_OF_PROGRESS, w)));
        long t0 = System.nanoTime();
        int ran = 0;
        for (int i = 0; i < chunks.size(); i++) {
            Interval chunk = chunks.get(i);
            if (newest ? doneFrom.isPresent() && !chunk.start().isBefore(doneFrom.get())
                    : doneUntil.isPresent() && !chunk.end().isAfter(doneUntil.get())) {
                done++;
                days += days(chunk);
                progress.chunkDone(records, days);
                continue;
            }
            if (chunkCompletedBeforeARestart(flow, progressKey, chunk)) {
                // Killed after the chunk's run ended complete but before the line below recorded it: it is done.
                LOG.info("Backfill of {} {}: chunk {} was completed before the restart; not exported again", flow, whole,
                        chunk);
                done++;
                days += days(chunk);
                progress.chunkDone(records, days);
                recordChunkDone(progressKey, whole, chunk, newest);
                continue;
            }
            if (progress.cancelled()) {
                // Stopped (cancelRun, SIGTERM) right after a chunk: no further chunk starts.
                return new FlowOutcome("backfill", flow, false, records, millis, "backfill cancelled before " + chunk
                        + " after " + done + " of " + chunks.size() + " chunks (" + days + " of " + totalDays
                        + " days published); start the same backfill again to resume it");
            }
            Map<String, Object> headers = new HashMap<>();
            headers.put(UsageExport.INTERVAL_HEADER, chunk.toGenesys());
            if (i + 1 < chunks.size()) {
                // A details chunk submits the next chunks' first jobs while its own last days page (as many as
                // details.jobs.max-in-flight allows, which may be more than a chunk's days).
                // The next 64 chunks at most: more days than any window of jobs in flight, without a century-long
                // backfill handing each chunk every later one.
                headers.put(genesyslake.lake.LakeNames.NEXT_INTERVAL, String.join(",",
                        chunks.subList(i + 1, Math.min(chunks.size(), i + 1 + NEXT_CHUNKS)).stream()
                                .map(Interval::toGenesys).toList()));
            }
            watermarks.chunkStarted(progressKey, chunk.label());
            FlowOutcome o = runner.run(flow, headers, FlowRunner.newTriggerId(), progress::exchange);
            records += o.getRecords();
            millis += o.getMillis();
            if (!o.isSuccess()) {
                progress.chunkDone(records, days);
                if (progress.cancelled()) {
                    // The chunk's saved job and spool stay: the same backfill run again resumes inside this chunk.
                    return new FlowOutcome(o.getRunId(), flow, false, records, millis, "backfill cancelled in " + chunk
                            + " after " + done + " of " + chunks.size() + " chunks (" + days + " of " + totalDays
                            + " days published, " + records + " records read): " + o.getSummary()
                            + "; start the same backfill again to resume it");
                }
                return new FlowOutcome(o.getRunId(), flow, false, records, millis, "backfill stopped at " + chunk + " after "
                        + done + " of " + chunks.size() + " chunks: " + o.getSummary());
            }
            done++;
            ran++;
            days += days(chunk);
            progress.chunkDone(records, days);
            recordChunkDone(progressKey, whole, chunk, newest);
            double perChunk = (System.nanoTime() - t0) / 1e9 / ran;
            LOG.info("Backfill of {} {}: {} of {} chunks done ({} of {} days, {} records), ETA {} s", flow, whole, done,
                    chunks.size(), days, totalDays, records, Math.round(perChunk * (chunks.size() - done)));
        }
        return new FlowOutcome("backfill", flow, true, records, millis, "backfilled " + whole + " in " + chunks.size()
                + " chunks");
    }

    /**
     * Whether this backfill had started this chunk (noted before its run) and the chunk's run then ended complete
     * (LakeRuns notes the interval in the same write that ends the run): a kill fell between the two records.
     */
    private boolean chunkCompletedBeforeARestart(String flow, String progressKey, Interval chunk) {
        return watermarks.chunkStarted(progressKey).filter(chunk.label()::equals).isPresent()
                && watermarks.lastComplete(genesyslake.lake.LakeRuns.explicitStateKey(flow))
                        .filter(chunk.label()::equals).isPresent();
    }

    private void recordChunkDone(String progressKey, Interval whole, Interval chunk, boolean newest) {
        // A watermark only moves forward: newest first records the distance covered down from the end instead.
        watermarks.chunkDone(progressKey, !newest ? chunk.end()
                : EPOCH_OF_PROGRESS.plus(java.time.Duration.between(chunk.start(), whole.end())));
    }

    private static int days(Interval chunk) {
        return (int) ChronoUnit.DAYS.between(chunk.startDate(), chunk.lastDate().plusDays(1));
    }

    /** Details flows: runs of detailsDaysPerChunk days; usage flows (usage-export, usage-aggregates): calendar months. */
    List<Interval> chunks(String flow, Interval whole) {
        List<Interval> out = new ArrayList<>();
        LocalDate d = whole.startDate();
        LocalDate end = whole.lastDate().plusDays(1);
        while (d.isBefore(end)) {
            LocalDate next = flow.startsWith("usage") ? YearMonth.from(d).plusMonths(1).atDay(1) : d.plusDays(detailsDaysPerChunk);
            if (next.isAfter(end)) {
                next = end;
            }
            out.add(Interval.of(d, next));
            d = next;
        }
        return out;
    }

    private FlowRunStatus withInterval(String op, String flow, String interval, String granularity) {
        // A details interval longer than one run's days goes in chunks, like a backfill (resumable, with progress).
        if (interval != null && !interval.isBlank() && granularity == null && !flow.startsWith("usage")) {
            try {
                Interval asked = Interval.parse(interval, Clock.systemUTC());
                if (days(asked) > detailsDaysPerChunk) {
                    String from = asked.startDate().toString();
                    String to = asked.lastDate().plusDays(1).toString();
                    return backfillRun(op, flow, from, to, false, viaJmx(flow, from, to));
                }
            } catch (IllegalArgumentException e) {
                // reported below, naming the input
            }
        }
        String operation = op + "(" + (op.startsWith("startFlowFor") ? flow + ", " : "") + interval
                + (granularity == null ? "" : ", " + granularity) + ")";
        Map<String, Object> headers = new HashMap<>();
        if (interval != null && !interval.isBlank()) {
            try {
                Interval.parse(interval, Clock.systemUTC());
            } catch (IllegalArgumentException e) {
                return runs.refused(flow, operation, e.getMessage()); // names the interval
            }
            headers.put(UsageExport.INTERVAL_HEADER, interval.trim());
        }
        if (granularity != null && !granularity.isBlank()) {
            headers.put(LakeNames.GRANULARITY, granularity.trim());
        }
        return start(operation, flow, headers);
    }

    private FlowRunStatus start(String operation, String flow, Map<String, Object> headers) {
        if (!runner.flows().contains(flow)) {
            return runs.refused(flow, operation, "no such flow; known flows: " + runner.flows());
        }
        return runs.start(flow, operation, progress -> runner.run(flow, headers, progress.runId(), progress::exchange));
    }

    /** The outcome of a started run: at once when it never started, else when it ends (or syncWait passes). */
    private FlowOutcome sync(FlowRunStatus started) {
        try {
            return runs.await(started, syncWait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new FlowOutcome(started.getRunId(), started.getFlow(), false, 0, 0,
                    "interrupted while waiting; the run goes on: poll runStatus(\"" + started.getRunId() + "\")");
        }
    }
}
