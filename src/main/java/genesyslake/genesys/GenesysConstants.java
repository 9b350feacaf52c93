package genesyslake.genesys;

import org.apache.camel.spi.Metadata;

/**
 * The message headers of the {@code genesys:} endpoints: what each operation reads and sets (the label names the
 * operations). Routes use them to drive polling and paging; a header named after an endpoint option overrides it for
 * one exchange. Documented for Camel's tooling through {@link Metadata} (see genesys.json and docs/genesys-component.md).
 */
public final class GenesysConstants {

    @Metadata(label = "details-availability details-job details-job-status details-job-results details-query",
            description = "Which detail records, overriding the endpoint's kind option for this exchange: conversations or users.",
            javaType = "String", enums = "conversations,users")
    public static final String KIND = "GenesysKind";
    @Metadata(label = "usage-aggregates-results details-job-results details-query",
            description = "Records per page, overriding the endpoint's pageSize option for this exchange.",
            javaType = "Integer")
    public static final String PAGE_SIZE = "GenesysPageSize";
    @Metadata(label = "details-job details-query", required = true,
            description = "The query interval put into the job or query body: ISO-8601 start/end, e.g. "
                    + "2026-11-01T00:00:00Z/2026-11-02T00:00:00Z.",
            javaType = "String")
    public static final String INTERVAL = "GenesysInterval";
    @Metadata(label = "usage-query usage-results",
            description = "The usage query's execution id: set by usage-query, read by usage-results (required there).",
            javaType = "String")
    public static final String EXECUTION_ID = "GenesysExecutionId";
    @Metadata(label = "usage-query usage-results usage-aggregates-job usage-aggregates-results",
            description = "The usage query's or aggregates job's status as Genesys said it: Running, Complete or Failed "
                    + "(usage-results); Running, Succeeded or Failed (usage-aggregates-results). Cleared by the submitting "
                    + "operations.",
            javaType = "String")
    public static final String QUERY_STATUS = "GenesysQueryStatus";
    @Metadata(label = "usage-results usage-aggregates-results",
            description = "How many result records the answer (or the aggregates page) held.",
            javaType = "long")
    public static final String RECORD_COUNT = "GenesysRecordCount";
    @Metadata(label = "details-availability",
            description = "The instant up to which details jobs can see data (ISO-8601), set by details-availability.",
            javaType = "String")
    public static final String DATA_AVAILABILITY_DATE = "GenesysDataAvailabilityDate";
    @Metadata(label = "usage-aggregates-job usage-aggregates-results details-job details-job-status details-job-results",
            description = "The job's id: set by details-job and usage-aggregates-job, read (required) by "
                    + "details-job-status, details-job-results and usage-aggregates-results.",
            javaType = "String")
    public static final String JOB_ID = "GenesysJobId";
    @Metadata(label = "details-job details-job-status",
            description = "The details job's state, set by details-job-status: QUEUED, PENDING, FULFILLED, FAILED, "
                    + "CANCELLED or EXPIRED (a job Genesys answers 404 for reads as EXPIRED). Cleared by details-job.",
            javaType = "String", enums = "QUEUED,PENDING,FULFILLED,FAILED,CANCELLED,EXPIRED")
    public static final String JOB_STATE = "GenesysJobState";
    @Metadata(label = "details-job-status usage-aggregates-results",
            description = "Genesys' reason for a failed job, set by details-job-status and usage-aggregates-results "
                    + "(none for a job that did not fail).",
            javaType = "String")
    public static final String JOB_ERROR_MESSAGE = "GenesysJobErrorMessage";
    @Metadata(label = "usage-aggregates-job usage-aggregates-results details-job details-job-results",
            description = "The cursor of the page to read (none: the first page), read by details-job-results and "
                    + "usage-aggregates-results; usage-aggregates-results sets the next page's (none after the last). "
                    + "Cleared by the submitting operations.",
            javaType = "String")
    public static final String CURSOR = "GenesysCursor";
    @Metadata(label = "details-query reference-page", defaultValue = "1",
            description = "The page number of the synchronous details query or of a reference listing (1-based).",
            javaType = "Integer")
    public static final String PAGE_NUMBER = "GenesysPageNumber";

    @Metadata(label = "reference-page", required = true,
            description = "The path of the reference listing to read a page of, e.g. /api/v2/users.",
            javaType = "String")
    public static final String REFERENCE_PATH = "GenesysReferencePath";
    @Metadata(label = "reference-page",
            description = "More query parameters of the reference listing, as a query string (e.g. state=any).",
            javaType = "String")
    public static final String REFERENCE_QUERY = "GenesysReferenceQuery";
    @Metadata(label = "reference-page",
            description = "Set by reference-page: the listing's nextUri (none after the last page or when unpaged).",
            javaType = "String")
    public static final String NEXT_URI = "GenesysNextUri";

    private GenesysConstants() {
    }
}
