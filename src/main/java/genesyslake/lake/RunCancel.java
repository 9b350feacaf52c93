package genesyslake.lake;

/**
 * A run's stop request, carried by its exchange as the property {@value #PROPERTY} (one object shared by the
 * exchanges a split makes). {@code cancelRun} sets it; the flows' routes read it between pages and between days
 * ({@code ${exchangeProperty.lakeCancel?.requested}}) and stop there with {@link RunCancelledException}, after the
 * page in hand is written and checkpointed, so the run is left exactly as a kill at that point leaves it.
 */
public final class RunCancel {

    public static final String PROPERTY = "lakeCancel";

    private volatile boolean requested;

    /** Asks the run to stop at its next page or day boundary. */
    public void request() {
        requested = true;
    }

    public boolean isRequested() {
        return requested;
    }
}
