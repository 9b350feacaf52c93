package genesyslake.lake;

/**
 * The names the routes (routes/*.camel.yaml) and the Java beans share: exchange properties, headers and bean names,
 * all starting with {@code lake}, declared once here as Camel's components keep theirs (Athena2Constants).
 * LakeNamesTest fails when a route uses a {@code lake…} name this class does not declare, and when Java spells one
 * outside it, so a typo on either side cannot slip in.
 */
public final class LakeNames {

    // --- every flow (lake-upload.camel.yaml, flow-templates.camel.yaml, errors.camel.yaml) ---
    /** Property: the flow's name (its route id), set by the template before lakeRuns.start. */
    public static final String FLOW = "lakeFlow";
    /** Property: the bucket a flow writes to (none: the source bucket). */
    public static final String BUCKET = "lakeBucket";
    /** Header: what started the run (schedule, jmx, once, ...). */
    public static final String TRIGGER = "lakeTrigger";
    /** Header: the interval a run exports (ISO start/end), overriding the one the watermark gives. */
    public static final String INTERVAL = "lakeInterval";
    /** Header: the object key being written (s3-put). */
    public static final String KEY = "lakeKey";
    /** Header: the curated (flattened) object key beside a raw one. */
    public static final String FLAT_KEY = "lakeFlatKey";
    /** Property: the prefix every key of the flow starts with (a template parameter). */
    public static final String KEY_PREFIX = "lakeKeyPrefix";
    /** Header: the partition value of a usage result (hourly, daily, monthly). */
    public static final String PARTITION = "lakePartition";
    /** Property: the run in progress ({@link ExportRun}). */
    public static final String RUN = "lakeRun";
    /** Property: the run's cancel flag ({@link RunCancel}). */
    public static final String CANCEL = "lakeCancel";
    /** Property: the object in hand (a {@link PartitionSpool.LakeObject}), for the dead-letter channel. */
    public static final String OBJECT = "lakeObject";
    /** Property: why a run was abandoned (the error handler's text). */
    public static final String FAILURE = "lakeFailure";
    /** Property: the dead letter whose replay landed its run's last object (its manifest is rewritten). */
    public static final String REPLAYED_LETTER = "lakeReplayedLetter";
    /** Property: whether the run is one a killed process left to publish (the flow's choice: publish, not export). */
    public static final String PUBLISH_ONLY = "lakePublishOnly";
    /** Bean: the runs of every flow ({@link LakeRuns}). */
    public static final String RUNS_BEAN = "lakeRuns";
    /** Bean: the catalog derived from the flows' routes (genesyslake.catalog.LakeCatalog). */
    public static final String CATALOG_BEAN = "lakeCatalog";

    // --- polling a Genesys job (flow-templates.camel.yaml, details-day.camel.yaml) ---
    /** Property: the delay between two polls. */
    public static final String POLL_DELAY = "lakePollDelay";
    /** Property: how long a job may be polled before it counts as stuck. */
    public static final String POLL_MAX_WAIT = "lakePollMaxWait";
    /** Property: when polling gives up (millis since the epoch). */
    public static final String POLL_DEADLINE = "lakePollDeadline";
    /** Property: the page size of a details job's results. */
    public static final String PAGE_SIZE = "lakePageSize";

    // --- usage flows ---
    /** Header: the usage granularity a run asks for. */
    public static final String GRANULARITY = "lakeGranularity";
    /** Property: the usage query files (queries/usage/*.json) of the flow. */
    public static final String QUERY_FILES = "lakeQueryFiles";
    /** Property: the usage request in hand, for the log. */
    public static final String USAGE_REQUEST = "lakeUsageRequest";
    /** Property: the spool checkpoint before a usage request, to undo its rows when it fails. */
    public static final String REQUEST_START = "lakeRequestStart";
    /** Property: the run's record count before a usage request. */
    public static final String REQUEST_RECORDS = "lakeRequestRecords";

    // --- details flows (conversation-details, user-details, details-day.camel.yaml) ---
    /** Property: the details kind (conversations, users). */
    public static final String KIND = "lakeKind";
    /** Property: the details query file of the flow. */
    public static final String QUERY_FILE = "lakeQueryFile";
    /** Property: the query in hand (its body, as the job submission sends it). */
    public static final String QUERY = "lakeQuery";
    /** Property: the query's name, for the log. */
    public static final String QUERY_NAME = "lakeQueryName";
    /** Property: the trailing window re-exported on every run. */
    public static final String TRAILING_WINDOW = "lakeTrailingWindow";
    /** Property: how far back a first run starts. */
    public static final String INITIAL_LOOKBACK_DAYS = "lakeInitialLookbackDays";
    /** Property: at most this many days per run. */
    public static final String MAX_DAYS_PER_RUN = "lakeMaxDaysPerRun";
    /** Header: the day in hand (YYYY-MM-DD). */
    public static final String DAY = "lakeDay";
    /** Header: whether the day goes through an async job (true) or the sync query. */
    public static final String BY_JOB = "lakeByJob";
    /** Header: whether a job or query has more pages. */
    public static final String MORE_PAGES = "lakeMorePages";
    /** Header: the total hits the sync query reports. */
    public static final String TOTAL_HITS = "lakeTotalHits";
    /** Property: the record router of the run (which table a record goes to). */
    public static final String ROUTER = "lakeRouter";
    /** Property: the run's query (a DetailsQuery). */
    public static final String RUN_QUERY = "lakeRunQuery";
    /** Property: the spool checkpoint at the day's start. */
    public static final String DAY_START = "lakeDayStart";
    /** Property: the run's record count at the day's start. */
    public static final String DAY_RECORDS = "lakeDayRecords";
    /** Property: when the day started (for its log line). */
    public static final String DAY_T0 = "lakeDayT0";
    /** Property: the page number in hand. */
    public static final String PAGE = "lakePage";
    /** Property: the jobs submitted ahead, by day. */
    public static final String DETAILS_JOBS = "lakeDetailsJobs";
    /** Property: the days a run plans. */
    public static final String DETAILS_PLAN = "lakeDetailsPlan";
    /** Property: the days of the backfill's next chunks, whose jobs this chunk may submit ahead. */
    public static final String DETAILS_NEXT = "lakeDetailsNext";
    /**
     * Header a backfill sets on a chunk's run: the chunks it runs next, in their order (intervals joined by commas),
     * whose first days' jobs this chunk submits while its own last days page, so the window of jobs in flight does not
     * drain at each chunk's end.
     */
    public static final String NEXT_INTERVAL = "lakeNextInterval";
    /** Property: set once Genesys refused a job submitted ahead; no more are submitted ahead until the next day starts. */
    public static final String JOBS_AHEAD_REFUSED = "lakeJobsAheadRefused";
    /** Property: how often the day's own job was refused for the org's limit on jobs at once. */
    public static final String JOB_REFUSALS = "lakeJobRefusals";
    /** Property (route only): until when a refused day's job is submitted again (details.jobs.refused-max-wait). */
    public static final String SUBMIT_DEADLINE = "lakeSubmitDeadline";
    /** Header (route only): how long to wait before submitting a refused job again (DetailsExport.refusedWait). */
    public static final String REFUSED_WAIT = "lakeRefusedWait";
    /** Property: a details run's progress over its days (jobs in flight, ETA): {@link DayProgress}. */
    public static final String DAY_PROGRESS = "lakeDayProgress";

    // --- reference flows ---
    /** Property: the reference entity (users, queues, ...). */
    public static final String REFERENCE_ENTITY = "lakeReferenceEntity";
    /** Property: the snapshot day of a reference run. */
    public static final String SNAPSHOT_DAY = "lakeSnapshotDay";

    // --- catalog and reports ---
    /** Property: when the catalog queue stops waiting. */
    public static final String CATALOG_DEADLINE = "lakeCatalogDeadline";
    /** Property: whether the catalog refresh is done. */
    public static final String CATALOG_DONE = "lakeCatalogDone";
    /** Header and property: the report to run. */
    public static final String REPORT = "lakeReport";
    /** Header: the reports' scope; {@code skipped} runs only the reports skipped for want of a table (athena-report-ready). */
    public static final String REPORT_SCOPE = "lakeReportScope";
    /** Property: the reports that failed. */
    public static final String REPORT_FAILURES = "lakeReportFailures";
    /** Property: the reports' results. */
    public static final String REPORT_RESULTS = "lakeReportResults";

    private LakeNames() {
    }
}
