package genesyslake.genesys;

/** A usage query or analytics job that failed, was cancelled or did not finish in time (thrown by the flows' routes). */
public final class GenesysQueryException extends RuntimeException {
    public GenesysQueryException(String message) {
        super(message);
    }
}
