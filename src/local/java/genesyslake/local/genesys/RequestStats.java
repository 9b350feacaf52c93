package genesyslake.local.genesys;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Counts of what the local Genesys Cloud was asked and answered; endpoint keys read like "GET /api/v2/usage/query/{executionId}/results". */
public final class RequestStats {

    private final AtomicLong total = new AtomicLong();
    private final AtomicLong throttled = new AtomicLong();
    private final AtomicLong serverErrors = new AtomicLong();
    private final AtomicLong unauthorized = new AtomicLong();
    private final Map<String, LongAdder> perEndpoint = new ConcurrentHashMap<>();
    /** Details job submissions refused by the org's limit on jobs at once, and the most ever running together. */
    final AtomicLong jobsRefused = new AtomicLong();
    private final AtomicLong mostJobsRunning = new AtomicLong();

    void jobSubmitted(int runningNow) {
        mostJobsRunning.accumulateAndGet(runningNow, Math::max);
    }

    /** How many analytics details jobs were QUEUED or PENDING together at most (counted at each submission). */
    public long mostJobsRunning() {
        return mostJobsRunning.get();
    }

    public long jobsRefused() {
        return jobsRefused.get();
    }

    void request(String endpoint) {
        total.incrementAndGet();
        perEndpoint.computeIfAbsent(endpoint, k -> new LongAdder()).increment();
    }

    void answered(int status) {
        if (status == 429) {
            throttled.incrementAndGet();
        } else if (status >= 500) {
            serverErrors.incrementAndGet();
        } else if (status == 401) {
            unauthorized.incrementAndGet();
        }
    }

    public long total() {
        return total.get();
    }

    public long count(String endpoint) {
        LongAdder adder = perEndpoint.get(endpoint);
        return adder == null ? 0 : adder.sum();
    }

    /** A sorted snapshot of requests per endpoint. */
    public Map<String, Long> perEndpoint() {
        Map<String, Long> copy = new TreeMap<>();
        perEndpoint.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }

    public long throttled() {
        return throttled.get();
    }

    public long serverErrors() {
        return serverErrors.get();
    }

    public long unauthorized() {
        return unauthorized.get();
    }

    public void reset() {
        total.set(0);
        throttled.set(0);
        serverErrors.set(0);
        unauthorized.set(0);
        jobsRefused.set(0);
        mostJobsRunning.set(0);
        perEndpoint.clear();
    }

    @Override
    public String toString() {
        return "RequestStats{total=" + total() + ", 429=" + throttled() + ", 5xx=" + serverErrors() + ", perEndpoint="
                + perEndpoint() + "}";
    }
}
