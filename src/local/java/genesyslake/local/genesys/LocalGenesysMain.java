package genesyslake.local.genesys;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the local Genesys Cloud as a process of its own, so its jobs outlive any client (a restarted daemon, a second
 * client instance) exactly as Genesys' jobs do.
 * <p>
 * Settings come from {@code --key=value} arguments or {@code -Dlocal.genesys.key=value} properties (arguments win),
 * with the keys of application.properties: {@code port} (0 = a free port), {@code client-id}, {@code client-secret},
 * {@code oauth-clients}, {@code conversations-per-day}, {@code users}, {@code running-polls},
 * {@code rate-limit.requests-per-minute}, {@code seed}. Once listening it prints one line
 * {@code local-genesys listening on http://127.0.0.1:PORT} on stdout. {@code --exit-on-stdin-eof} makes it exit when
 * its standard input closes (the parent died), so a test's crash leaves no stray server behind.
 */
public final class LocalGenesysMain {

    public static final String LISTENING = "local-genesys listening on ";

    private LocalGenesysMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        boolean exitOnStdinEof = false;
        for (String a : args) {
            if (a.equals("--exit-on-stdin-eof")) {
                exitOnStdinEof = true;
            } else if (a.startsWith("--") && a.indexOf('=') > 2) {
                opts.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
            } else {
                System.err.println("usage: LocalGenesysMain [--port=0] [--client-id=..] [--client-secret=..] "
                        + "[--oauth-clients=40] [--conversations-per-day=500] [--users=40] [--running-polls=2] "
                        + "[--rate-limit.requests-per-minute=0] [--seed=42] "
                        + "[--job-latency-ms=0] [--max-running-jobs=0] [--query.max-results=100000] [--exit-on-stdin-eof]; "
                        + "unknown: " + a);
                System.exit(2);
            }
        }
        LocalGenesysSettings d = LocalGenesysSettings.defaults();
        LocalGenesysSettings s = new LocalGenesysSettings(
                integer(opts, "port", 0),
                string(opts, "client-id", d.clientId()),
                string(opts, "client-secret", d.clientSecret()),
                integer(opts, "oauth-clients", d.oauthClients()),
                integer(opts, "conversations-per-day", d.conversationsPerDay()),
                integer(opts, "users", d.users()),
                integer(opts, "running-polls", d.runningPolls()),
                integer(opts, "rate-limit.requests-per-minute", d.requestsPerMinute()),
                Long.parseLong(string(opts, "seed", Long.toString(d.seed()))),
                java.time.Duration.ofMillis(Long.parseLong(string(opts, "job-latency-ms", "0"))),
                integer(opts, "max-running-jobs", 0),
                Long.parseLong(string(opts, "query.max-results", Long.toString(d.maxQueryResults()))));
        LocalGenesys genesys = new LocalGenesys(s).start();
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // What a benchmark reads back: every request answered, and the most details jobs running at once.
            System.out.println("local-genesys requests=" + genesys.stats().total() + " throttled="
                    + genesys.stats().throttled() + " jobs-refused=" + genesys.stats().jobsRefused()
                    + " most-jobs-running=" + genesys.stats().mostJobsRunning());
            System.out.flush();
            genesys.close();
            stop.countDown();
        }, "local-genesys-shutdown"));
        System.out.println(LISTENING + genesys.baseUrl());
        System.out.flush();
        if (exitOnStdinEof) {
            Thread watcher = new Thread(() -> {
                try (InputStream in = System.in) {
                    while (in.read() >= 0) {
                        // discard: only the end of the stream matters
                    }
                } catch (IOException ignored) {
                    // a broken pipe is an end too
                }
                System.exit(0);
            }, "local-genesys-stdin-watch");
            watcher.setDaemon(true);
            watcher.start();
        }
        stop.await();
    }

    private static String string(Map<String, String> opts, String key, String fallback) {
        String v = opts.get(key);
        if (v == null) {
            v = System.getProperty("local.genesys." + key);
        }
        return v == null || v.isBlank() ? fallback : v.trim();
    }

    private static int integer(Map<String, String> opts, String key, int fallback) {
        return Integer.parseInt(string(opts, key, Integer.toString(fallback)));
    }
}
