package genesyslake.genesys;

/** An analytics job can no longer be read (expired or deleted): its pages must be fetched again from a new job. */
public final class GenesysJobExpiredException extends RuntimeException {
    public GenesysJobExpiredException(String message) {
        super(message);
    }
}
