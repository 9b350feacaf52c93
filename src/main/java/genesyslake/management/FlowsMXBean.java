package genesyslake.management;

import java.util.List;
import java.util.Map;

/**
 * Operator triggers, registered as {@code genesyslake:type=Flows}. Intervals are ISO-8601 {@code start/end}
 * (dates or instants); blank means "what the schedule would do". The start* operations answer at once with a run id
 * ({@link #runStatus} follows it); the run* operations and {@link #backfill} wait for the outcome, over JMX at most
 * {@code lake.management.sync-timeout}. A trigger for a flow that is running is refused at once. A backfill longer
 * than {@code lake.backfill.confirm-days} is refused unless confirmed (the *Confirmed operations); {@link #cancelRun}
 * stops a run between pages.
 */
@Describe("Triggers the lake's flows and reports their runs")
public interface FlowsMXBean {

    String INTERVAL = "ISO-8601 interval start/end, dates or instants (e.g. 2026-10-01/2026-11-01); blank: what the "
            + "schedule would export";
    String GRANULARITY = "Day, Week or Month: runs only the usage query files of that granularity; blank: all of them";
    String FLOW = "flow id: a route of group export, catalog or report (see the Flows attribute), e.g. usage-export";
    String FROM = "first day, ISO date (e.g. 2026-01-01)";
    String TO = "day after the last, ISO date (end exclusive)";
    String CONFIRM = "true to run a backfill longer than lake.backfill.confirm-days (as --yes on the command line); "
            + "false: such a backfill is refused, saying how long it is";
    String RUN_ID = "the run id a start* or run* operation answered";

    @Describe("The flows, in pipeline order (exports, catalog, reports)")
    List<String> getFlows();

    /** Per flow: the end of the last interval exported completely (ISO instant), or "none". */
    @Describe("Per flow: the end of the last interval exported completely (ISO instant), or none")
    Map<String, String> getWatermarks();

    @Describe("Runs the usage export as its schedule would and waits for the outcome")
    FlowOutcome runUsageExport();

    @Describe("Exports usage for an interval at a granularity and waits for the outcome")
    FlowOutcome runUsageExportFor(@Describe(name = "interval", value = INTERVAL) String interval,
                                  @Describe(name = "granularity", value = GRANULARITY) String granularity);

    @Describe("Runs the conversation details export as its schedule would and waits for the outcome")
    FlowOutcome runConversationDetails();

    @Describe("Exports conversation details for an interval and waits for the outcome")
    FlowOutcome runConversationDetailsFor(@Describe(name = "interval", value = INTERVAL) String interval);

    @Describe("Runs the user details export as its schedule would and waits for the outcome")
    FlowOutcome runUserDetails();

    @Describe("Exports user details for an interval and waits for the outcome")
    FlowOutcome runUserDetailsFor(@Describe(name = "interval", value = INTERVAL) String interval);

    @Describe("Refreshes the Glue/Athena catalog and waits for the outcome")
    FlowOutcome runCatalogRefresh();

    /** Runs one report by name (its .sql file name), or all when blank. */
    @Describe("Runs one Athena report, or all, and waits for the outcome")
    FlowOutcome runReport(@Describe(name = "name", value = "the report's .sql file name without .sql; blank: every "
            + "report") String name);

    /** Runs any flow by id. */
    @Describe("Runs any flow as its schedule would and waits for the outcome")
    FlowOutcome runFlow(@Describe(name = "flow", value = FLOW) String flow);

    /** Exports history from..to (dates, end exclusive) in chunks that respect API limits; one outcome for all chunks. */
    @Describe("Exports history from..to in chunks that respect the API's limits and waits for one outcome for all; "
            + "refused beyond lake.backfill.confirm-days (see backfillConfirmed)")
    FlowOutcome backfill(@Describe(name = "flow", value = FLOW) String flow,
                         @Describe(name = "from", value = FROM) String from,
                         @Describe(name = "to", value = TO) String to);

    /** As {@link #backfill}, and with confirm=true also longer than lake.backfill.confirm-days. */
    @Describe("Exports history from..to in chunks and waits for one outcome; confirm=true runs it even when longer than "
            + "lake.backfill.confirm-days")
    FlowOutcome backfillConfirmed(@Describe(name = "flow", value = FLOW) String flow,
                                  @Describe(name = "from", value = FROM) String from,
                                  @Describe(name = "to", value = TO) String to,
                                  @Describe(name = "confirm", value = CONFIRM) boolean confirm);

    @Describe("Starts a flow as its schedule would and answers at once with its run id (or why it was refused)")
    FlowRunStatus startFlow(@Describe(name = "flow", value = FLOW) String flow);

    @Describe("Starts a flow for an interval and answers at once with its run id (or why it was refused)")
    FlowRunStatus startFlowFor(@Describe(name = "flow", value = FLOW) String flow,
                               @Describe(name = "interval", value = INTERVAL) String interval);

    @Describe("Starts the usage export for an interval at a granularity and answers at once with its run id")
    FlowRunStatus startUsageExportFor(@Describe(name = "interval", value = INTERVAL) String interval,
                                      @Describe(name = "granularity", value = GRANULARITY) String granularity);

    @Describe("Starts a backfill from..to in chunks and answers at once with its run id; runStatus shows days done; "
            + "refused beyond lake.backfill.confirm-days (see startBackfillConfirmed)")
    FlowRunStatus startBackfill(@Describe(name = "flow", value = FLOW) String flow,
                                @Describe(name = "from", value = FROM) String from,
                                @Describe(name = "to", value = TO) String to);

    /** As {@link #startBackfill}, and with confirm=true also longer than lake.backfill.confirm-days. */
    @Describe("Starts a backfill from..to in chunks and answers at once with its run id; confirm=true starts it even "
            + "when longer than lake.backfill.confirm-days")
    FlowRunStatus startBackfillConfirmed(@Describe(name = "flow", value = FLOW) String flow,
                                         @Describe(name = "from", value = FROM) String from,
                                         @Describe(name = "to", value = TO) String to,
                                         @Describe(name = "confirm", value = CONFIRM) boolean confirm);

    /**
     * Stops a queued or running run between pages (never mid-page), leaving it as a kill there would: what it wrote is
     * saved, nothing half-done is published, and running the same interval (or backfill) again resumes it.
     */
    @Describe("Stops a queued or running run between pages and answers its status (cancelled once it has stopped); its "
            + "progress is saved and the same interval or backfill run again resumes it")
    FlowRunStatus cancelRun(@Describe(name = "runId", value = RUN_ID) String runId);

    @Describe("State (queued, running, succeeded, failed, cancelled, refused), progress and outcome of one run")
    FlowRunStatus runStatus(@Describe(name = "runId", value = RUN_ID) String runId);

    @Describe("The last runs, newest first, with their state, progress and outcome")
    List<FlowRunStatus> recentRuns();
}
