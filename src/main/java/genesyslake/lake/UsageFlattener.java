package genesyslake.lake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.List;

/**
 * Turns one raw Usage API record into one {@code usage_requests} row: the seed's columns in a fixed order, JSON null
 * where Genesys sent nothing. Text columns are copied as text; the counts stay numbers (a count that is not a whole
 * number is bad input and fails naming the column). Not thread-safe: one instance per thread.
 */
public final class UsageFlattener {

    public static final List<String> COLUMNS = List.of("organizationId", "clientId", "clientName", "userId",
            "templateUri", "httpMethod", "date", "status200", "status300", "status400", "status429", "status500",
            "requests");
    private static final int FIRST_COUNT = COLUMNS.indexOf("status200");

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final RowWriter writer = new RowWriter();

    /** Writes the record's row to the sink (the partition argument is null: the route's key holds the granularity). */
    public void flatten(byte[] buf, int off, int len, RowSink sink) throws IOException {
        JsonNode record = MAPPER.readTree(buf, off, len);
        if (record == null || !record.isObject()) {
            throw new IOException("usage record is not a JSON object");
        }
        writer.start();
        for (int i = 0; i < COLUMNS.size(); i++) {
            String column = COLUMNS.get(i);
            JsonNode v = record.get(column);
            if (i < FIRST_COUNT) {
                writer.text(column, v);
            } else if (v == null || v.isNull()) {
                writer.number(column, null);
            } else if (v.isIntegralNumber() && v.canConvertToLong()) {
                writer.number(column, v.asLong());
            } else {
                throw new IOException("usage record's " + column + " is not a whole number: " + v);
            }
        }
        writer.emit(sink, null);
    }
}
