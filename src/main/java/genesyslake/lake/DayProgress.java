package genesyslake.lake;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.IntSupplier;

/**
 * How far a details run (or a whole backfill) is through its days: days paged of how many, jobs in flight, and an ETA
 * from the recent day rate (the last {@value #RECENT} days, kept across a backfill's chunks). Shared by the run's
 * exchange (property {@value #PROPERTY}) with the run status (JMX runStatus), the status page and the per-day log line.
 */
public final class DayProgress {

    public static final String PROPERTY = LakeNames.DAY_PROGRESS;
    static final int RECENT = 10;

    private int runDays;
    private int done;
    private IntSupplier jobsInFlight = () -> 0;
    private final Deque<Long> recent = new ArrayDeque<>();

    /** A run (one chunk of a backfill) of this many days starts; its jobs in flight are read from {@code jobs}. */
    public synchronized void startRun(int days, IntSupplier jobs) {
        this.runDays = days;
        this.done = 0;
        this.jobsInFlight = jobs;
    }

    /** Another run is about to start on this progress: nothing of it is done yet. */
    public synchronized void reset() {
        startRun(0, () -> 0);
    }

    public synchronized void dayDone() {
        done++;
        recent.addLast(System.nanoTime());
        while (recent.size() > RECENT) {
            recent.removeFirst();
        }
    }

    public synchronized int done() {
        return done;
    }

    public synchronized int runDays() {
        return runDays;
    }

    public synchronized int jobsInFlight() {
        return jobsInFlight.getAsInt();
    }

    /** Seconds a day took lately, or a negative number before two days are done. */
    public synchronized double secondsPerDay() {
        return recent.size() < 2 ? -1 : (recent.getLast() - recent.getFirst()) / 1e9 / (recent.size() - 1);
    }

    /** Seconds until {@code remaining} more days are done at the recent rate; -1 while unknown. */
    public long etaSeconds(int remaining) {
        double perDay = secondsPerDay();
        return remaining <= 0 ? 0 : perDay < 0 ? -1 : Math.round(perDay * remaining);
    }

    /** e.g. "3 of 7 days, 5 job(s) in flight, ETA 40 s", over {@code doneTotal} of {@code total} days. */
    public String line(int doneTotal, int total) {
        long eta = etaSeconds(total - doneTotal);
        return doneTotal + " of " + total + " days, " + jobsInFlight() + " job(s) in flight"
                + (eta < 0 ? "" : ", ETA " + eta + " s");
    }

    /** This run's own days. */
    public String line() {
        return line(done(), runDays());
    }
}
