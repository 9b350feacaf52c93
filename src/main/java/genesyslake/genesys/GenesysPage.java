package genesyslake.genesys;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * One page of a Genesys answer, still streaming from the connection: read it once (a details page may be tens of
 * megabytes, and is never held in memory), then close it. Not a stream type Camel knows, so Camel never caches it.
 */
public final class GenesysPage implements Closeable {

    private final String request;
    private final String recordsField;
    private final InputStream body;
    private final int pageSize;
    private final int pageNumber;

    /** @param pageNumber the page's number for pages by number (the synchronous query), 0 for pages by cursor */
    public GenesysPage(String request, String recordsField, InputStream body, int pageSize, int pageNumber) {
        this.request = request;
        this.recordsField = recordsField;
        this.body = body;
        this.pageSize = pageSize;
        this.pageNumber = pageNumber;
    }

    public int pageSize() {
        return pageSize;
    }

    /** 1-based number of a page by number; 0 for a page by cursor. */
    public int pageNumber() {
        return pageNumber;
    }

    /** The request that produced the page, for messages. */
    public String request() {
        return request;
    }

    /** The array of the answer that holds the records (conversations, userDetails, results). */
    public String recordsField() {
        return recordsField;
    }

    public InputStream body() {
        return body;
    }

    @Override
    public void close() throws IOException {
        body.close();
    }

    @Override
    public String toString() {
        return "page of " + request;
    }
}
