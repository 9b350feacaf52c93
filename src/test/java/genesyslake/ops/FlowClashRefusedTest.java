package genesyslake.ops;

import genesyslake.GenesysLake;
import genesyslake.catalog.CrawlerTarget;
import genesyslake.catalog.LakeCatalog;
import genesyslake.lake.LakeNames;
import genesyslake.management.FlowOutcome;
import genesyslake.testsupport.ChildJvm;
import genesyslake.testsupport.LocalDaemon;
import genesyslake.testsupport.ProcessTest;
import org.apache.camel.model.Model;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures two flows whose tables would clash never run side by side: a daemon started with a clashing extra route file
 * refuses to start, in one line naming both flows and their files, before anything is exported (the process exits 1
 * with that line and no stack trace); a running daemon given a clashing edit rejects it in one logged line and keeps
 * its previous routes and catalog running.
 */
@ProcessTest
class FlowClashRefusedTest {

    /** A new usage flow whose curated rows would go to usage-export's table (usage_requests/). */
    private static final String CLASHING_FLOW = """
            - templatedRoute:
                routeTemplateRef: usage-flow
                routeId: usage-by-uri
                parameters:
                  - name: flow
                    value: usage-by-uri
                  - name: queryFiles
                    value: queries/usage-query-daily.json
                  - name: curatedFolder
                    value: usage_requests/
            """;

    @TempDir
    Path temp;

    private LocalDaemon daemon;
    private LogCapture logs;

    @AfterEach
    void stop() {
        if (logs != null) {
            logs.close();
        }
        if (daemon != null) {
            daemon.closeAndDelete();
        }
    }

    @Test
    void aDaemonStartedWithAClashingRouteFileRefusesToStartNamingBothFlowsAndTheFile() throws IOException {
        Path extra = Files.createDirectories(temp.resolve("extra-routes"));
        Path file = extra.resolve("usage-by-uri.camel.yaml");
        Files.writeString(file, CLASHING_FLOW);
        Path data = Files.createDirectories(temp.resolve("data"));
        // Schedules on, as a daemon runs: had the routes started, the usage schedule would export within a second.
        logs = new LogCapture();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> LocalDaemon.start(data, Map.of(
                "camel.main.routes-include-pattern", "file:routes/*.camel.yaml,file:" + extra + "/*.camel.yaml",
                "lake.schedule.enabled", "true")), "a daemon whose flows clash must not start");
        Throwable refusal = GenesysLake.refusalOf(e);
        assertNotNull(refusal, "a refusal, which the command line logs as its message alone (no stack trace): " + e);
        String line = refusal.getMessage();
        assertTrue(line.startsWith("Flows ") && line.contains("usage-export") && line.contains("usage-by-uri"),
                "both flows: " + line);
        assertTrue(line.contains("s3://gc-usage-api-source/usage_requests/"), "the table they would share: " + line);
        assertTrue(line.contains("usage-by-uri (" + file + ")") && line.contains("usage-export (routes/usage.camel.yaml)"),
                "the files that declare them: " + line);
        assertFalse(line.contains("\n") || line.contains("\r"), "one line: " + line);
        assertEquals(List.of(), logs.matching(l -> l.contains("caused by") || l.contains("Error starting CamelContext")),
                "refused before the context starts, as a bad setting is: no stack trace beside the line");
        // Nothing exported: no object in any bucket (the lake's lock under _manifests/ at most), no flow state.
        try (Stream<Path> s = Files.walk(data)) {
            List<String> written = s.filter(Files::isRegularFile).map(p -> data.relativize(p).toString())
                    .filter(p -> p.startsWith("s3") && !p.contains("_manifests") || p.startsWith("state"))
                    .filter(p -> !p.endsWith(".lock")).toList();
            assertEquals(List.of(), written, "no data written");
        }
    }

    @Test
    @Execution(ExecutionMode.CONCURRENT) // a child JVM of its own: it runs beside the in-process tests
    void theDaemonProcessExitsNonZeroWithOneLineNamingBothFlows() throws Exception {
        Path extra = Files.createDirectories(temp.resolve("process-routes"));
        Files.writeString(extra.resolve("usage-by-uri.camel.yaml"), CLASHING_FLOW);
        List<String> cmd = new java.util.ArrayList<>(ChildJvm.onTestClassPath());
        cmd.addAll(List.of("-Dlake.mode=local",
                "-Dlocal.data-dir=" + temp.resolve("process-data"), "-Dlocal.genesys.port=0", "-Dlocal.s3.port=0",
                "-Dlocal.aws.port=0", "-Dcamel.management.enabled=false",
                "-Dcamel.main.routes-include-pattern=file:routes/*.camel.yaml,file:" + extra + "/*.camel.yaml",
                "genesyslake.GenesysLake"));
        Path log = temp.resolve("daemon.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "the daemon ends by itself:\n"
                    + Files.readString(log));
            String out = Files.readString(log);
            assertEquals(1, p.exitValue(), out);
            List<String> refusal = out.lines().filter(l -> l.contains("genesys-lake could not start: ")).toList();
            assertEquals(1, refusal.size(), out);
            assertTrue(refusal.get(0).contains("Flows usage-export (routes/usage.camel.yaml) and usage-by-uri ("
                    + extra.resolve("usage-by-uri.camel.yaml") + ") have tables that clash"), refusal.get(0));
            assertFalse(out.lines().anyMatch(l -> l.startsWith("\tat ") || l.startsWith("Caused by")),
                    "no stack trace:\n" + out);
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void aClashingEditOfARunningDaemonIsRejectedAndItsPreviousRoutesRunOn() throws Exception {
        Path routes = Files.createDirectories(temp.resolve("routes"));
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path f : files.toList()) {
                Files.copy(f, routes.resolve(f.getFileName()));
            }
        }
        logs = new LogCapture();
        daemon = LocalDaemon.start(Map.of("camel.main.routes-reload-enabled", "true",
                "camel.main.routes-include-pattern", "file:" + routes + "/*.camel.yaml",
                "camel.main.routes-reload-directory", routes.toString()));
        LakeCatalog catalog = daemon.bean(LakeNames.CATALOG_BEAN, LakeCatalog.class);
        List<CrawlerTarget> before = catalog.get().crawlerTargets();
        Model model = daemon.context().getCamelContextExtension().getContextPlugin(Model.class);

        // 1. An edit of usage-daily that would put its curated rows into usage-export's table.
        Path daily = routes.resolve("usage-daily.camel.yaml");
        writeAtOnce(daily, Files.readString(daily) + "      - name: curatedFolder\n        value: usage_requests/\n");
        String error = logs.await(l -> l.startsWith("ERROR") && l.contains("Rejected the edit")
                && l.contains("usage-daily.camel.yaml"), 20_000);
        assertNotNull(error, "the rejected edit is logged; log:\n" + String.join("\n", logs.lines()));
        assertTrue(error.contains("usage-export") && error.contains("usage-daily")
                && error.contains("s3://gc-usage-api-source/usage_requests/"), "it names both flows and the table: " + error);
        assertTrue(error.contains("routes [usage-daily] keeps running"), "and what runs on: " + error);
        Thread.sleep(500); // anything Camel would log after the guard
        assertEquals(List.of(), logs.matching(l -> (l.startsWith("ERROR") || l.startsWith("WARN")) && l.contains("caused by")),
                "the rejection is one line, its stack trace at DEBUG");
        assertNotEquals("usage_requests/", model.getRouteDefinition("usage-daily").getTemplateParameters().get("curatedFolder"),
                "usage-daily is its previous version");
        assertEquals(before, catalog.get().crawlerTargets(), "the catalog is the previous one");
        FlowOutcome run = daemon.run("usage-daily", Map.of());
        assertTrue(run.success(), run.toString());
        assertFalse(daemon.lake().keys("usage-daily_rows/").isEmpty(), "its rows went where they always did");
        assertEquals(List.of(), daemon.lake().keys("usage_requests/"), "nothing of it in usage-export's table");

        // 2. A new file whose flow would share that table: rejected, its flow never known.
        logs.clear();
        writeAtOnce(routes.resolve("usage-by-uri.camel.yaml"), CLASHING_FLOW);
        String rejected = logs.await(l -> l.startsWith("ERROR") && l.contains("Rejected the edit")
                && l.contains("usage-by-uri.camel.yaml"), 20_000);
        assertNotNull(rejected, "the rejected file is logged; log:\n" + String.join("\n", logs.lines()));
        assertTrue(rejected.contains("usage-export") && rejected.contains("usage-by-uri")
                && rejected.contains("The routes as they were keep running"), rejected);
        Thread.sleep(500);
        assertNull(daemon.context().getRoute("usage-by-uri"), "the clashing flow was taken out again");
        assertFalse(daemon.flows().flows().contains("usage-by-uri"), daemon.flows().flows().toString());
        assertEquals(before, catalog.get().crawlerTargets());
        FlowOutcome export = daemon.run("usage-export", Map.of("lakeInterval", "2025-03-01/2025-04-01"));
        assertTrue(export.success(), export.toString());
    }

    /** Writes a route file in one step, as editors that save atomically do (one reload, not two). */
    private void writeAtOnce(Path file, String yaml) throws IOException {
        Path tmp = Files.createTempFile(temp, "route-edit", ".tmp");
        Files.writeString(tmp, yaml);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
