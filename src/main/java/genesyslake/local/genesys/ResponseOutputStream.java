package genesyslake.local.genesys;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

import java.io.IOException;
import java.io.OutputStream;

/** Streams a chunked response from a worker thread in 64 KiB pieces, waiting while Vert.x's write queue is full. */
final class ResponseOutputStream extends OutputStream {

    private final HttpServerResponse response;
    private final byte[] chunk = new byte[64 * 1024];
    private int used;

    ResponseOutputStream(HttpServerResponse response) {
        this.response = response;
    }

    @Override
    public void write(int b) throws IOException {
        if (used == chunk.length) {
            flush();
        }
        chunk[used++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (used == chunk.length) {
                flush();
            }
            int n = Math.min(len, chunk.length - used);
            System.arraycopy(b, off, chunk, used, n);
            used += n;
            off += n;
            len -= n;
        }
    }

    @Override
    public void flush() throws IOException {
        if (used == 0) {
            return;
        }
        if (response.closed()) {
            throw new IOException("client closed the connection");
        }
        response.write(Buffer.buffer(java.util.Arrays.copyOf(chunk, used)));
        used = 0;
        // Backpressure: a slow client must not make us buffer a whole 1 GB document in memory.
        while (response.writeQueueFull() && !response.closed()) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while streaming", e);
            }
        }
    }

    @Override
    public void close() throws IOException {
        flush();
        response.end();
    }
}
