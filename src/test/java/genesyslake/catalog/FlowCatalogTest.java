package genesyslake.catalog;

import genesyslake.lake.CuratedTable;
import genesyslake.lake.FlatFormat;
import genesyslake.testsupport.ShippedFlows;
import genesyslake.testsupport.UnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures the lake catalog is derived from the flows' parameters: default folders of a flow's own, crawler targets
 * and exclusions per table location, logical names of moved tables, and a clash of two flows' tables refused.
 */
@UnitTest
class FlowCatalogTest {

    private static final String BUCKET = "gc-usage-api-source";

    @TempDir
    Path routes;

    private FlowCatalog shippedWith(String extraFile, String yaml, Map<String, String> settings) throws IOException {
        Path dir = Files.createTempDirectory(routes, "routes");
        try (var files = Files.list(Path.of("routes"))) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        if (extraFile != null) {
            Files.writeString(dir.resolve(extraFile), yaml);
        }
        Map<String, String> all = new java.util.HashMap<>(settings);
        all.putIfAbsent("lake.source-bucket", BUCKET);
        return ShippedFlows.catalog(dir, all, FlatFormat.PARQUET);
    }

    private static Optional<FlowCatalog.FlowTable> table(FlowCatalog c, String name) {
        return c.tables().stream().filter(t -> t.name().equals(name)).findFirst();
    }

    @Test
    void theShippedFlowsKeepTheSeedsTablesAndUsageDailyHasFoldersOfItsOwn() {
        FlowCatalog c = ShippedFlows.catalog(BUCKET);
        assertEquals("s3://gc-usage-api-source/", table(c, "gc_usage_api_source").orElseThrow().location());
        assertEquals("usage-export", table(c, "gc_usage_api_source").orElseThrow().flow());
        assertEquals("s3://gc-usage-api-source/usage_requests/", table(c, "usage_requests").orElseThrow().location());
        assertEquals("usage-daily", table(c, "usage_daily").orElseThrow().flow());
        assertEquals("s3://gc-usage-api-source/usage-daily/", table(c, "usage_daily").orElseThrow().location());
        assertEquals("s3://gc-usage-api-source/usage-daily_rows/", table(c, "usage_daily_rows").orElseThrow().location());
        for (String t : List.of("conversations", "conversation_segments", "agent_handle_daily", "queue_daily")) {
            assertEquals("conversation-details", table(c, t).orElseThrow().flow(), t);
        }
        for (String t : List.of("user_details", "user_presence", "user_routing_status", "agent_status_daily")) {
            assertEquals("user-details", table(c, t).orElseThrow().flow(), t);
        }
        assertEquals("reference-wrapup-codes", table(c, "dim_wrapup_codes").orElseThrow().flow());
        assertEquals("usage-aggregates", table(c, "usage_aggregates").orElseThrow().flow());
        assertEquals(25, c.tables().size(), c.tables().stream().map(FlowCatalog.FlowTable::name).toList().toString());
        assertTrue(c.physicalNames().isEmpty(), "nothing moved: " + c.physicalNames());
        // Every table shape LakeTables defines is somewhere in the shipped catalog, under its own name.
        for (LakeTables.LakeTable t : new LakeTables(BUCKET).all()) {
            assertEquals(t.prefix(), table(c, t.name()).orElseThrow().table().prefix(), t.name());
        }
    }

    @Test
    void oneTargetPerTableTheRootOneExcludingEveryOtherFolderAndTheManifests() {
        List<CrawlerTarget> targets = ShippedFlows.crawlerTargets(BUCKET);
        assertEquals(25, targets.size(), "the seed's 23 and usage-daily's two");
        CrawlerTarget root = targets.stream().filter(t -> t.path().equals("s3://gc-usage-api-source/")).findFirst().orElseThrow();
        assertEquals(25, root.exclusions().size(), root.exclusions().toString());
        assertTrue(root.exclusions().containsAll(List.of("_manifests/**", "conversations/**", "usage-daily/**",
                "usage-daily_rows/**", "dim_users/**")), root.exclusions().toString());
        assertTrue(targets.stream().filter(t -> t != root).allMatch(t -> t.exclusions().isEmpty()));
        assertEquals("gc_usage_api_source", root.tableName());
    }

    @Test
    void aNewFlowFromATemplateGetsFoldersOfItsOwn() throws IOException {
        FlowCatalog c = shippedWith("usage-by-uri.camel.yaml", """
                - templatedRoute:
                    routeTemplateRef: usage-flow
                    routeId: usage-by-uri
                    parameters:
                      - name: flow
                        value: usage-by-uri
                      - name: queryFiles
                        value: queries/usage-by-uri.json
                - templatedRoute:
                    routeTemplateRef: details-flow
                    routeId: conversations-archive
                    parameters:
                      - name: flow
                        value: conversations-archive
                      - name: kind
                        value: conversations
                      - name: queryFile
                        value: queries/conversation-details.json
                      - name: trailingWindow
                        value: 0h
                """, Map.of());
        assertEquals("s3://gc-usage-api-source/usage-by-uri/", table(c, "usage_by_uri").orElseThrow().location());
        assertEquals("s3://gc-usage-api-source/usage-by-uri_rows/", table(c, "usage_by_uri_rows").orElseThrow().location());
        assertEquals("s3://gc-usage-api-source/conversations-archive_agent_handle_daily/",
                table(c, "conversations_archive_agent_handle_daily").orElseThrow().location());
        assertEquals("usage_requests", c.curatedFolders().get("usage-by-uri_rows"));
        assertEquals("conversation_segments", c.curatedFolders().get("conversations-archive_conversation_segments"));
        // The seed's tables are where they were, and the reports' names still mean them.
        assertEquals("usage-export", table(c, "usage_requests").orElseThrow().flow());
        assertTrue(c.physicalNames().isEmpty(), c.physicalNames().toString());
        // A spooled key in the new flows' curated folders is curated as its shape is (Parquet, summaries).
        CuratedTable.useFolders(c.curatedFolders());
        try {
            assertEquals(Optional.of(CuratedTable.USAGE_REQUESTS),
                    CuratedTable.forKey("usage-by-uri_rows/granularity=day/usage_x_y.json.gz"));
            assertEquals(Optional.empty(), CuratedTable.forKey("usage-by-uri/granularity=day/usage_x_y.json.gz"));
            assertEquals(Optional.of(CuratedTable.CONVERSATION_SEGMENTS), CuratedTable.forKey(
                    "conversations-archive_conversation_segments/date=2026-11-03/c_2026-11-03.json.gz"));
        } finally {
            CuratedTable.useFolders(Map.of());
        }
    }

    @Test
    void aFlowMovedToAKeyPrefixKeepsItsLogicalNamesAndTheTargetsFollow() throws IOException {
        FlowCatalog c = shippedWith(null, null, Map.of("usage.key-prefix", "archive/"));
        FlowCatalog.FlowTable raw = c.resolve("gc_usage_api_source").orElseThrow();
        assertEquals("archive", raw.name(), "Glue names a table after its folder's last segment");
        assertEquals("s3://gc-usage-api-source/archive/", raw.location());
        assertEquals(Map.of("gc_usage_api_source", "archive"), c.physicalNames());
        assertEquals("s3://gc-usage-api-source/archive/usage_requests/", c.resolve("usage_requests").orElseThrow().location());
        List<CrawlerTarget> targets = c.crawlerTargets();
        CrawlerTarget archive = targets.stream().filter(t -> t.path().equals("s3://gc-usage-api-source/archive/"))
                .findFirst().orElseThrow();
        assertEquals(List.of("usage_requests/**"), archive.exclusions(), "its curated folder is a table of its own");
        assertTrue(targets.stream().noneMatch(t -> t.path().equals("s3://gc-usage-api-source/")),
                "no root target any more: nothing of the flows is at the root");
        assertTrue(targets.stream().anyMatch(t -> t.path().equals("s3://gc-usage-api-source/archive/usage_requests/")));
    }

    @Test
    void aFlowMovedToAnotherBucketIsCataloguedThere() throws IOException {
        FlowCatalog c = shippedWith(null, null, Map.of());
        FlowCatalog moved = shippedWith("x.camel.yaml", "[]", Map.of()); // same routes, to compare
        assertEquals(c.crawlerTargets(), moved.crawlerTargets());
        Path other = Files.createTempDirectory(routes, "other");
        Files.writeString(other.resolve("usage.camel.yaml"), Files.readString(Path.of("routes/usage.camel.yaml"))
                .replace("      - name: rawFolder\n", "      - name: bucket\n        value: other-bucket\n      - name: rawFolder\n"));
        FlowCatalog elsewhere = ShippedFlows.catalog(other, Map.of("lake.source-bucket", BUCKET), FlatFormat.PARQUET);
        FlowCatalog.FlowTable raw = elsewhere.resolve("gc_usage_api_source").orElseThrow();
        assertEquals("other_bucket", raw.name());
        assertEquals("s3://other-bucket/", raw.location());
        assertEquals(List.of(BUCKET, "other-bucket"), elsewhere.buckets());
        assertEquals(List.of("_manifests/**", "usage_requests/**"), elsewhere.crawlerTargets().stream()
                .filter(t -> t.path().equals("s3://other-bucket/")).findFirst().orElseThrow().exclusions());
    }

    /** The shipped routes with one file edited ({@code from} must occur in it once). */
    private FlowCatalog shippedEdited(String file, String from, String to, Map<String, String> settings)
            throws IOException {
        Path dir = Files.createTempDirectory(routes, "edited");
        try (var files = Files.list(Path.of("routes"))) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        String yaml = Files.readString(dir.resolve(file));
        assertEquals(2, yaml.split(java.util.regex.Pattern.quote(from), -1).length, file + " holds " + from + " once");
        Files.writeString(dir.resolve(file), yaml.replace(from, to));
        Map<String, String> all = new java.util.HashMap<>(settings);
        all.putIfAbsent("lake.source-bucket", BUCKET);
        return ShippedFlows.catalog(dir, all, FlatFormat.PARQUET);
    }

    @Test
    void aReferenceFlowMovedToAKeyPrefixTakesBothItsTablesAndTheTargetsFollow() throws IOException {
        FlowCatalog c = shippedEdited("reference.camel.yaml", "        value: /api/v2/users\n",
                "        value: /api/v2/users\n      - name: keyPrefix\n        value: ref/\n", Map.of());
        assertEquals("s3://gc-usage-api-source/ref/users/", table(c, "users").orElseThrow().location());
        assertEquals("s3://gc-usage-api-source/ref/dim_users/", table(c, "dim_users").orElseThrow().location());
        assertEquals("reference-users", table(c, "dim_users").orElseThrow().flow());
        assertEquals("s3://gc-usage-api-source/dim_queues/", table(c, "dim_queues").orElseThrow().location(),
                "the other reference flows stay");
        assertTrue(c.physicalNames().isEmpty(), "Glue names them as before, so reports read them unchanged: "
                + c.physicalNames());
        List<CrawlerTarget> targets = c.crawlerTargets();
        CrawlerTarget root = targets.stream().filter(t -> t.path().equals("s3://gc-usage-api-source/")).findFirst()
                .orElseThrow();
        assertTrue(root.exclusions().containsAll(List.of("ref/users/**", "ref/dim_users/**"))
                && !root.exclusions().contains("users/**") && !root.exclusions().contains("dim_users/**"),
                root.exclusions().toString());
        assertTrue(targets.contains(new CrawlerTarget("s3://gc-usage-api-source/ref/dim_users/", List.of())));
        assertTrue(targets.stream().noneMatch(t -> t.path().equals("s3://gc-usage-api-source/dim_users/")));
        assertEquals(25, targets.size(), "the same tables, one moved");
    }

    @Test
    void aReferenceFlowMovedToAnotherBucketIsCataloguedThere() throws IOException {
        FlowCatalog c = shippedEdited("reference.camel.yaml", "        value: /api/v2/routing/queues\n",
                "        value: /api/v2/routing/queues\n      - name: bucket\n        value: other-bucket\n", Map.of());
        assertEquals("s3://other-bucket/queues/", table(c, "queues").orElseThrow().location());
        assertEquals("s3://other-bucket/dim_queues/", table(c, "dim_queues").orElseThrow().location());
        assertEquals(List.of(BUCKET, "other-bucket"), c.buckets());
        assertTrue(c.crawlerTargets().contains(new CrawlerTarget("s3://other-bucket/dim_queues/", List.of())));
        assertTrue(c.crawlerTargets().stream().noneMatch(t -> t.path().equals("s3://other-bucket/")),
                "no table at that bucket's root");
        assertFalse(c.crawlerTargets().stream().filter(t -> t.path().equals("s3://gc-usage-api-source/")).findFirst()
                .orElseThrow().exclusions().contains("dim_queues/**"), "nothing of it left in the source bucket");
    }

    @Test
    void referenceKeyPrefixMovesEveryReferenceFlowAndTheShippedDefaultsKeepTheirPlaces() throws IOException {
        FlowCatalog moved = shippedWith(null, null, Map.of("reference.key-prefix", "reference/"));
        List<FlowCatalog.FlowTable> reference = moved.tables().stream().filter(t -> t.flow().startsWith("reference-"))
                .toList();
        assertEquals(12, reference.size());
        assertTrue(reference.stream().allMatch(t -> t.location().startsWith("s3://gc-usage-api-source/reference/")),
                reference.stream().map(FlowCatalog.FlowTable::location).toList().toString());
        // Unset (as shipped): where they always were, so CloudFormation's targets stay equal (LakeTemplateTest).
        assertTrue(ShippedFlows.catalog(BUCKET).tables().stream().filter(t -> t.flow().startsWith("reference-"))
                .allMatch(t -> t.location().equals("s3://gc-usage-api-source/" + t.name() + "/")));
    }

    @Test
    void twoFlowsWhoseTablesWouldShareAFolderOrAGlueNameAreRefusedNamingBoth() throws IOException {
        IllegalArgumentException sameFolder = assertThrows(IllegalArgumentException.class, () -> shippedWith(
                "clash.camel.yaml", """
                - templatedRoute:
                    routeTemplateRef: usage-flow
                    routeId: usage-by-uri
                    parameters:
                      - name: flow
                        value: usage-by-uri
                      - name: queryFiles
                        value: queries/usage-by-uri.json
                      - name: curatedFolder
                        value: usage_requests/
                """, Map.of()));
        assertTrue(sameFolder.getMessage().contains("usage-export") && sameFolder.getMessage().contains("usage-by-uri")
                && sameFolder.getMessage().contains("s3://gc-usage-api-source/usage_requests/"), sameFolder.getMessage());
        assertTrue(sameFolder instanceof FlowPlacementException p && java.util.Set.copyOf(p.flows()).equals(java.util.Set.of("usage-export", "usage-by-uri")),
                "a refusal the command line logs as one line: " + sameFolder);
        assertTrue(sameFolder.getMessage().matches("Flows usage-by-uri \\(\\S+/clash\\.camel\\.yaml\\) and usage-export "
                + "\\(\\S+/usage\\.camel\\.yaml\\) have tables that clash: both write to .*"),
                "the files that declare them: " + sameFolder.getMessage());

        IllegalArgumentException sameName = assertThrows(IllegalArgumentException.class, () -> shippedWith(
                "clash2.camel.yaml", """
                - templatedRoute:
                    routeTemplateRef: usage-flow
                    routeId: usage-by-uri
                    parameters:
                      - name: flow
                        value: usage-by-uri
                      - name: queryFiles
                        value: queries/usage-by-uri.json
                      - name: curatedFolder
                        value: elsewhere/usage_requests/
                """, Map.of()));
        assertTrue(sameName.getMessage().contains("Glue would name both usage_requests")
                && sameName.getMessage().contains("usage-by-uri"), sameName.getMessage());
    }

    @Test
    void aSecondDetailsFlowOfAKindInTheSeedsFoldersIsRefused() {
        FlowCatalog.Placement a = new FlowCatalog.Placement("conversation-details", BUCKET, "");
        FlowCatalog.Placement b = new FlowCatalog.Placement("conversations-eu", BUCKET, "eu/");
        List<FlowCatalog.FlowTable> tables = new java.util.ArrayList<>(
                FlowCatalog.detailsFlow(a, BUCKET, "conversations", "", FlatFormat.PARQUET));
        tables.addAll(FlowCatalog.detailsFlow(b, BUCKET, "conversations", "", FlatFormat.PARQUET));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FlowCatalog.of(BUCKET, tables));
        assertTrue(e.getMessage().contains("conversation-details and conversations-eu"), e.getMessage());
        // With a table prefix of its own it is fine.
        List<FlowCatalog.FlowTable> own = new java.util.ArrayList<>(
                FlowCatalog.detailsFlow(a, BUCKET, "conversations", "", FlatFormat.PARQUET));
        own.addAll(FlowCatalog.detailsFlow(b, BUCKET, "conversations", "eu_", FlatFormat.PARQUET));
        assertEquals(8, FlowCatalog.of(BUCKET, own).tables().size());
    }

    @Test
    void aFolderParameterMustBeAFolder() {
        FlowCatalog.Placement p = new FlowCatalog.Placement("u", BUCKET, "");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FlowCatalog.usageFlow(p, BUCKET, "raw", "rows/", FlatFormat.PARQUET));
        assertTrue(e.getMessage().contains("rawFolder 'raw'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new FlowCatalog.Placement("u", BUCKET, "/archive/"));
        assertFalse(FlowCatalog.usageFlow(p, BUCKET, "", "rows/", FlatFormat.PARQUET).get(0).table().atRoot() == false);
    }
}
