package genesyslake.genesys;

import java.time.Duration;

/**
 * One request budget for every flow sharing an OAuth client: a token bucket refilled at
 * {@code requestsPerMinute}, plus a shared pause when Genesys answers 429 with Retry-After.
 */
public final class RateGovernor {

    private final double permitsPerNano;
    private final double capacity;
    private double available;
    private long refilledAt = System.nanoTime();
    private long pausedUntil = Long.MIN_VALUE;

    /** @param requestsPerMinute 0 or less switches the budget off (429 pauses still apply) */
    public RateGovernor(int requestsPerMinute) {
        this.permitsPerNano = requestsPerMinute <= 0 ? 0 : requestsPerMinute / 60e9;
        // A small burst; burst + one minute's refill stays under Genesys' 300/min when rpm <= 240.
        this.capacity = requestsPerMinute <= 0 ? 0 : Math.max(1, Math.min(10, requestsPerMinute / 24.0));
        this.available = capacity;
    }

    /** Blocks until a request may be sent. */
    public void acquire() throws InterruptedException {
        while (true) {
            long waitNanos;
            synchronized (this) {
                long now = System.nanoTime();
                if (pausedUntil != Long.MIN_VALUE && now - pausedUntil < 0) {
                    waitNanos = pausedUntil - now;
                } else if (permitsPerNano == 0) {
                    return;
                } else {
                    available = Math.min(capacity, available + (now - refilledAt) * permitsPerNano);
                    refilledAt = now;
                    if (available >= 1) {
                        available -= 1;
                        return;
                    }
                    waitNanos = (long) Math.ceil((1 - available) / permitsPerNano);
                }
            }
            Thread.sleep(Math.max(1, waitNanos / 1_000_000), 0);
        }
    }

    /** Every caller waits at least this long (a 429's Retry-After applies to the whole client). */
    public synchronized void pause(Duration duration) {
        long until = System.nanoTime() + duration.toNanos();
        if (pausedUntil == Long.MIN_VALUE || until - pausedUntil > 0) {
            pausedUntil = until;
        }
    }
}
