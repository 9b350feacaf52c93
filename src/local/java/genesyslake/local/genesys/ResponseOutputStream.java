package genesyslake.local.genesys;

import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Streams a chunked response from a worker thread in 64 KiB pieces, blocking while Vert.x's write queue is full
 * until its drain handler fires. Each piece is handed over without a copy.
 */
final class ResponseOutputStream extends OutputStream {

    static final int CHUNK = 64 * 1024;
    /** Lets the worker run ahead of the socket by several chunks instead of stalling on every one. */
    private static final int WRITE_QUEUE = 1024 * 1024;

    private final HttpServerResponse response;
    private final Semaphore drained = new Semaphore(0);
    private byte[] chunk = new byte[CHUNK];
    private int used;

    ResponseOutputStream(HttpServerResponse response) {
        this.response = response;
        response.setWriteQueueMaxSize(WRITE_QUEUE);
        response.drainHandler(v -> drained.release());
        response.closeHandler(v -> drained.release());
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
        response.write(Buffer.buffer(Unpooled.wrappedBuffer(chunk, 0, used)));
        chunk = new byte[CHUNK]; // the written array now belongs to Netty until sent
        used = 0;
        // Backpressure: a slow client must not make us buffer a whole 1 GB document in memory.
        try {
            while (response.writeQueueFull() && !response.closed()) {
                // the timeout covers a drain that fired between the check and the wait
                drained.tryAcquire(20, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while streaming", e);
        }
        drained.drainPermits();
    }

    @Override
    public void close() throws IOException {
        flush();
        response.end();
    }
}
