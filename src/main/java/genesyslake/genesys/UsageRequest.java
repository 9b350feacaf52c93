package genesyslake.genesys;

import genesyslake.query.Interval;
import genesyslake.query.UsageQuery;

/** One usage query of a run over one interval: what the flow submits, and the parts of its object key. */
public record UsageRequest(UsageQuery query, Interval interval) {

    /** The request body Genesys gets. */
    public byte[] getBody() {
        return query.body(interval);
    }

    /** The body of the same query for the usage aggregates jobs API. */
    public byte[] getAggregatesBody() {
        return query.aggregatesBody(interval);
    }

    /** The partition value: day, week or month. */
    public String getPartition() {
        return query.partition();
    }

    /** The interval as it appears in object keys (start_end, compact). */
    public String getIntervalLabel() {
        return interval.label();
    }

    /** A short hash of groupBy and metrics: queries of different shapes never share an object. */
    public String getShape() {
        return query.shape();
    }

    @Override
    public String toString() {
        return query.file() + " (" + query.granularity() + ", groupBy " + query.groupBy() + ", metrics " + query.metrics()
                + ") for " + interval;
    }
}
