package genesyslake.local;

import genesyslake.config.Settings;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Local servers started at once, each on a thread of its own (one after another they cost the sum of their starts,
 * mostly class loading and a server's own threads; together, about the slowest one's). {@link #await()} returns once
 * all of them listen; when one fails, the ones that did start are closed and the first failure in the order they were
 * added is thrown, a port in use as a one-line refusal naming its setting.
 */
final class ServersStarting {

    /** Stops a server that started. */
    interface Closer<T> {
        void close(T server) throws Exception;
    }

    /** One server being started; {@link #get()} once {@link ServersStarting#await()} returned. */
    static final class Server<T> {
        private final String portKey;
        private final CompletableFuture<T> started;
        private final Closer<? super T> closer;

        private Server(String portKey, CompletableFuture<T> started, Closer<? super T> closer) {
            this.portKey = portKey;
            this.started = started;
            this.closer = closer;
        }

        T get() {
            return started.join();
        }

        private void closeIfStarted() {
            if (started.isDone() && !started.isCompletedExceptionally()) {
                try {
                    closer.close(started.join());
                } catch (Exception ignored) {
                    // the start fails anyway; this is tidying up
                }
            }
        }
    }

    private final Settings settings;
    private final List<Server<?>> servers = new ArrayList<>();

    ServersStarting(Settings settings) {
        this.settings = settings;
    }

    /** Starts {@code start} now on its own thread; {@code portKey} names the setting of the port it binds. */
    <T> Server<T> start(String portKey, Callable<T> start, Closer<? super T> closer) {
        CompletableFuture<T> started = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                started.complete(start.call());
            } catch (Throwable e) { // an Error too (a native library that cannot load): await() throws it as it is
                started.completeExceptionally(e);
            }
        }, "local-start-" + portKey);
        t.setDaemon(true);
        Server<T> server = new Server<>(portKey, started, closer);
        servers.add(server);
        t.start();
        return server;
    }

    /** Waits for every server; see the class comment for a failure. */
    void await() throws Exception {
        Throwable failure = null;
        String failedKey = null;
        for (Server<?> s : servers) {
            try {
                s.started.join();
            } catch (CompletionException e) {
                if (failure == null) {
                    failure = e.getCause();
                    failedKey = s.portKey;
                }
            }
        }
        if (failure == null) {
            return;
        }
        for (Server<?> s : servers) {
            s.closeIfStarted();
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.net.BindException || String.valueOf(t.getMessage()).contains("Address already in use")) {
                throw new Settings.SettingsException(failedKey, "port " + settings.integer(failedKey, 0) + " is already "
                        + "in use (another genesys-lake, or another program); set " + failedKey + " to a free port, or 0 "
                        + "to take any free one");
            }
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure instanceof Exception e) {
            throw e;
        }
        throw new IllegalStateException(failure);
    }
}
