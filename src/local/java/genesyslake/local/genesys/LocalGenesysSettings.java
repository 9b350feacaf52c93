package genesyslake.local.genesys;

/**
 * Settings of the local Genesys Cloud: the same settings always produce the same data (byte for byte).
 *
 * @param port                port to bind on 127.0.0.1; 0 picks a free port
 * @param clientId            the one OAuth client-credentials id accepted by {@code /oauth/token}
 * @param clientSecret        its secret
 * @param oauthClients        how many OAuth clients appear in Usage API data
 * @param conversationsPerDay conversations starting on every UTC day
 * @param users               agents (they take conversations and have presence/routing timelines)
 * @param runningPolls        polls answered Running (usage) or QUEUED then PENDING (jobs, each) before completion
 * @param requestsPerMinute   per-token limit over a sliding 60 s window; 0 = unlimited
 * @param seed                seed of all generated data
 * @param jobLatency          time from submission until an analytics details job is FULFILLED (QUEUED the first
 *                            half, PENDING the second); zero keeps the poll count ({@code runningPolls}) instead
 * @param maxRunningJobs      analytics details jobs the org may have QUEUED or PENDING at once; a submission beyond
 *                            them answers 429 as Genesys does; 0 = no limit
 * @param maxQueryResults     results the synchronous details query pages through at most (pageNumber x pageSize);
 *                            a page beyond answers 400 "Pagination may not exceed N results". Genesys' documented
 *                            limit is {@link #MAX_QUERY_RESULTS}; a test lowers it (with the daemon's
 *                            details.query.max-results) to prove a day beyond it at a fiftieth of the volume
 */
public record LocalGenesysSettings(int port, String clientId, String clientSecret, int oauthClients,
        int conversationsPerDay, int users, int runningPolls, int requestsPerMinute, long seed,
        java.time.Duration jobLatency, int maxRunningJobs, long maxQueryResults) {

    /** Genesys' own cap on the results one synchronous details query pages through. */
    public static final long MAX_QUERY_RESULTS = 100_000;

    public LocalGenesysSettings {
        if (port < 0 || oauthClients < 0 || conversationsPerDay < 0 || users < 0 || runningPolls < 0
                || requestsPerMinute < 0 || maxRunningJobs < 0 || jobLatency == null || jobLatency.isNegative()) {
            throw new IllegalArgumentException("local Genesys settings must not be negative");
        }
        if (maxQueryResults < 1) {
            throw new IllegalArgumentException("the local Genesys' query result cap must be 1 or more");
        }
    }

    /** Genesys' own query result cap. */
    public LocalGenesysSettings(int port, String clientId, String clientSecret, int oauthClients,
            int conversationsPerDay, int users, int runningPolls, int requestsPerMinute, long seed,
            java.time.Duration jobLatency, int maxRunningJobs) {
        this(port, clientId, clientSecret, oauthClients, conversationsPerDay, users, runningPolls, requestsPerMinute,
                seed, jobLatency, maxRunningJobs, MAX_QUERY_RESULTS);
    }

    /** Jobs fulfilled after {@code runningPolls} polls, no limit on jobs at once (as before the two settings). */
    public LocalGenesysSettings(int port, String clientId, String clientSecret, int oauthClients,
            int conversationsPerDay, int users, int runningPolls, int requestsPerMinute, long seed) {
        this(port, clientId, clientSecret, oauthClients, conversationsPerDay, users, runningPolls, requestsPerMinute,
                seed, java.time.Duration.ZERO, 0, MAX_QUERY_RESULTS);
    }

    public LocalGenesysSettings withJobs(java.time.Duration latency, int maxRunning) {
        return new LocalGenesysSettings(port, clientId, clientSecret, oauthClients, conversationsPerDay, users,
                runningPolls, requestsPerMinute, seed, latency, maxRunning, maxQueryResults);
    }

    public static LocalGenesysSettings defaults() {
        return new LocalGenesysSettings(0, "local-client", "local-secret", 40, 500, 40, 2, 0, 42L);
    }

    public LocalGenesysSettings withPort(int newPort) {
        return new LocalGenesysSettings(newPort, clientId, clientSecret, oauthClients, conversationsPerDay, users,
                runningPolls, requestsPerMinute, seed, jobLatency, maxRunningJobs, maxQueryResults);
    }

    public LocalGenesysSettings withConversationsPerDay(int perDay) {
        return new LocalGenesysSettings(port, clientId, clientSecret, oauthClients, perDay, users, runningPolls,
                requestsPerMinute, seed, jobLatency, maxRunningJobs, maxQueryResults);
    }

    public LocalGenesysSettings withRunningPolls(int polls) {
        return new LocalGenesysSettings(port, clientId, clientSecret, oauthClients, conversationsPerDay, users, polls,
                requestsPerMinute, seed, jobLatency, maxRunningJobs, maxQueryResults);
    }

    public LocalGenesysSettings withOauthClients(int clients) {
        return new LocalGenesysSettings(port, clientId, clientSecret, clients, conversationsPerDay, users,
                runningPolls, requestsPerMinute, seed, jobLatency, maxRunningJobs, maxQueryResults);
    }

    public LocalGenesysSettings withMaxQueryResults(long max) {
        return new LocalGenesysSettings(port, clientId, clientSecret, oauthClients, conversationsPerDay, users,
                runningPolls, requestsPerMinute, seed, jobLatency, maxRunningJobs, max);
    }
}
