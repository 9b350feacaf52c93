package genesyslake.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import genesyslake.GenesysLake;
import genesyslake.management.FlowOutcome;
import genesyslake.testsupport.FlowTest;
import genesyslake.testsupport.Lake;
import genesyslake.testsupport.LocalDaemon;
import org.apache.camel.model.Model;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures the edits the README promises are made in YAML alone, to the route files of a running daemon (live reload),
 * and are checked on what lands in the lake: a filter step, a poll delay, a copied flow, another bucket and prefix.
 */
@FlowTest
class FlowEditsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The last parameter of usage-export in usage.camel.yaml: the edits add parameters after it. */
    private static final String LAST = """
                  - name: curatedFolder
                    value: usage_requests/
            """;

    /** usage-export's templatedRoute with more parameters (each a name and a value, YAML-quoted). */
    private static String withParameters(String... nameValues) {
        StringBuilder b = new StringBuilder(LAST);
        for (int i = 0; i < nameValues.length; i += 2) {
            b.append("      - name: ").append(nameValues[i]).append("\n        value: \"").append(nameValues[i + 1])
                    .append("\"\n");
        }
        return b.toString();
    }

    private LocalDaemon daemon;
    private Path routes;

    @AfterEach
    void stop() throws IOException {
        if (daemon != null) {
            daemon.closeAndDelete();
        }
        if (routes != null) {
            try (Stream<Path> s = Files.walk(routes)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private void start(Map<String, String> more) throws IOException {
        routes = Files.createTempDirectory("genesys-lake-routes");
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path f : files.toList()) {
                Files.copy(f, routes.resolve(f.getFileName()));
            }
        }
        Map<String, String> props = new java.util.HashMap<>(Map.of("camel.main.routes-reload-enabled", "true",
                "camel.main.routes-include-pattern", "file:" + routes + "/*.camel.yaml",
                "camel.main.routes-reload-directory", routes.toString(),
                "usage.query-files", "queries/usage-query.json"));
        props.putAll(more);
        daemon = LocalDaemon.start(props);
    }

    /** Rewrites a route file of the running daemon and waits until the route it defines carries the marker. */
    private void edit(String file, String routeId, String from, String to, String marker) throws Exception {
        Path f = routes.resolve(file);
        String yaml = Files.readString(f);
        assertTrue(yaml.contains(from), file + " still has the text this test edits: " + from);
        writeAtOnce(f, yaml.replace(from, to));
        awaitRoute(routeId, marker);
    }

    /**
     * Writes a route file in one step (a move from beside the folder), as editors that save atomically do: an in-place
     * write is two file events (created, then modified), and the second reload can take the route away again just as
     * the test uses it ("no such flow" under load).
     */
    private void writeAtOnce(Path file, String yaml) throws IOException {
        Path tmp = Files.createTempFile(routes.getParent(), "route-edit", ".tmp");
        Files.writeString(tmp, yaml);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private void awaitRoute(String routeId, String marker) throws InterruptedException {
        Model model = daemon.context().getCamelContextExtension().getContextPlugin(Model.class);
        // A flow made from a template shows its steps with {{parameter}}s and its parameters beside them.
        assertTrue(Ops.await(() -> model.getRouteDefinition(routeId) != null
                        && (String.valueOf(model.getRouteDefinition(routeId)) + model.getRouteDefinition(routeId)
                        .getTemplateParameters()).contains(marker)
                        && daemon.flows().flows().contains(routeId), 20_000),
                "the edited route " + routeId + " was reloaded: " + model.getRouteDefinition(routeId));
    }

    private static int status429(String line) {
        try {
            return JSON.readTree(line).path("status429").asInt();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aFilterStepKeepsOnlyTheUsageRowsWithA429() throws Exception {
        start(Map.of());
        String month = "2025-01-01/2025-02-01";
        String prefix = "granularity=month/usage_20250101";
        assertTrue(daemon.run("usage-export", Map.of("lakeInterval", month)).success());
        List<String> all = daemon.lake().lines(prefix);
        long throttled = all.stream().filter(l -> status429(l) > 0).count();
        assertTrue(throttled > 0 && throttled < all.size(), "the month has rows with and without 429s: " + throttled);

        edit("usage.camel.yaml", "usage-export", LAST,
                withParameters("recordFilterLanguage", "jsonpath", "recordFilter", "$[?(@.status429 > 0)]"), "status429 > 0");
        FlowOutcome filtered = daemon.run("usage-export", Map.of("lakeInterval", month));
        assertTrue(filtered.success(), filtered.toString());
        List<String> kept = daemon.lake().lines(prefix);
        assertEquals(throttled, kept.size(), "the rerun replaced the object with the throttled rows only");
        assertTrue(kept.stream().allMatch(l -> status429(l) > 0));
        assertEquals(all.stream().filter(l -> status429(l) > 0).toList(), kept, "kept rows are byte for byte the same");
        assertEquals(throttled, daemon.lake().lines("usage_requests/" + prefix).size(),
                "the curated usage_requests rows are filtered with their raw rows");
    }

    @Test
    void aChangedPollDelaySpacesTheNextRunsPolls() throws Exception {
        // The client's rate governor off (0, as for a stand-in): at the shipped 240 requests/min the run's requests
        // alone took over a second, a wait that is not the edit's. The two waits of 1500 ms stay: a run without the
        // edit (50 ms polls) took 1.9 s here under load, so a shorter edited delay would not tell the two apart.
        start(Map.of("local.genesys.running-polls", "2", "genesys.rate-limit.requests-per-minute", "0"));
        edit("usage.camel.yaml", "usage-export", LAST, withParameters("pollDelay", "1500"), "1500");
        var stats = daemon.local().genesys().stats();
        long polls = stats.perEndpoint().entrySet().stream().filter(e -> e.getKey().contains("/results"))
                .mapToLong(Map.Entry::getValue).sum();
        long t0 = System.nanoTime();
        FlowOutcome outcome = daemon.run("usage-export", Map.of("lakeInterval", "2025-02-01/2025-03-01"));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(outcome.success(), outcome.toString());
        long pollsNow = stats.perEndpoint().entrySet().stream().filter(e -> e.getKey().contains("/results"))
                .mapToLong(Map.Entry::getValue).sum();
        assertEquals(3, pollsNow - polls, "Running twice, then Complete: " + stats.perEndpoint());
        assertTrue(ms >= 2 * 1500, "two waits of the edited 1500 ms between three polls, took " + ms + " ms");
    }

    @Test
    void aCopiedRouteFileIsANewFlowForJmxAndOnceWithItsOwnObjects() throws Exception {
        start(Map.of());
        String copy = """
                - templatedRoute:
                    routeTemplateRef: usage-flow
                    routeId: usage-by-uri
                    parameters:
                      - name: flow
                        value: usage-by-uri
                      - name: queryFiles
                        value: queries/usage-query-daily.json
                """;
        writeAtOnce(routes.resolve("usage-by-uri.camel.yaml"), copy);
        assertTrue(Ops.await(() -> daemon.flows().flows().contains("usage-by-uri"), 20_000),
                "the new file's flow is known: " + daemon.flows().flows());

        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        ObjectName flows = new ObjectName("genesyslake:type=Flows");
        assertTrue(List.of((String[]) jmx.getAttribute(flows, "Flows")).contains("usage-by-uri"));
        CompositeData outcome = (CompositeData) jmx.invoke(flows, "runFlow", new Object[] {"usage-by-uri"},
                new String[] {String.class.getName()});
        assertTrue((Boolean) outcome.get("success"), String.valueOf(outcome.get("summary")));

        List<String> manifests = daemon.lake().keys("_manifests/usage-by-uri/");
        assertEquals(1, manifests.size(), "the new flow writes its own manifest");
        JsonNode manifest = JSON.readTree(String.join("\n", daemon.lake().lines(manifests.get(0), false)));
        assertEquals("usage-by-uri", manifest.path("flow").asText());
        String key = manifest.path("objects").get(0).path("key").asText();
        assertTrue(key.startsWith("usage-by-uri/granularity=day/"), "the new flow's own table, daily partition: " + key);
        assertFalse(daemon.lake().lines(key).isEmpty());
        assertTrue(daemon.lake().keys("_manifests/usage-export/").isEmpty(), "the original flow did not run");

        // The same file, as a one-shot run from the command line.
        daemon.close();
        Path data = Files.createTempDirectory("genesys-lake-once");
        Map<String, String> props = Map.of("local.data-dir", data.toString(), "local.genesys.port", "0",
                "local.s3.port", "0", "local.aws.port", "0", "usage.poll.delay", "50ms",
                "camel.main.routes-include-pattern", "file:" + routes + "/*.camel.yaml");
        props.forEach(System::setProperty);
        try {
            assertEquals(0, GenesysLake.run(new String[] {"--once", "usage-by-uri"}));
            try (Stream<Path> files = Files.walk(data.resolve("s3/gc-usage-api-source/_manifests"))) {
                assertEquals(List.of("usage-by-uri"), files.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                        .filter(n -> n.startsWith("usage")).toList());
            }
        } finally {
            props.keySet().forEach(System::clearProperty);
        }
    }

    @Test
    void aChangedBucketAndPrefixMoveThatFlowsObjects() throws Exception {
        start(Map.of());
        edit("usage.camel.yaml", "usage-export", LAST,
                withParameters("bucket", "{{lake.results-bucket}}", "keyPrefix", "archive/"), "archive/");
        FlowOutcome outcome = daemon.run("usage-export", Map.of("lakeInterval", "2025-03-01/2025-04-01"));
        assertTrue(outcome.success(), outcome.toString());
        Lake results = new Lake(daemon.s3(), daemon.context().resolvePropertyPlaceholders("{{lake.results-bucket}}"));
        List<String> moved = results.keys("archive/granularity=month/usage_20250301");
        assertEquals(1, moved.size(), "the object went to the other bucket, under the prefix");
        assertEquals(outcome.getRecords(), results.lines(moved.get(0)).size());
        assertEquals(1, results.keys("_manifests/usage-export/").size(), "its manifest went with it");
        assertTrue(daemon.lake().keys("granularity=month/usage_20250301").isEmpty(), "nothing in the source bucket");
    }
}
