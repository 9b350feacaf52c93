package genesyslake.genesys;

import java.util.concurrent.atomic.AtomicLong;

/** Counters of what the client did on the wire; exported as metrics and printed by benchmarks. */
public final class GenesysStats {
    public final AtomicLong requests = new AtomicLong();
    public final AtomicLong throttled = new AtomicLong();
    public final AtomicLong serverErrors = new AtomicLong();
    public final AtomicLong ioErrors = new AtomicLong();
    public final AtomicLong retries = new AtomicLong();
    public final AtomicLong tokenRequests = new AtomicLong();
    public final AtomicLong retryWaitMillis = new AtomicLong();

    @Override
    public String toString() {
        return "requests=" + requests + " throttled=" + throttled + " serverErrors=" + serverErrors
                + " ioErrors=" + ioErrors + " retries=" + retries + " tokenRequests=" + tokenRequests;
    }
}
