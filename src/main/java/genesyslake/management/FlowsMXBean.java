package genesyslake.management;

import java.util.List;
import java.util.Map;

/**
 * Operator triggers, registered as {@code genesyslake:type=Flows}. Intervals are ISO-8601 {@code start/end}
 * (dates or instants); blank means "what the schedule would do". Every operation returns the run's outcome.
 */
public interface FlowsMXBean {

    List<String> getFlows();

    /** Per flow: the end of the last interval exported completely (ISO instant), or "none". */
    Map<String, String> getWatermarks();

    FlowOutcome runUsageExport();

    FlowOutcome runUsageExportFor(String interval, String granularity);

    FlowOutcome runConversationDetails();

    FlowOutcome runConversationDetailsFor(String interval);

    FlowOutcome runUserDetails();

    FlowOutcome runUserDetailsFor(String interval);

    FlowOutcome runCatalogRefresh();

    /** Runs one report by name (its .sql file name), or all when blank. */
    FlowOutcome runReport(String name);

    /** Runs any flow by id. */
    FlowOutcome runFlow(String flow);

    /** Exports history from..to (dates, end exclusive) in chunks that respect API limits; one outcome for all chunks. */
    FlowOutcome backfill(String flow, String from, String to);
}
