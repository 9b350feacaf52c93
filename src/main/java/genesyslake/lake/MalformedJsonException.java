package genesyslake.lake;

import java.io.IOException;

/** Thrown when a streamed JSON document is malformed or truncated; carries the byte offset where it was noticed. */
public class MalformedJsonException extends IOException {

    private final long offset;

    public MalformedJsonException(String problem, long offset) {
        super(problem + " at byte offset " + offset);
        this.offset = offset;
    }

    /** Zero-based offset into the document of the byte at which the problem was detected. */
    public long offset() {
        return offset;
    }
}
