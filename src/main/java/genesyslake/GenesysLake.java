package genesyslake;

import genesyslake.catalog.FlowPlacementException;
import genesyslake.catalog.LakeCatalog;
import genesyslake.config.Settings;
import genesyslake.lake.LakeLock;
import genesyslake.lake.LakeNames;
import genesyslake.management.FlowOutcome;
import genesyslake.management.FlowRunStatus;
import genesyslake.management.FlowRunner;
import genesyslake.management.Flows;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Entry point. Without arguments: the daemon (schedules, JMX, route reload) until stopped.
 * {@code --once [FLOW ...]}: runs the named flows (default: every enabled flow) once in pipeline order and exits
 * 0 only if all succeeded.
 */
public final class GenesysLake {

    private static final Logger LOG = LoggerFactory.getLogger(GenesysLake.class);

    private GenesysLake() {
    }

    public static void main(String[] args) {
        // On a signal (SIGTERM, Ctrl-C) the JVM would exit 143 as soon as Camel's own hook is done; this hook waits for
        // run() to return (Camel stopped gracefully, runs saved) and exits with its code: 0 unless a flow failed.
        java.util.concurrent.CountDownLatch returned = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger exitCode = new java.util.concurrent.atomic.AtomicInteger(1);
        java.util.concurrent.atomic.AtomicBoolean exiting = new java.util.concurrent.atomic.AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (exiting.get()) {
                return; // System.exit below: its code stands
            }
            try {
                if (returned.await(5, java.util.concurrent.TimeUnit.MINUTES)) {
                    Runtime.getRuntime().halt(exitCode.get());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "genesys-lake-exit-code"));
        int code;
        try {
            code = run(args);
        } catch (Throwable e) {
            // Start-up failed (bad setting, folder in use, route that does not build, an Error such as a native library
            // that cannot load): say why in one line, and do not hang on server threads.
            code = 1;
            exitAfter(Duration.ofSeconds(60), code);
            try {
                Throwable refusal = refusal(e);
                if (refusal != null) {
                    LOG.error("genesys-lake could not start: {}", refusal.getMessage()); // the reason is the message
                } else {
                    LOG.error("genesys-lake could not start: {}", e, e);
                }
            } catch (Throwable ignored) {
                // logging failed too (out of memory?): the exit code still says it
            }
        }
        exitCode.set(code);
        if (jvmStopping()) {
            returned.countDown(); // the hook above exits with it (System.exit would block inside the shutdown)
            return;
        }
        exiting.set(true);
        System.exit(code);
    }

    /** Whether the JVM is already shutting down (a signal came): no shutdown hook can be added then. */
    static boolean jvmStopping() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }

    /**
     * The one-line reason a start was refused (a setting, a folder in use, two flows whose tables clash) somewhere in
     * the cause chain, or null for an unexpected failure.
     */
    public static Throwable refusalOf(Throwable e) {
        return refusal(e);
    }

    static Throwable refusal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof Settings.SettingsException || t instanceof LakeLock.LakeLockedException
                    || t instanceof FlowPlacementException) {
                return t;
            }
        }
        return null;
    }

    /** Should System.exit itself hang (a shutdown hook stuck after a failed start), halt after the grace period. */
    private static void exitAfter(Duration grace, int code) {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(grace.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            Runtime.getRuntime().halt(code);
        }, "genesys-lake-exit-watchdog");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Checks the flows' tables once Camel has loaded the routes, before the context starts: two flows whose tables
     * clash end the start as a bad setting does (a refusal, one line, no Camel stack trace), before any route runs.
     */
    public static void refuseClashingFlows(Main main) {
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterConfigure(BaseMainSupport m) {
                LakeCatalog catalog = m.getCamelContext().getRegistry().lookupByNameAndType(LakeNames.CATALOG_BEAN,
                        LakeCatalog.class);
                if (catalog != null) {
                    catalog.check();
                }
            }
        });
    }

    /** Runs the command line and returns its exit code (main exits with it). */
    public static int run(String[] args) throws Exception {
        ONE_SHOT.set(null);
        List<String> once = null;
        String[] backfill = null;
        boolean confirmed = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--backfill" -> {
                    // --backfill FLOW --from DATE --to DATE
                    if (i + 5 >= args.length || !args[i + 2].equals("--from") || !args[i + 4].equals("--to")) {
                        System.err.println("usage: --backfill FLOW --from YYYY-MM-DD --to YYYY-MM-DD (end exclusive)");
                        return 2;
                    }
                    backfill = new String[] {args[i + 1], args[i + 3], args[i + 5]};
                    i += 5;
                }
                case "--yes" -> confirmed = true;
                case "--once" -> {
                    once = new ArrayList<>();
                    while (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                        once.add(args[++i]);
                    }
                }
                case "--help", "-h" -> {
                    System.out.println("""
                            usage: java -jar target/genesys-lake.jar [--once [FLOW ...] | --backfill FLOW --from D --to D]
                              (no arguments)   run the daemon: scheduled flows, JMX triggers, route reload
                              --once [FLOW..]  run flows once in pipeline order and exit (0 = all succeeded)
                              --backfill FLOW --from 2026-01-01 --to 2026-04-01 [--yes]
                                               export history in chunks (days for details, months for usage);
                                               more than lake.backfill.confirm-days days needs --yes
                            flows: the routes of group export, catalog or report in routes/ (usage-export,
                            usage-daily, conversation-details, user-details, reference-*, catalog-refresh,
                            athena-report as shipped)
                            settings: application.properties in the working directory; override with -Dkey=value
                            or environment variables (GENESYS_CLIENT_ID, LAKE_MODE, ...)""");
                    return 0;
                }
                default -> {
                    System.err.println("Unknown argument '" + args[i] + "' (try --help)");
                    return 2;
                }
            }
        }
        if (once != null && !once.isEmpty() && System.getProperty("camel.main.routes-include-pattern") == null
                && System.getenv("CAMEL_MAIN_ROUTES_INCLUDE_PATTERN") == null) {
            // Before any server starts: a typo in a flow name is answered at once (the shipped route folder only; any other
            // set of routes is checked once Camel has loaded them).
            var declared = genesyslake.management.DeclaredFlows.in(Path.of("routes"));
            if (declared.isPresent()) {
                List<String> unknown = once.stream().filter(f -> !declared.get().contains(f)).toList();
                if (!unknown.isEmpty()) {
                    System.err.println("Unknown flow(s) " + unknown + "; known flows: " + declared.get() + " (try --help)");
                    return 2;
                }
            }
        }
        Main main = new Main();
        main.configure().addConfiguration(LakeConfiguration.class);
        refuseClashingFlows(main);
        // The top-level application.properties is the one users edit; the jar carries a copy as the fallback.
        if (Files.exists(Path.of("application.properties"))) {
            main.setDefaultPropertyPlaceholderLocation("file:application.properties");
        }
        AtomicInteger exit = new AtomicInteger(0);
        if (backfill != null) {
            String[] job = backfill;
            boolean yes = confirmed;
            oneShot(main, "backfill", exit, m -> {
                Flows flows = m.getCamelContext().getRegistry().lookupByNameAndType("flowsMBean", Flows.class);
                // The same checks as over JMX (dates, lake.backfill.confirm-days from the daemon's own properties).
                FlowRunStatus started = flows.startBackfill(job[0], job[1], job[2], yes, "Add --yes to run it.");
                if (FlowRunStatus.REFUSED.equals(started.getState())) {
                    System.err.println(started.getSummary());
                    return 2;
                }
                var outcome = flows.outcome(started);
                LOG.info("{}", outcome);
                if (!outcome.success() && stopping(m)) {
                    LOG.info("Backfill stopped by the shutdown; its progress is saved: run the same --backfill again to resume it");
                    return 0;
                }
                return outcome.success() ? 0 : 1;
            });
        } else if (once != null) {
            List<String> flows = once;
            oneShot(main, "once", exit, m -> runOnce(m.getCamelContext().getRegistry().lookupByNameAndType("flows", FlowRunner.class), flows,
                    m.getCamelContext().resolvePropertyPlaceholders("{{usage.api}}"), () -> stopping(m)));
        }
        try {
            main.run();
        } catch (Exception | Error e) {
            // A refused start: Camel's shutdown hook must not then announce a "SIGTERM" that nobody sent.
            main.completed();
            throw e;
        }
        Thread work = ONE_SHOT.get();
        if (work != null) {
            work.join(5_000); // its exit code, when a stop ended its run
        }
        if (LakeLock.lost(main.getCamelContext())) {
            return 1; // stopped because another writer took the lake over: a supervisor should see a failure
        }
        return exit.get() != 0 ? exit.get() : main.getExitCode();
    }

    /** Runs the work once Camel has started, then shuts down; schedules, reload and the management port stay off. */
    private static void oneShot(Main main, String mode, AtomicInteger exit,
                                java.util.function.ToIntFunction<BaseMainSupport> work) {
        main.addOverrideProperty(LakeLock.RUN_MODE, mode); // named in the lock's holder record: who holds the folder
        main.addOverrideProperty("lake.schedule.enabled", "false");
        main.addOverrideProperty("camel.main.routes-reload-enabled", "false");
        // A one-shot run serves no operators; it must not clash with a daemon running beside it.
        main.addOverrideProperty("camel.management.enabled", "false");
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterStart(BaseMainSupport m) {
                Thread t = new Thread(() -> {
                    try {
                        exit.set(work.applyAsInt(m));
                    } catch (RuntimeException | Error e) { // an Error must not leave the exit code at 0
                        LOG.error("Run failed: {}", e.toString(), e);
                        exit.set(1);
                    } finally {
                        main.completed();
                    }
                }, "genesys-lake-once");
                ONE_SHOT.set(t);
                t.start();
            }
        });
    }

    private static final java.util.concurrent.atomic.AtomicReference<Thread> ONE_SHOT = new java.util.concurrent.atomic.AtomicReference<>();

    /** Whether Camel is stopping (a signal came): a run that ended then was stopped, saved and resumable, not failed. */
    private static boolean stopping(BaseMainSupport m) {
        return m.getCamelContext().isStopping() || m.getCamelContext().isStopped();
    }

    static int runOnce(FlowRunner runner, List<String> requested, String usageApi) {
        return runOnce(runner, requested, usageApi, () -> false);
    }

    static int runOnce(FlowRunner runner, List<String> requested, String usageApi, java.util.function.BooleanSupplier stopping) {
        List<String> known = runner.flows();
        // Every flow, but of the two Usage APIs only the one usage.api picks (as the schedule does).
        List<String> otherUsage = "aggregates".equals(usageApi) ? List.of("usage-export", "usage-daily")
                : List.of("usage-aggregates");
        List<String> flows = requested.isEmpty() ? known.stream().filter(f -> !otherUsage.contains(f)).toList()
                : known.stream().filter(requested::contains).toList();
        List<String> unknown = requested.stream().filter(f -> !known.contains(f)).toList();
        if (!unknown.isEmpty()) {
            LOG.error("Unknown flow(s) {}; known flows: {}", unknown, known);
            return 2;
        }
        int failed = 0;
        List<FlowOutcome> outcomes = new ArrayList<>();
        for (String flow : flows) {
            if (stopping.getAsBoolean()) {
                LOG.info("Stopping: {} not run", flow);
                continue;
            }
            FlowOutcome outcome = runner.run(flow, Map.of());
            outcomes.add(outcome);
            if (!outcome.success() && stopping.getAsBoolean()) {
                LOG.info("{} (stopped by the shutdown; its progress is saved and the next run resumes it)", outcome);
            } else if (!outcome.success()) {
                failed++;
                LOG.error("{}", outcome);
            }
        }
        StringBuilder sb = new StringBuilder("\n==== --once summary ====\n");
        outcomes.forEach(o -> sb.append("  ").append(o).append('\n'));
        LOG.info("{}", sb);
        return failed == 0 ? 0 : 1;
    }
}
