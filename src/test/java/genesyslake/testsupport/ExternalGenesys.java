package genesyslake.testsupport;

import genesyslake.genesys.GenesysEndpoints;
import genesyslake.genesys.GenesysHttp;
import genesyslake.genesys.RateGovernor;
import genesyslake.genesys.RetryPolicy;
import genesyslake.local.genesys.LocalGenesysMain;
import genesyslake.local.genesys.LocalGenesysSettings;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The local Genesys Cloud in a JVM process of its own ({@link LocalGenesysMain}), started with this JVM's class path
 * ({@link ChildJvm}, as the process tests start daemons); {@link #close()} kills it. Its jobs live as long as the process, whatever
 * happens to the clients.
 */
public final class ExternalGenesys implements AutoCloseable {

    private final LocalGenesysSettings settings;
    private final Process process;
    private final ArrayDeque<String> tail = new ArrayDeque<>();
    private final String baseUrl;

    private ExternalGenesys(LocalGenesysSettings settings) throws IOException {
        this.settings = settings;
        List<String> cmd = new ArrayList<>(ChildJvm.onTestClassPath());
        cmd.addAll(List.of("-Xmx256m", LocalGenesysMain.class.getName(),
                "--port=" + settings.port(),
                "--client-id=" + settings.clientId(),
                "--client-secret=" + settings.clientSecret(),
                "--oauth-clients=" + settings.oauthClients(),
                "--conversations-per-day=" + settings.conversationsPerDay(),
                "--users=" + settings.users(),
                "--running-polls=" + settings.runningPolls(),
                "--rate-limit.requests-per-minute=" + settings.requestsPerMinute(),
                "--seed=" + settings.seed(),
                "--exit-on-stdin-eof"));
        process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        CompletableFuture<String> url = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    synchronized (tail) {
                        tail.addLast(line);
                        if (tail.size() > 200) {
                            tail.removeFirst();
                        }
                    }
                    if (!url.isDone() && line.startsWith(LocalGenesysMain.LISTENING)) {
                        url.complete(line.substring(LocalGenesysMain.LISTENING.length()).trim());
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
            url.completeExceptionally(new IllegalStateException("local Genesys exited before listening:\n" + output()));
        }, "external-genesys-output");
        reader.setDaemon(true);
        reader.start();
        try {
            baseUrl = url.get(60, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            process.destroyForcibly();
            throw new IllegalStateException("local Genesys did not report its port within 60 s:\n" + output(), e);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IllegalStateException("local Genesys did not start", e);
        }
    }

    /** Starts a process serving these settings and returns once it listens. */
    public static ExternalGenesys start(LocalGenesysSettings settings) throws IOException {
        return new ExternalGenesys(settings);
    }

    public String baseUrl() {
        return baseUrl;
    }

    public int port() {
        return URI.create(baseUrl).getPort();
    }

    public LocalGenesysSettings settings() {
        return settings;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** A fresh client of the daemon's own kind (its own token, governor off, a few quick retries). */
    public GenesysHttp newClient() {
        URI url = URI.create(baseUrl);
        return new GenesysHttp(new GenesysEndpoints(url, url), settings.clientId(), settings.clientSecret(),
                new RateGovernor(0), new RetryPolicy(4, Duration.ofMillis(50), Duration.ofSeconds(2)),
                Duration.ofSeconds(60));
    }

    /** The last lines the process printed. */
    public String output() {
        synchronized (tail) {
            return String.join("\n", tail);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
