package genesyslake.management;

import genesyslake.lake.LakeNames;
import genesyslake.lake.ExportRun;
import genesyslake.lake.RunCancel;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.spi.ThreadPoolProfile;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs triggered flows off the caller's thread (a JMX or Jolokia request returns at once with a run id) on a small
 * bounded pool owned by this Camel service, and remembers the last runs for {@code runStatus} / {@code recentRuns}.
 * A trigger for a flow that is running or waiting to run is refused at once, in the status it returns, rather than
 * queued behind it; the flow's route policy ({@link OneRunAtATime}) still guards against any other trigger (a timer).
 * A run can be cancelled ({@link #cancel}): a queued one never starts, a running one stops at its route's next page
 * or day boundary.
 */
public final class FlowRuns extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(FlowRuns.class);

    /** The work of one run; it reports progress through the {@link Progress} it is given. */
    @FunctionalInterface
    public interface Work {
        FlowOutcome run(Progress progress) throws Exception;
    }

    private final CamelContext context;
    private final OneRunAtATime policy;
    private final int threads;
    private final int keep;
    private final Map<String, Run> runs = new LinkedHashMap<>(); // guarded by this; oldest first
    private ExecutorService executor;

    /**
     * @param threads runs at once (different flows); as many more may wait for a thread, beyond that a trigger is refused
     * @param keep    ended runs remembered for runStatus and recentRuns
     */
    public FlowRuns(CamelContext context, OneRunAtATime policy, int threads, int keep) {
        this.context = context;
        this.policy = policy;
        this.threads = Math.max(1, threads);
        this.keep = Math.max(1, keep);
    }

    @Override
    protected void doStart() {
        ThreadPoolProfile profile = new ThreadPoolProfile("FlowRuns");
        profile.setPoolSize(threads);
        profile.setMaxPoolSize(threads);
        profile.setMaxQueueSize(threads);
        profile.setRejectedPolicy(ThreadPoolRejectedPolicy.Abort);
        executor = context.getExecutorServiceManager().newThreadPool(this, "FlowRuns", profile);
    }

    @Override
    protected void doStop() {
        if (executor != null) {
            context.getExecutorServiceManager().shutdownNow(executor);
            executor = null;
        }
        synchronized (this) {
            for (Run r : runs.values()) {
                r.end(null, "the daemon stopped before this run ended");
            }
        }
    }

    /**
     * Starts {@code work} for {@code flow} on the pool and answers at once: queued/running with the run id, or refused
     * (the flow is already running or waiting, or the pool is full, or the service is stopped).
     */
    public synchronized FlowRunStatus start(String flow, String operation, Work work) {
        Run run = new Run(FlowRunner.newTriggerId(), flow, operation);
        String busy = busy(flow);
        if (busy != null) {
            return remember(run.refuse(busy));
        }
        if (executor == null || !isRunAllowed()) {
            return remember(run.refuse("the daemon is not running"));
        }
        remember(run);
        try {
            executor.execute(() -> run.execute(work));
        } catch (RejectedExecutionException e) {
            return remember(run.refuse("too many runs started at once (" + threads + " running, " + threads
                    + " waiting); try again when one has finished"));
        }
        LOG.info("Started {} as run {}", operation, run.id);
        return run.status();
    }

    /** A run that could not start at all (e.g. its input is not valid), remembered like any other. */
    public synchronized FlowRunStatus refused(String flow, String operation, String why) {
        return remember(new Run(FlowRunner.newTriggerId(), flow, operation).refuse(why));
    }

    /** The run's status, or null when no run of that id is remembered. */
    public synchronized FlowRunStatus status(String runId) {
        Run r = runs.get(runId == null ? "" : runId.trim());
        return r == null ? null : r.status();
    }

    /**
     * Asks a run to stop: a queued run ends cancelled at once; a running one is told through the {@link RunCancel} its
     * exchange carries and stops at its route's next page or day boundary (its state turns cancelled then); an ended
     * run is left as it is. Answers the run's status now, or null when no run of that id is remembered.
     */
    public FlowRunStatus cancel(String runId) {
        Run r;
        synchronized (this) {
            r = runs.get(runId == null ? "" : runId.trim());
        }
        if (r == null) {
            return null;
        }
        r.cancel();
        return r.status();
    }

    /** The remembered runs, newest first. */
    public synchronized List<FlowRunStatus> recent() {
        List<FlowRunStatus> out = new ArrayList<>();
        runs.values().forEach(r -> out.add(0, r.status()));
        return out;
    }

    /**
     * Waits for the run to end, at most {@code max} (null: as long as it takes), and answers its outcome; when it is
     * still running then, an outcome that says so, with the run id to poll.
     */
    public FlowOutcome await(FlowRunStatus started, Duration max) throws InterruptedException {
        Run r;
        synchronized (this) {
            r = runs.get(started.getRunId());
        }
        if (r == null) {
            return new FlowOutcome(started.getRunId(), started.getFlow(), false, started.getRecords(),
                    started.getElapsedMillis(), started.getSummary());
        }
        boolean ended = max == null ? await(r) : r.ended.await(max.toMillis(), TimeUnit.MILLISECONDS);
        if (ended) {
            return r.outcome();
        }
        FlowRunStatus now = r.status();
        return new FlowOutcome(r.id, r.flow, false, now.getRecords(), now.getElapsedMillis(), "still running after "
                + max.toSeconds() + " s; poll runStatus(\"" + r.id + "\") for its progress and outcome");
    }

    private static boolean await(Run r) throws InterruptedException {
        r.ended.await();
        return true;
    }

    private String busy(String flow) {
        for (Run r : runs.values()) {
            if (r.flow.equals(flow) && r.status().active()) {
                return flow + " is already running (run " + r.id + ", " + r.operation + "); try again when it has "
                        + "finished, or poll runStatus(\"" + r.id + "\")";
            }
        }
        if (policy != null && policy.isRunning(flow)) {
            return new OneRunAtATime.FlowBusyException(flow).getMessage();
        }
        return null;
    }

    /** Adds (or keeps) the run and forgets the oldest ended runs beyond {@code keep}; answers the run's status. */
    private FlowRunStatus remember(Run run) {
        runs.put(run.id, run);
        int ended = (int) runs.values().stream().filter(r -> !r.status().active()).count();
        var it = runs.values().iterator();
        while (ended > keep && it.hasNext()) {
            if (!it.next().status().active()) {
                it.remove();
                ended--;
            }
        }
        return run.status();
    }

    /**
     * What a run reports while it runs: the flow exchange in flight (for its live record count) and backfill days; and
     * the run's stop request, which each exchange it sends carries.
     */
    public static final class Progress {
        private final RunCancel cancel = new RunCancel();
        private volatile String runId = "";
        private volatile Exchange current;
        private volatile long recordsBefore;
        private volatile int daysDone;
        private volatile int daysTotal;
        /** Days paged within the run in flight and the recent day rate (set on each chunk's exchange). */
        private final genesyslake.lake.DayProgress dayProgress = new genesyslake.lake.DayProgress();

        /** The id this run answers to (startFlow, runStatus, cancelRun): the flow's lake run, its logs and manifest carry it. */
        public String runId() {
            return runId;
        }

        /** The exchange of the flow run now in flight (one per chunk of a backfill); it carries the stop request. */
        public void exchange(Exchange exchange) {
            exchange.setProperty(LakeNames.CANCEL, cancel);
            dayProgress.reset();
            exchange.setProperty(genesyslake.lake.DayProgress.PROPERTY, dayProgress);
            this.current = exchange;
        }

        /** Whether cancelRun asked this run to stop. */
        public boolean cancelled() {
            return cancel.isRequested();
        }

        /** A backfill of this many days. */
        public void days(int total) {
            this.daysTotal = total;
        }

        /** A chunk ended: records and days done so far, over all chunks. */
        public void chunkDone(long records, int days) {
            this.recordsBefore = records;
            this.daysDone = days;
            this.current = null;
        }

        /** Days done over all chunks, the chunk in flight's paged days included. */
        int daysDone() {
            return daysDone + (current != null ? dayProgress.done() : 0);
        }

        /** A backfill's days, else the run's own (0 until it has planned them). */
        int daysTotal() {
            return daysTotal > 0 ? daysTotal : dayProgress.runDays();
        }

        long records() {
            Exchange ex = current;
            ExportRun run = ex == null ? null : ex.getProperty(LakeNames.RUN, ExportRun.class);
            return recordsBefore + (run == null ? 0 : run.records().get());
        }
    }

    private static final class Run {
        final String id;
        final String flow;
        final String operation;
        final Instant started = Instant.now();
        final long t0 = System.nanoTime();
        final Progress progress = new Progress();
        final CountDownLatch ended = new CountDownLatch(1);
        volatile String state = FlowRunStatus.QUEUED;
        volatile FlowOutcome outcome;
        volatile long millis = -1;

        Run(String id, String flow, String operation) {
            this.id = id;
            this.progress.runId = id;
            this.flow = flow;
            this.operation = operation;
        }

        void execute(Work work) {
            synchronized (this) {
                if (ended.getCount() == 0) {
                    return; // cancelled while it waited for a thread
                }
                state = FlowRunStatus.RUNNING;
            }
            FlowOutcome o;
            try {
                o = work.run(progress);
            } catch (Exception | Error e) {
                LOG.error("Run {} ({}) failed", id, operation, e);
                o = new FlowOutcome(id, flow, false, progress.records(), elapsed(), ExportRun.failure(e));
            }
            end(o, null);
            LOG.info("Run {} ({}) ended {}: {}", id, operation, state, o);
        }

        synchronized void end(FlowOutcome o, String why) {
            if (ended.getCount() == 0) {
                return;
            }
            millis = elapsed();
            outcome = o != null ? o : new FlowOutcome(id, flow, false, progress.records(), millis, why);
            state = outcome.isSuccess() ? FlowRunStatus.SUCCEEDED
                    : progress.cancelled() ? FlowRunStatus.CANCELLED : FlowRunStatus.FAILED;
            ended.countDown();
        }

        synchronized void cancel() {
            if (ended.getCount() == 0) {
                return;
            }
            progress.cancel.request();
            if (FlowRunStatus.QUEUED.equals(state)) {
                end(null, "cancelled before it started");
            }
            LOG.info("Run {} ({}): cancel requested", id, operation);
        }

        Run refuse(String why) {
            millis = 0;
            outcome = new FlowOutcome(id, flow, false, 0, 0, why);
            state = FlowRunStatus.REFUSED;
            ended.countDown();
            LOG.info("Refused {}: {}", operation, why);
            return this;
        }

        FlowOutcome outcome() {
            return outcome;
        }

        long elapsed() {
            return (System.nanoTime() - t0) / 1_000_000;
        }

        FlowRunStatus status() {
            FlowOutcome o = outcome;
            long ms = millis >= 0 ? millis : elapsed();
            long records = o != null ? o.getRecords() : progress.records();
            String summary = o != null ? o.getSummary() : progress.cancelled()
                    ? "cancel requested: the run stops after the page in hand is written and saved" : "";
            boolean live = o == null;
            int done = progress.daysDone();
            return new FlowRunStatus(id, flow, operation, state, records, done, progress.daysTotal(),
                    started.toString(), ms, summary, live ? progress.dayProgress.jobsInFlight() : 0,
                    live ? progress.dayProgress.etaSeconds(progress.daysTotal() - done) : -1);
        }
    }
}
