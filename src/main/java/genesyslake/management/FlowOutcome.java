package genesyslake.management;

import java.beans.ConstructorProperties;

/**
 * What one triggered run of a flow came to. An open-type friendly value (getters, strings and numbers), so JMX
 * clients without our classes (jconsole, Jolokia over HTTP) read it as plain data.
 */
public final class FlowOutcome {

    private final String runId;
    private final String flow;
    private final boolean success;
    private final long records;
    private final long millis;
    private final String summary;

    @ConstructorProperties({"runId", "flow", "success", "records", "millis", "summary"})
    public FlowOutcome(String runId, String flow, boolean success, long records, long millis, String summary) {
        this.runId = runId;
        this.flow = flow;
        this.success = success;
        this.records = records;
        this.millis = millis;
        this.summary = summary;
    }

    public String getRunId() {
        return runId;
    }

    public String getFlow() {
        return flow;
    }

    public boolean isSuccess() {
        return success;
    }

    public long getRecords() {
        return records;
    }

    public long getMillis() {
        return millis;
    }

    public String getSummary() {
        return summary;
    }

    public boolean success() {
        return success;
    }

    @Override
    public String toString() {
        return (success ? "OK " : "FAILED ") + flow + " run " + runId + " (" + records + " records, " + millis + " ms): " + summary;
    }
}
