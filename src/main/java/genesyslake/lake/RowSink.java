package genesyslake.lake;

import java.io.IOException;

/** Receives one flattened row (compact JSON object bytes, valid only during the call) and the UTC date it belongs to. */
@FunctionalInterface
public interface RowSink {
    void row(String partitionDate, byte[] buf, int off, int len) throws IOException;
}
