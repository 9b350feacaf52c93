package genesyslake.ops;

import genesyslake.management.FlowOutcome;
import genesyslake.testsupport.FlowTest;
import genesyslake.testsupport.LocalDaemon;
import org.apache.camel.model.Model;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ensures edits to route files take effect in the running daemon, and a broken edit keeps the previous routes. */
@FlowTest
class RouteReloadTest {

    private static final String MARKER = "reload-marker-7f3a";
    /** The usage-flow template's publish step (routes/flow-templates.camel.yaml): every usage flow's steps live there. */
    /** The templates' last step before publishing (the usage and the details template end alike). */
    private static final String BEAN_STEP = """
                      - bean:
                          ref: lakeRuns
                          method: finish
                      - to: direct:lake-publish
            """.indent(8);

    private LocalDaemon daemon;
    private Path routes;
    private LogCapture logs;

    @AfterEach
    void stop() throws IOException {
        if (logs != null) {
            logs.close();
        }
        if (daemon != null) {
            daemon.closeAndDelete();
        }
        if (routes != null) {
            try (Stream<Path> s = Files.walk(routes)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private void startWithReloadableRoutes() throws IOException {
        routes = Files.createTempDirectory("genesys-lake-routes");
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path f : files.toList()) {
                Files.copy(f, routes.resolve(f.getFileName()));
            }
        }
        logs = new LogCapture();
        daemon = LocalDaemon.start(Map.of("camel.main.routes-reload-enabled", "true",
                "camel.main.routes-include-pattern", "file:" + routes + "/*.camel.yaml",
                "camel.main.routes-reload-directory", routes.toString(),
                "usage.query-files", "queries/usage-query.json"));
    }

    private FlowOutcome runUsage(String month) {
        return daemon.run("usage-export", Map.of("lakeInterval", month));
    }

    @Test
    void anEditedRouteFileChangesTheRunningFlowAndABrokenEditKeepsThePreviousRoute() throws Exception {
        startWithReloadableRoutes();
        var context = daemon.context();
        FlowOutcome before = runUsage("2025-01-01/2025-02-01");
        assertTrue(before.success(), before.toString());
        assertTrue(logs.matching(l -> l.contains(MARKER)).isEmpty());

        // An operator adds a log step to the usage flow while the daemon runs.
        Path file = routes.resolve("flow-templates.camel.yaml");
        String original = Files.readString(file);
        assertTrue(original.contains(BEAN_STEP), "the usage route still has the step this test edits after");
        Files.writeString(file, original.replace(BEAN_STEP, BEAN_STEP + """
                          - log:
                              message: "%s exported ${exchangeProperty.lakeRun.records} records"
                """.formatted(MARKER).indent(8)));
        Model model = context.getCamelContextExtension().getContextPlugin(Model.class);
        assertTrue(Ops.await(() -> String.valueOf(model.getRouteDefinition("usage-export")).contains(MARKER), 20_000),
                "the edited route was loaded: " + model.getRouteDefinition("usage-export"));
        FlowOutcome edited = runUsage("2025-02-01/2025-03-01");
        assertTrue(edited.success(), edited.toString());
        assertEquals(1, logs.matching(l -> l.contains(MARKER + " exported " + edited.getRecords() + " records")).size(),
                "the edited flow ran, without a restart");
        assertSame(context, daemon.context());

        // A broken edit: not YAML at all.
        logs.clear();
        Files.writeString(file, "- routeTemplate:\n    id: usage-flow\n    from: [unclosed\n");
        String error = logs.await(l -> (l.startsWith("ERROR") || l.startsWith("WARN")) && l.contains("flow-templates.camel.yaml")
                && l.contains("line 3"), 20_000);
        assertNotNull(error, "the rejected reload is logged naming the file and line; log:\n" + String.join("\n", logs.lines()));
        assertEquals(List.of(), logs.matching(l -> (l.startsWith("ERROR") || l.startsWith("WARN")) && l.contains("caused by")),
                "the rejection is one line, its stack trace at DEBUG");
        FlowOutcome afterBroken = runUsage("2025-03-01/2025-04-01");
        assertTrue(afterBroken.success(), afterBroken.toString());
        assertEquals(1, logs.matching(l -> l.contains(MARKER + " exported " + afterBroken.getRecords() + " records")).size(),
                "the previous (edited) route keeps running");
        assertEquals(1, daemon.lake().keys("granularity=month/usage_20250301T0000Z_20250401T0000Z").size());
    }

    @Test
    void anEditThatParsesButCannotStartKeepsTheFlowAvailable() throws Exception {
        startWithReloadableRoutes();
        assertTrue(runUsage("2025-01-01/2025-02-01").success());
        Path file = routes.resolve("flow-templates.camel.yaml");
        String original = Files.readString(file);
        // Valid YAML and a valid route, but the bean it names does not exist: only starting the route can tell.
        Files.writeString(file, original.replace("ref: usageExport", "ref: usageExportTypo"));
        // Camel logs the failed reload itself before the guard has put the previous routes back: wait for the guard.
        String error = logs.await(l -> l.startsWith("ERROR") && l.contains("Rejected the edit")
                && l.contains("usageExportTypo"), 20_000);
        assertNotNull(error, "the rejected edit is logged naming the missing bean; log:\n" + String.join("\n", logs.lines()));
        Thread.sleep(500); // anything Camel would log after the guard
        assertEquals(List.of(), logs.matching(l -> (l.startsWith("ERROR") || l.startsWith("WARN")) && l.contains("caused by")),
                "the rejection is one line, its stack trace at DEBUG");
        FlowOutcome after = runUsage("2025-02-01/2025-03-01");
        assertTrue(after.success(), "the usage flow must still run after a rejected edit: " + after);
    }
}
