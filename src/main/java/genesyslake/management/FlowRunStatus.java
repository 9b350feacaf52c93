package genesyslake.management;

import java.beans.ConstructorProperties;

/**
 * Where one run started through {@link FlowRuns} stands: its state, progress so far and, once it has ended, its
 * outcome. An open-type friendly value (strings and numbers), so jconsole and Jolokia read it as plain data.
 * <ul>
 *   <li>state: {@value #QUEUED} (waiting for a run thread), {@value #RUNNING}, {@value #SUCCEEDED}, {@value #FAILED},
 *   {@value #CANCELLED} (stopped by cancelRun between pages: what it exported is saved, and running the same interval
 *   again resumes it), or {@value #REFUSED} (never started: the flow was already running, the input was not valid,
 *   a backfill was larger than lake.backfill.confirm-days without confirm, or too many runs were waiting);</li>
 *   <li>records: records written so far (the final count once ended);</li>
 *   <li>daysDone / daysTotal: days of a details run (for a backfill, of all its chunks) paged so far, of how many;</li>
 *   <li>jobsInFlight: details jobs submitted and not yet paged (the day in hand's and those submitted ahead), while it
 *   runs; etaSeconds: the days left at the recent day rate (the last ten days), -1 while unknown or once ended;</li>
 *   <li>started: ISO-8601 instant the run was accepted; elapsedMillis: since then, or its whole length once ended;</li>
 *   <li>summary: what the run came to (the flow's own summary, or why it failed, was cancelled or was refused); blank
 *   while it runs, unless a cancel was asked for and it is finishing the page in hand.</li>
 * </ul>
 */
public final class FlowRunStatus {

    public static final String QUEUED = "queued";
    public static final String RUNNING = "running";
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";
    public static final String REFUSED = "refused";
    public static final String CANCELLED = "cancelled";

    private final String runId;
    private final String flow;
    private final String operation;
    private final String state;
    private final long records;
    private final int daysDone;
    private final int daysTotal;
    private final String started;
    private final long elapsedMillis;
    private final String summary;
    private final int jobsInFlight;
    private final long etaSeconds;

    @ConstructorProperties({"runId", "flow", "operation", "state", "records", "daysDone", "daysTotal", "started",
            "elapsedMillis", "summary", "jobsInFlight", "etaSeconds"})
    public FlowRunStatus(String runId, String flow, String operation, String state, long records, int daysDone,
                         int daysTotal, String started, long elapsedMillis, String summary, int jobsInFlight,
                         long etaSeconds) {
        this.jobsInFlight = jobsInFlight;
        this.etaSeconds = etaSeconds;
        this.runId = runId;
        this.flow = flow;
        this.operation = operation;
        this.state = state;
        this.records = records;
        this.daysDone = daysDone;
        this.daysTotal = daysTotal;
        this.started = started;
        this.elapsedMillis = elapsedMillis;
        this.summary = summary;
    }

    public String getRunId() {
        return runId;
    }

    public String getFlow() {
        return flow;
    }

    /** The operation that started it, with its arguments (e.g. {@code startBackfill(conversation-details, …)}). */
    public String getOperation() {
        return operation;
    }

    public String getState() {
        return state;
    }

    public long getRecords() {
        return records;
    }

    public int getDaysDone() {
        return daysDone;
    }

    public int getDaysTotal() {
        return daysTotal;
    }

    public String getStarted() {
        return started;
    }

    public long getElapsedMillis() {
        return elapsedMillis;
    }

    public String getSummary() {
        return summary;
    }

    public int getJobsInFlight() {
        return jobsInFlight;
    }

    public long getEtaSeconds() {
        return etaSeconds;
    }

    /** Queued or running: not ended yet. */
    public boolean active() {
        return state.equals(QUEUED) || state.equals(RUNNING);
    }

    @Override
    public String toString() {
        return flow + " run " + runId + " " + state + " (" + records + " records"
                + (daysTotal > 0 ? ", " + daysDone + "/" + daysTotal + " days" : "")
                + (active() && jobsInFlight > 0 ? ", " + jobsInFlight + " jobs in flight" : "")
                + (active() && etaSeconds >= 0 ? ", ETA " + etaSeconds + " s" : "") + ", " + elapsedMillis + " ms)"
                + (summary.isEmpty() ? "" : ": " + summary);
    }
}
