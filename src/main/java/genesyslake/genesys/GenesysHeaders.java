package genesyslake.genesys;

/** Message headers the {@code genesys:} endpoints read and set; routes use them to drive polling and paging. */
public final class GenesysHeaders {

    /** In: the query interval (ISO start/end) put into a details query or job body. */
    public static final String INTERVAL = "GenesysInterval";
    /** Out of usage-query, in to usage-results. */
    public static final String EXECUTION_ID = "GenesysExecutionId";
    /** Out of usage-results: Running, Complete or Failed, as Genesys said. */
    public static final String QUERY_STATUS = "GenesysQueryStatus";
    /** Out of usage-results: how many result records the answer held. */
    public static final String RECORD_COUNT = "GenesysRecordCount";
    /** Out of details-availability: the instant up to which jobs can see data. */
    public static final String DATA_AVAILABILITY_DATE = "GenesysDataAvailabilityDate";
    /** Out of details-job, in to details-job-status and details-job-results. */
    public static final String JOB_ID = "GenesysJobId";
    /** Out of details-job-status: QUEUED, PENDING, FULFILLED, FAILED, CANCELLED, EXPIRED (404 reads as EXPIRED). */
    public static final String JOB_STATE = "GenesysJobState";
    /** Out of details-job-status: Genesys' reason for a FAILED job. */
    public static final String JOB_ERROR_MESSAGE = "GenesysJobErrorMessage";
    /** In to details-job-results: the cursor of the page to read (none: the first page). */
    public static final String CURSOR = "GenesysCursor";
    /** In: page size, overriding the endpoint's pageSize option. */
    public static final String PAGE_SIZE = "GenesysPageSize";
    /** In to details-query: the page number (1-based). */
    public static final String PAGE_NUMBER = "GenesysPageNumber";

    private GenesysHeaders() {
    }
}
