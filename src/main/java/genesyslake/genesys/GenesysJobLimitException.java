package genesyslake.genesys;

import java.time.Duration;
import java.util.Optional;

/**
 * Genesys refused a details job submission because the org has as many jobs running as it allows (or the request rate
 * is exceeded): nothing was created, so the flow waits (Retry-After, else its own backoff) and submits again.
 */
public class GenesysJobLimitException extends GenesysApiException {

    private final Duration retryAfter;

    public GenesysJobLimitException(String request, int status, String code, String message, Duration retryAfter) {
        super(request, status, code, message);
        this.retryAfter = retryAfter;
    }

    /** The wait Genesys asked for (its Retry-After header), if it named one. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
