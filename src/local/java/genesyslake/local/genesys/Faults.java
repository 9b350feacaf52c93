package genesyslake.local.genesys;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** Faults a test can inject into the local Genesys Cloud; thread-safe, all cleared by {@link #reset()}. */
public final class Faults {

    private final AtomicInteger failUsage = new AtomicInteger();
    private final AtomicBoolean usageNeverCompletes = new AtomicBoolean();
    private final AtomicInteger throttle = new AtomicInteger();
    private volatile int throttleRetryAfter = 1;
    private final AtomicInteger serverErrors = new AtomicInteger();
    private volatile int serverErrorStatus = 503;
    private final AtomicInteger unauthorized = new AtomicInteger();
    private final AtomicInteger expireAfterPages = new AtomicInteger(-1);
    private final java.util.concurrent.ConcurrentLinkedQueue<String> jobFailures =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final AtomicInteger requestsPerMinute;
    private final AtomicInteger refuseJobs = new AtomicInteger();
    private final AtomicBoolean jobsQueued = new AtomicBoolean();
    private final int defaultRequestsPerMinute;

    Faults(int requestsPerMinute) {
        this.defaultRequestsPerMinute = requestsPerMinute;
        this.requestsPerMinute = new AtomicInteger(requestsPerMinute);
    }

    /** The next n usage query executions end Failed. */
    public Faults failNextUsageQueries(int n) {
        failUsage.set(n);
        return this;
    }

    /** Usage executions stay Running forever while set. */
    public Faults usageNeverCompletes(boolean never) {
        usageNeverCompletes.set(never);
        return this;
    }

    /** The next n /api/v2 requests answer 429 with {@code Retry-After: retryAfterSeconds}. */
    public Faults throttleNext(int n, int retryAfterSeconds) {
        throttleRetryAfter = retryAfterSeconds;
        throttle.set(n);
        return this;
    }

    /** The next n /api/v2 requests answer the given 5xx status. */
    public Faults serverErrorNext(int n, int status) {
        serverErrorStatus = status;
        serverErrors.set(n);
        return this;
    }

    /** The next n /api/v2 requests answer 401 even with a valid token. */
    public Faults unauthorizedNext(int n) {
        unauthorized.set(n);
        return this;
    }

    /** After this many result pages of a job the job is EXPIRED; negative = never. */
    public Faults expireJobsAfterPages(int pages) {
        expireAfterPages.set(pages);
        return this;
    }

    /**
     * The next analytics details job submitted (conversations or users) ends FAILED with this errorMessage in its
     * status, after the usual QUEUED polls; call again to fail more jobs, one message each, in order.
     */
    public Faults failNextJob(String errorMessage) {
        if (errorMessage == null || errorMessage.isBlank()) {
            throw new IllegalArgumentException("a FAILED job carries an errorMessage");
        }
        jobFailures.add(errorMessage);
        return this;
    }

    /**
     * The next n analytics details job submissions are refused as at the org's limit on jobs at once (as if other
     * clients of the org held every slot), whatever local.genesys.max-running-jobs says.
     */
    public Faults refuseNextJobs(int n) {
        refuseJobs.set(n);
        return this;
    }

    /**
     * While set, every analytics details job answers QUEUED to its polls (an org whose jobs wait behind others'), so a
     * test decides when a run may go on; once cleared, jobs go on as usual.
     */
    public Faults jobsQueued(boolean queued) {
        jobsQueued.set(queued);
        return this;
    }

    /** Per-token limit over a sliding 60 s window; 0 = off. */
    public Faults setRequestsPerMinute(int limit) {
        requestsPerMinute.set(limit);
        return this;
    }

    public void reset() {
        failUsage.set(0);
        usageNeverCompletes.set(false);
        throttle.set(0);
        serverErrors.set(0);
        unauthorized.set(0);
        expireAfterPages.set(-1);
        jobFailures.clear();
        refuseJobs.set(0);
        jobsQueued.set(false);
        requestsPerMinute.set(defaultRequestsPerMinute);
    }

    boolean jobsQueued() {
        return jobsQueued.get();
    }

    boolean takeJobRefusal() {
        return takeOne(refuseJobs);
    }

    boolean takeUsageFailure() {
        return takeOne(failUsage);
    }

    boolean usageNeverCompletes() {
        return usageNeverCompletes.get();
    }

    /** Seconds for Retry-After when this request is to be throttled, else -1. */
    int takeThrottle() {
        return takeOne(throttle) ? throttleRetryAfter : -1;
    }

    /** Status to answer when this request is to fail, else -1. */
    int takeServerError() {
        return takeOne(serverErrors) ? serverErrorStatus : -1;
    }

    boolean takeUnauthorized() {
        return takeOne(unauthorized);
    }

    /** The errorMessage for the job being submitted when it is to fail, else null. */
    String takeJobFailure() {
        return jobFailures.poll();
    }

    int expireAfterPages() {
        return expireAfterPages.get();
    }

    int requestsPerMinute() {
        return requestsPerMinute.get();
    }

    private static boolean takeOne(AtomicInteger counter) {
        return counter.getAndUpdate(v -> v > 0 ? v - 1 : 0) > 0;
    }
}
