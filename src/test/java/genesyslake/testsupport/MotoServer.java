package genesyslake.testsupport;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real moto_server (AWS mock) on a free loopback port for tests: start/stop it yourself from {@code @BeforeAll}
 * or register it with {@code @RegisterExtension static MotoServer moto = new MotoServer();} (started once per class).
 */
public final class MotoServer implements AutoCloseable, BeforeAllCallback, AfterAllCallback {

    /** Credentials moto accepts (any); use them with a static credentials provider. */
    public static final String ACCESS_KEY = "testing";
    public static final String SECRET_KEY = "testing";
    public static final String REGION = "us-east-1";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Process process;
    private Path log;
    private int port;

    public synchronized MotoServer start() {
        if (process != null) {
            return this;
        }
        String executable = locate();
        try {
            port = freePort();
            log = Files.createTempFile("moto-server-", ".log");
            process = new ProcessBuilder(executable, "-H", "127.0.0.1", "-p", Integer.toString(port))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("moto_server exited with " + process.exitValue() + ": " + logText());
                }
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(endpoint() + "/moto-api/"))
                            .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() < 500) {
                        return this;
                    }
                } catch (IOException notYet) {
                    // Not listening yet.
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("moto_server did not answer on port " + port + ": " + logText());
                }
                Thread.sleep(100);
            }
        } catch (IOException e) {
            stop();
            throw new IllegalStateException("Could not start moto_server", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
            throw new IllegalStateException("Interrupted while starting moto_server", e);
        }
    }

    public int port() {
        return port;
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public URI endpointUri() {
        return URI.create(endpoint());
    }

    /** Forgets every resource moto holds (buckets, crawlers, stacks, ...). */
    public void reset() {
        post("/moto-api/reset", "");
    }

    /** Makes moto's crawlers finish at once instead of staying RUNNING forever. */
    public void finishCrawlsImmediately() {
        post("/moto-api/state-manager/set-transition",
                "{\"model_name\":\"glue::crawl\",\"transition\":{\"progression\":\"immediate\"}}");
    }

    /** Puts moto's crawler back on its default behaviour (stays RUNNING). */
    public void resetCrawlTransition() {
        post("/moto-api/state-manager/unset-transition", "{\"model_name\":\"glue::crawl\"}");
    }

    /** POSTs a JSON body to a moto-api path and returns the response body; fails on a non-2xx answer. */
    public String post(String path, String json) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(endpoint() + path))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new IllegalStateException("moto " + path + " answered " + r.statusCode() + ": " + r.body());
            }
            return r.body();
        } catch (IOException e) {
            throw new IllegalStateException("moto " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted calling moto " + path, e);
        }
    }

    /** Stops moto_server and the processes it spawned. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                tree.forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    /** moto_server from PATH, else pyenv's shims (where our machines and CI install it). */
    static String locate() {
        List<Path> candidates = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                candidates.add(Path.of(dir, "moto_server"));
            }
        }
        candidates.add(Path.of(System.getProperty("user.home"), ".pyenv", "shims", "moto_server"));
        candidates.add(Path.of("/root/.pyenv/shims/moto_server"));
        return candidates.stream().filter(Files::isExecutable).findFirst().map(Path::toString)
                .orElseThrow(() -> new IllegalStateException("moto_server not found on PATH or in ~/.pyenv/shims "
                        + "(install it: pip install 'moto[server]')"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
