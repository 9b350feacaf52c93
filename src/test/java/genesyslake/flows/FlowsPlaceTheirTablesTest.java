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
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures where a flow writes is part of the flow: a new flow with a query of another groupBy, and a second
 * conversations flow, land in tables of their own, and flows moved to another key prefix or bucket (a usage, a details
 * and a reference flow) keep their tables apart; in each case the crawler's targets follow and every shipped report
 * answers exactly as without the change (bugs of issue 19: a blank client in the per-day share report, 0 rows in the
 * seed's top-10).
 */
@FlowTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FlowsPlaceTheirTablesTest {

    /** Every shipped report (queries/sql): the usage ones and the details ones (which join dim_users / dim_queues). */
    private static final List<String> REPORTS = List.of("available-and-interacting-time-per-agent-per-day",
            "average-handle-time-per-agent", "inbound-voice-conversations-per-queue-per-day",
            "rate-limit-share-by-client-day", "requests-by-template-uri", "top10-rate-limited-clients");
    /** One day of details: enough rows for the details reports, and a short run. */
    private static final LocalDate DAY = LocalDate.now(ZoneOffset.UTC).minusDays(3);
    /** The flows every run exports: the usage flows, the details flows (one day) and the dims the reports join. */
    private static final List<String> SHIPPED = List.of("usage-export", "usage-daily", "conversation-details",
            "user-details", "reference-users", "reference-queues");

    @TempDir
    Path temp;

    private Map<String, List<String>> baseline;

    /** The usage flows, the refresh and the usage reports; the reports' CSV answers and the crawler's targets. */
    private record Run(Map<String, List<String>> answers, List<CrawlerTarget> targets, List<String> keys) {
    }

    private Run run(Map<String, String> overrides, List<String> flows) throws IOException {
        Map<String, String> props = new HashMap<>(overrides);
        props.put("athena.reports", String.join(",", REPORTS));
        // The client's rate governor off (0, as for a stand-in): at the shipped 240 requests/min each run's paging and
        // polling waited a quarter second a request; where the flows put their tables is the same without it.
        props.putIfAbsent("genesys.rate-limit.requests-per-minute", "0");
        LocalDaemon daemon = LocalDaemon.start(props);
        try {
            for (String flow : flows) {
                // The details flows (the shipped ones and a new one) export one day; the others their own interval.
                FlowOutcome outcome = daemon.run(flow, flow.startsWith("usage") || flow.startsWith("reference")
                        ? Map.of() : Map.of("lakeInterval", DAY + "/" + DAY.plusDays(1)));
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

    private static List<String> plus(List<String> flows, String... more) {
        List<String> all = new ArrayList<>(flows);
        all.addAll(List.of(more));
        return all;
    }

    @BeforeAll
    void theShippedFlows() throws IOException {
        try (var sql = Files.list(Path.of("queries/sql"))) {
            assertEquals(sql.map(f -> f.getFileName().toString().replaceFirst("\\.sql$", "")).sorted().toList(), REPORTS,
                    "every shipped report is compared");
        }
        Run shipped = run(Map.of(), SHIPPED);
        baseline = shipped.answers();
        assertEquals(11, baseline.get("top10-rate-limited-clients").size(), "the seed's top 10: " + baseline);
        assertTrue(baseline.get("rate-limit-share-by-client-day").size() > 1, "per-day rows: " + baseline);
        assertTrue(baseline.get("rate-limit-share-by-client-day").stream().skip(1).noneMatch(l -> l.split(",", -1)[1].isEmpty()),
                "no blank client: " + baseline.get("rate-limit-share-by-client-day"));
        // The details reports have rows, with the names their dims give (a dim not found would leave them blank).
        for (String r : List.of("available-and-interacting-time-per-agent-per-day", "average-handle-time-per-agent",
                "inbound-voice-conversations-per-queue-per-day")) {
            assertTrue(baseline.get(r).size() > 1, r + " has rows: " + baseline.get(r));
            int name = List.of(baseline.get(r).get(0).split(",")).indexOf(r.startsWith("inbound") ? "queue_name" : "user_name");
            assertTrue(name >= 0 && baseline.get(r).stream().skip(1).anyMatch(l -> !l.split(",", -1)[name].isEmpty()),
                    r + " names from its dim: " + baseline.get(r));
        }
        assertTrue(shipped.targets().stream().anyMatch(t -> t.path().equals("s3://gc-usage-api-source/usage-daily_rows/")));
    }

    @Test
    void aNewFlowWithAQueryOfAnotherGroupByLandsInTablesOfItsOwnAndTheReportsAnswerAsBefore() throws IOException {
        Path queries = Files.createDirectories(temp.resolve("queries"));
        for (String f : List.of("usage-query.json", "usage-query-daily.json", "conversation-details.json",
                "user-details.json")) {
            Files.copy(Path.of("queries").resolve(f), queries.resolve(f));
        }
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
                # A second conversations flow, the template's defaults: tables <flow>_conversations/, ... of its own.
                - templatedRoute:
                    routeTemplateRef: details-flow
                    routeId: conversations-copy
                    parameters:
                      - name: flow
                        value: conversations-copy
                      - name: kind
                        value: conversations
                      - name: queryFile
                        value: "%s"
                      - name: trailingWindow
                        value: "{{conversations.trailing-window}}"
                """.formatted(queries.resolve("usage-by-uri.json"), queries.resolve("conversation-details.json")));
        Run with = run(Map.of("camel.main.routes-include-pattern", "file:routes/*.camel.yaml,file:" + routes + "/*.camel.yaml",
                "lake.queries-dir", queries.toString(),
                "usage.query-files", queries.resolve("usage-query.json").toString(),
                "usage-daily.query-files", queries.resolve("usage-query-daily.json").toString(),
                "conversations.query-file", queries.resolve("conversation-details.json").toString(),
                "users.query-file", queries.resolve("user-details.json").toString()),
                plus(SHIPPED, "usage-by-uri", "conversations-copy"));
        assertEquals(baseline, with.answers(), "the new flows' rows change no report, the details ones included");
        for (String folder : List.of("conversations-copy_conversations/", "conversations-copy_conversation_segments/",
                "conversations-copy_queue_daily/", "conversations-copy_agent_handle_daily/")) {
            assertTrue(with.keys().stream().anyMatch(k -> k.startsWith("gc-usage-api-source/" + folder)),
                    "the new details flow's own table " + folder + ": " + with.keys());
            assertTrue(with.targets().contains(new CrawlerTarget("s3://gc-usage-api-source/" + folder, List.of())),
                    with.targets().toString());
        }
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
    void flowsMovedToAKeyPrefixKeepTheSeedsTop10AndEveryReport() throws IOException {
        Run moved = run(Map.of("usage.key-prefix", "archive/", "conversations.key-prefix", "archive/",
                "reference.key-prefix", "reference/"), SHIPPED);
        assertEquals(baseline, moved.answers(), "the reports read the moved tables under their new names");
        assertTrue(moved.keys().stream().anyMatch(k -> k.startsWith("gc-usage-api-source/archive/granularity=month/")),
                moved.keys().toString());
        for (String folder : List.of("archive/conversations/", "archive/conversation_segments/", "archive/queue_daily/",
                "reference/users/", "reference/dim_users/", "reference/dim_queues/")) {
            assertTrue(moved.keys().stream().anyMatch(k -> k.startsWith("gc-usage-api-source/" + folder)), folder);
            assertTrue(moved.targets().contains(new CrawlerTarget("s3://gc-usage-api-source/" + folder, List.of())),
                    folder + " is a target: " + moved.targets());
        }
        for (String folder : List.of("conversations/", "queue_daily/", "users/", "dim_users/", "dim_queues/")) {
            assertTrue(moved.keys().stream().noneMatch(k -> k.startsWith("gc-usage-api-source/" + folder)),
                    "nothing left in " + folder + ": " + moved.keys());
        }
        assertTrue(moved.targets().contains(new CrawlerTarget("s3://gc-usage-api-source/archive/",
                List.of("agent_handle_daily/**", "conversation_segments/**", "conversations/**", "queue_daily/**",
                        "usage_requests/**"))), moved.targets().toString());
        assertTrue(moved.targets().contains(new CrawlerTarget("s3://gc-usage-api-source/archive/usage_requests/",
                List.of())), moved.targets().toString());
        assertFalse(moved.targets().stream().anyMatch(t -> t.path().equals("s3://gc-usage-api-source/")),
                "nothing is at the root any more: " + moved.targets());
    }

    @Test
    void flowsMovedToAnotherBucketKeepEveryReport() throws IOException {
        Path routes = Files.createDirectories(temp.resolve("bucket-routes"));
        try (var files = Files.list(Path.of("routes"))) {
            for (Path f : files.toList()) {
                Files.copy(f, routes.resolve(f.getFileName()));
            }
        }
        // usage-export, user-details and reference-users each get a bucket parameter (a small edit of its templatedRoute).
        String bucket = "      - name: bucket\n        value: gc-usage-archive\n";
        edit(routes.resolve("usage.camel.yaml"), "      - name: rawFolder\n", bucket + "      - name: rawFolder\n");
        edit(routes.resolve("user-details.camel.yaml"), "      - name: tablePrefix\n", bucket + "      - name: tablePrefix\n");
        edit(routes.resolve("reference.camel.yaml"), "        value: /api/v2/users\n", "        value: /api/v2/users\n" + bucket);
        Run moved = run(Map.of("camel.main.routes-include-pattern", "file:" + routes + "/*.camel.yaml"), SHIPPED);
        assertEquals(baseline, moved.answers());
        assertTrue(moved.keys().stream().anyMatch(k -> k.startsWith("gc-usage-archive/granularity=month/")),
                moved.keys().toString());
        for (String folder : List.of("user_details/", "user_presence/", "agent_status_daily/", "users/", "dim_users/")) {
            assertTrue(moved.keys().stream().anyMatch(k -> k.startsWith("gc-usage-archive/" + folder)), folder);
            assertTrue(moved.keys().stream().noneMatch(k -> k.startsWith("gc-usage-api-source/" + folder)),
                    "nothing of " + folder + " in the source bucket: " + moved.keys());
        }
        assertTrue(moved.targets().contains(new CrawlerTarget("s3://gc-usage-archive/",
                List.of("_manifests/**", "agent_status_daily/**", "dim_users/**", "usage_requests/**", "user_details/**",
                        "user_presence/**", "user_routing_status/**", "users/**"))), moved.targets().toString());
        assertTrue(moved.targets().contains(new CrawlerTarget("s3://gc-usage-archive/dim_users/", List.of())),
                moved.targets().toString());
    }

    /** Replaces one occurrence of {@code from}, which the shipped file must hold. */
    private static void edit(Path file, String from, String to) throws IOException {
        String yaml = Files.readString(file);
        assertEquals(1, yaml.split(java.util.regex.Pattern.quote(from), -1).length - 1, file + " holds " + from + " once");
        Files.writeString(file, yaml.replace(from, to));
    }
}
