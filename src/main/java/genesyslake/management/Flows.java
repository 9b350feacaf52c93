package genesyslake.management;

import genesyslake.genesys.UsageExport;
import genesyslake.lake.Watermarks;
import genesyslake.query.Interval;
import genesyslake.report.Reports;

import java.time.Clock;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JMX face of {@link FlowRunner}: triggers with optional interval, and backfills in chunks. */
public final class Flows implements FlowsMXBean {

    public static final String OBJECT_NAME = "genesyslake:type=Flows";

    private final FlowRunner runner;
    private final Watermarks watermarks;
    private final int detailsDaysPerChunk;

    public Flows(FlowRunner runner, Watermarks watermarks, int detailsDaysPerChunk) {
        this.runner = runner;
        this.watermarks = watermarks;
        this.detailsDaysPerChunk = Math.max(1, detailsDaysPerChunk);
    }

    @Override
    public List<String> getFlows() {
        return runner.flows();
    }

    @Override
    public Map<String, String> getWatermarks() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String flow : runner.flows()) {
            out.put(flow, watermarks.watermark(flow).map(Object::toString).orElse("none"));
        }
        return out;
    }

    @Override
    public FlowOutcome runUsageExport() {
        return runFlow("usage-export");
    }

    @Override
    public FlowOutcome runUsageExportFor(String interval, String granularity) {
        return withInterval("usage-export", interval, granularity);
    }

    @Override
    public FlowOutcome runConversationDetails() {
        return runFlow("conversation-details");
    }

    @Override
    public FlowOutcome runConversationDetailsFor(String interval) {
        return withInterval("conversation-details", interval, null);
    }

    @Override
    public FlowOutcome runUserDetails() {
        return runFlow("user-details");
    }

    @Override
    public FlowOutcome runUserDetailsFor(String interval) {
        return withInterval("user-details", interval, null);
    }

    @Override
    public FlowOutcome runCatalogRefresh() {
        return runFlow("catalog-refresh");
    }

    @Override
    public FlowOutcome runReport(String name) {
        Map<String, Object> headers = new HashMap<>();
        if (name != null && !name.isBlank()) {
            headers.put(Reports.REPORT_HEADER, name.trim());
        }
        return runner.run("athena-report", headers);
    }

    @Override
    public FlowOutcome runFlow(String flow) {
        return runner.run(flow, Map.of());
    }

    @Override
    public FlowOutcome backfill(String flow, String from, String to) {
        Interval whole;
        try {
            whole = Interval.parse(from + "/" + to, Clock.systemUTC());
        } catch (IllegalArgumentException e) {
            return rejected(flow, "backfill range " + from + ".." + to + " is not valid: " + e.getMessage());
        }
        List<Interval> chunks = chunks(flow, whole);
        long records = 0;
        long millis = 0;
        List<String> done = new ArrayList<>();
        for (Interval chunk : chunks) {
            FlowOutcome o = withInterval(flow, chunk.toGenesys(), null);
            records += o.getRecords();
            millis += o.getMillis();
            if (!o.isSuccess()) {
                return new FlowOutcome(o.getRunId(), flow, false, records, millis, "backfill stopped at " + chunk + " after "
                        + done.size() + " of " + chunks.size() + " chunks: " + o.getSummary());
            }
            done.add(chunk.toString());
        }
        return new FlowOutcome("backfill", flow, true, records, millis, "backfilled " + whole + " in " + chunks.size()
                + " chunks");
    }

    /** Details flows: runs of detailsDaysPerChunk days; usage: calendar months. */
    List<Interval> chunks(String flow, Interval whole) {
        List<Interval> out = new ArrayList<>();
        LocalDate d = whole.startDate();
        LocalDate end = whole.lastDate().plusDays(1);
        while (d.isBefore(end)) {
            LocalDate next = flow.equals("usage-export") ? YearMonth.from(d).plusMonths(1).atDay(1) : d.plusDays(detailsDaysPerChunk);
            if (next.isAfter(end)) {
                next = end;
            }
            out.add(Interval.of(d, next));
            d = next;
        }
        return out;
    }

    private FlowOutcome withInterval(String flow, String interval, String granularity) {
        Map<String, Object> headers = new HashMap<>();
        if (interval != null && !interval.isBlank()) {
            try {
                Interval.parse(interval, Clock.systemUTC());
            } catch (IllegalArgumentException e) {
                return rejected(flow, "interval '" + interval + "' is not valid: " + e.getMessage());
            }
            headers.put(UsageExport.INTERVAL_HEADER, interval.trim());
        }
        if (granularity != null && !granularity.isBlank()) {
            headers.put(UsageExport.GRANULARITY_HEADER, granularity.trim());
        }
        return runner.run(flow, headers);
    }

    private static FlowOutcome rejected(String flow, String why) {
        return new FlowOutcome("-", flow, false, 0, 0, why);
    }
}
