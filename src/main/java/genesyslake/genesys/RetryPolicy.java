package genesyslake.genesys;

import java.time.Duration;

/** How often and how patiently a failed Genesys call is retried (429, 5xx, I/O errors). */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("genesys.retry.max-attempts must be at least 1");
        }
    }

    /** Exponential backoff for the given (1-based) failed attempt, capped at maxBackoff. */
    public Duration backoff(int attempt) {
        long ms = initialBackoff.toMillis() << Math.min(20, Math.max(0, attempt - 1));
        return Duration.ofMillis(Math.min(ms, maxBackoff.toMillis()));
    }
}
