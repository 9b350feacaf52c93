package genesyslake.flows;

import genesyslake.testsupport.FlowTest;

import genesyslake.catalog.CrawlerTarget;
import genesyslake.management.FlowOutcome;
import genesyslake.testsupport.LocalDaemon;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.glue.GlueClient;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures where a flow writes is part of the flow: a new flow with a query of another groupBy lands in tables of its
 * own, and a flow moved to another key prefix or bucket keeps its tables apart; in each case the crawler's targets
 * follow and the usage reports answer exactly as without the change (bugs of issue 19: a blank client in the per-day
 * share report, 0 rows in the seed's top-10).
 */
@FlowTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FlowsPlaceTheirTablesTest {

    private static final List<String> REPORTS = List.of("top10-rate-limited-clients", "rate-limit-share-by-client-day",
            "requests-by-template-uri");

    @TempDir
    Path temp;

    private Map<String, List<String>> baseline;

    /** The usage flows, the refresh and the usage reports; the reports' CSV answers and the crawler's targets. */
    private record Run(Map<String, List<String>> answers, List<CrawlerTarget> targets, List<String> keys) {
    }

    private Run run(Map<String, String> overrides, List<String> flows) throws IOException {
        Map<String, String> props = new HashMap<>(overrides);
        props.put("athena.reports", String.join(",", REPORTS));
        LocalDaemon daemon = LocalDaemon.start(props);
        try {
            for (String flow : flows) {
                FlowOutcome outcome = daemon.run(flow, Map.of());
                assertTrue(outcome.success(), outcome.toString());
            }
            FlowOutcome refresh = daemon.run("catalog-refresh", Map.of());
            assertTrue(refresh.success(), refresh.toString());
            FlowOutcome reports = daemon.run("athena-report", Map.of());
            assertTrue(reports.success(), reports.toString());
            Map<String, List<String>> answers = new TreeMap<>();
            for (String r : REPORTS) {
                Path csv = daemon.dataDir().resolve("reports").resolve(r).resolve("latest.csv");
                assertTrue(Files.exists(csv), r + " ran");
                answers.put(r, Files.readAllLines(csv));
            }
            GlueClient glue = daemon.bean("glueClient", GlueClient.class);
            List<CrawlerTarget> targets = glue.getCrawler(b -> b.name("UsageApiCrawler")).crawler().targets().s3Targets()
                    .stream().map(t -> new CrawlerTarget(t.path(), t.exclusions().stream().sorted().toList())).toList();
            List<String> keys = new ArrayList<>();
            try (var walk = Files.walk(daemon.local().s3Root())) {
                walk.filter(Files::isRegularFile).map(p -> daemon.local().s3Root().relativize(p).toString())
                        .filter(k -> !k.contains("_manifests") && !k.contains("gc-usage-api-results")).forEach(keys::add);
            }
            return new Run(answers, targets, keys);
        } finally {
            daemon.closeAndDelete();
        }
    }

    @BeforeAll
    void theShippedFlows() throws IOException {
        Run shipped = run(Map.of(), List.of("usage-export", "usage-daily"));
        baseline = shipped.answers();
        assertEquals(11, baseline.get("top10-rate-limited-clients").size(), "the seed's top 10: " + baseline);
        assertTrue(baseline.get("rate-limit-share-by-client-day").size() > 1, "per-day rows: " + baseline);
        assertTrue(baseline.get("rate-limit-share-by-client-day").stream().skip(1).noneMatch(l -> l.split(",", -1)[1].isEmpty()),
                "no blank client: " + baseline.get("rate-limit-share-by-client-day"));
        assertTrue(shipped.targets().stream().anyMatch(t -> t.path().equals("s3://gc-usage-api-source/usage-daily_rows/")));
    }

    @Test
    void aNewFlowWithAQueryOfAnotherGroupByLandsInTablesOfItsOwnAndTheReportsAnswerAsBefore() throws IOException {
        Path queries = Files.createDirectories(temp.resolve("queries"));
        Files.copy(Path.of("queries/usage-query.json"), queries.resolve("usage-query.json"));
        Files.copy(Path.of("queries/usage-query-daily.json"), queries.resolve("usage-query-daily.json"));
        Files.writeString(queries.resolve("usage-by-uri.json"), """
                {
                  "interval": "last full week",
                  "granularity": "Day",
                  "groupBy": ["TemplateUri"],
                  "metrics": ["Status200", "Status300", "Status400", "Status500", "Status429", "Requests"]
                }
                """);
        Path routes = Files.createDirectories(temp.resolve("routes"));
        Files.writeString(routes.resolve("usage-by-uri.camel.yaml"), """
                - templatedRoute:
                    routeTemplateRef: usage-flow
                    routeId: usage-by-uri
                    parameters:
                      - name: flow
                        value: usage-by-uri
                      - name: queryFiles
                        value: "%s"
                """.formatted(queries.resolve("usage-by-uri.json")));
        Run with = run(Map.of("camel.main.routes-include-pattern", "file:routes/*.camel.yaml,file:" + routes + "/*.camel.yaml",
                "lake.queries-dir", queries.toString(),
                "usage.query-files", queries.resolve("usage-query.json").toString(),
                "usage-daily.query-files", queries.resolve("usage-query-daily.json").toString()),
                List.of("usage-export", "usage-daily", "usage-by-uri"));
        assertEquals(baseline, with.answers(), "the new flow's rows change no report");
        assertTrue(with.keys().stream().anyMatch(k -> k.startsWith("gc-usage-api-source/usage-by-uri/granularity=day/")),
                with.keys().toString());
        assertTrue(with.keys().stream().anyMatch(k -> k.startsWith("gc-usage-api-source/usage-by-uri_rows/granularity=day/")
                && k.endsWith(".parquet")), "its curated rows are Parquet in its own folder: " + with.keys());
        assertTrue(with.keys().stream().filter(k -> k.startsWith("gc-usage-api-source/usage-daily_rows/")).count()
                == with.keys().stream().filter(k -> k.startsWith("gc-usage-api-source/usage-daily/")).count(),
                "usage-daily's folders hold only its own objects");
        assertTrue(with.targets().contains(new CrawlerTarget("s3://gc-usage-api-source/usage-by-uri_rows/", List.of())),
                with.targets().toString());
    }

    @Test
    void aFlowMovedToAKeyPrefixKeepsTheSeedsTop10AndEveryReport() throws IOException {
        Run moved = run(Map.of("usage.key-prefix", "archive/"), List.of("usage-export", "usage-daily"));
        assertEquals(baseline, moved.answers(), "the reports read the moved tables under their new names");
        assertTrue(moved.keys().stream().anyMatch(k -> k.startsWith("gc-usage-api-source/archive/granularity=month/")),
                moved.keys().toString());
        assertTrue(moved.targets().contains(new CrawlerTarget("s3://gc-usage-api-source/archive/",
                List.of("usage_requests/**"))), moved.targets().toString());
        assertTrue(moved.targets().contains(new CrawlerTarget("s3://gc-usage-api-source/archive/usage_requests/",
                List.of())), moved.targets().toString());
        assertFalse(moved.targets().stream().anyMatch(t -> t.path().equals("s3://gc-usage-api-source/")),
                "nothing is at the root any more: " + moved.targets());
    }

    @Test
    void aFlowMovedToAnotherBucketKeepsEveryReport() throws IOException {
        Path routes = Files.createDirectories(temp.resolve("bucket-routes"));
        try (var files = Files.list(Path.of("routes"))) {
            for (Path f : files.toList()) {
                Files.copy(f, routes.resolve(f.getFileName()));
            }
        }
        Files.writeString(routes.resolve("usage.camel.yaml"), Files.readString(Path.of("routes/usage.camel.yaml"))
                .replace("      - name: rawFolder\n", "      - name: bucket\n        value: gc-usage-archive\n      - name: rawFolder\n"));
        Run moved = run(Map.of("camel.main.routes-include-pattern", "file:" + routes + "/*.camel.yaml"),
                List.of("usage-export", "usage-daily"));
        assertEquals(baseline, moved.answers());
        assertTrue(moved.keys().stream().anyMatch(k -> k.startsWith("gc-usage-archive/granularity=month/")),
                moved.keys().toString());
        assertTrue(moved.targets().contains(new CrawlerTarget("s3://gc-usage-archive/",
                List.of("_manifests/**", "usage_requests/**"))), moved.targets().toString());
    }
}
