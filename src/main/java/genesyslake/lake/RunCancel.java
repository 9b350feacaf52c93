package genesyslake.lake;

import java.util.function.BooleanSupplier;

/**
 * A run's stop request, carried by its exchange as the property {@value LakeNames#CANCEL} (one object shared by the
 * exchanges a split makes). {@code cancelRun} sets it, and so does the daemon stopping (SIGTERM: every flow's run
 * carries one, given by the flow's route policy); the flows' routes read it between pages and between days
 * ({@code ${exchangeProperty.lakeCancel?.requested}}) and stop there with {@link RunCancelledException}, after the
 * page in hand is written and checkpointed, so the run is left exactly as a kill at that point leaves it: resumable.
 * This is the one place a stop is decided; the routes only ask.
 */
public final class RunCancel {

    private volatile boolean requested;
    private volatile BooleanSupplier stopping = () -> false;

    /** Asks the run to stop at its next page or day boundary. */
    public void request() {
        requested = true;
    }

    /** The daemon is stopping when this says so (Camel's context stopping): the run then stops as if cancelled. */
    public void stopWith(BooleanSupplier daemonStopping) {
        this.stopping = daemonStopping;
    }

    public boolean isRequested() {
        return requested || stopping.getAsBoolean();
    }

    /** The stop comes from the daemon stopping, not from cancelRun. */
    public boolean isStopping() {
        return !requested && stopping.getAsBoolean();
    }
}
