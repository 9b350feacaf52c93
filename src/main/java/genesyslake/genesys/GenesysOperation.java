package genesyslake.genesys;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The requests a {@code genesys:} endpoint makes, one per exchange: the endpoint's path, {@code genesys:<operation>}. */
public enum GenesysOperation {
    /** POST /api/v2/usage/query: submits the body; sets GenesysExecutionId. */
    USAGE_QUERY("usage-query"),
    /**
     * GET /api/v2/usage/query/{GenesysExecutionId}/results: sets GenesysQueryStatus; when Complete the body is a file
     * of the result records, one JSON object a line, exactly as sent (deleted when the exchange completes).
     */
    USAGE_RESULTS("usage-results"),
    /** POST /api/v2/usage/aggregates/query/jobs (the Usage API since 2025-03-31): sets GenesysJobId. */
    USAGE_AGGREGATES_JOB("usage-aggregates-job"),
    /**
     * GET /api/v2/usage/aggregates/query/jobs/{GenesysJobId}?pageSize=&amp;after={GenesysCursor}: sets
     * GenesysQueryStatus (Running, Succeeded, Failed), GenesysJobErrorMessage, and for a Succeeded page the body (a
     * file of its entities, one a line, as sent) and GenesysCursor (the next page's, none after the last).
     */
    USAGE_AGGREGATES_RESULTS("usage-aggregates-results"),
    /** GET /api/v2/analytics/{kind}/details/jobs/availability: sets GenesysDataAvailabilityDate. */
    DETAILS_AVAILABILITY("details-availability"),
    /** POST /api/v2/analytics/{kind}/details/jobs with the query body (interval from GenesysInterval): sets GenesysJobId. */
    DETAILS_JOB("details-job"),
    /** GET /api/v2/analytics/{kind}/details/jobs/{GenesysJobId}: sets GenesysJobState and GenesysJobErrorMessage. */
    DETAILS_JOB_STATUS("details-job-status"),
    /** GET .../jobs/{GenesysJobId}/results?cursor={GenesysCursor}&amp;pageSize=: the body is the page, streaming. */
    DETAILS_JOB_RESULTS("details-job-results"),
    /** POST /api/v2/analytics/{kind}/details/query, one page (GenesysPageNumber): the body is the page, streaming. */
    DETAILS_QUERY("details-query"),
    /**
     * GET {GenesysReferencePath}?pageSize=&amp;pageNumber={GenesysPageNumber}&amp;{GenesysReferenceQuery}, one page of
     * a reference listing (users, queues, ...): the body is a file of its entities, one a line, exactly as sent;
     * sets GenesysRecordCount and GenesysNextUri (none after the last page, or for an unpaged listing).
     */
    REFERENCE_PAGE("reference-page");

    final String uriName;

    GenesysOperation(String uriName) {
        this.uriName = uriName;
    }

    /** The name in the URI ({@code genesys:details-job}); also what Camel's tooling lists. */
    @Override
    public String toString() {
        return uriName;
    }

    static GenesysOperation of(String name) {
        return Arrays.stream(values()).filter(o -> o.uriName.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("genesys:" + name + " is not an operation; known: "
                        + Arrays.stream(values()).map(o -> o.uriName).collect(Collectors.joining(", "))));
    }
}
