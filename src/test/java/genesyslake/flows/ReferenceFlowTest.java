package genesyslake.flows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import genesyslake.local.genesys.LocalGenesys;
import genesyslake.management.FlowOutcome;
import genesyslake.testsupport.FlowTest;
import genesyslake.testsupport.LocalDaemon;
import genesyslake.testsupport.Parquet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reference flows write each listing as the local Genesys served it (every page, deleted users included) under
 * {@code <entity>/snapshot=<day>/}, and the day's dim beside it; a second day adds its own snapshot, leaves the first
 * one's bytes alone, and its dim keeps what left the listing as deleted. Moved to a key prefix, a reference flow writes
 * both tables there, reads its previous dim from there, and the catalog (crawler targets, Glue tables) follows.
 */
@FlowTest
class ReferenceFlowTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final LocalDate DAY = LocalDate.now(ZoneOffset.UTC).minusDays(3);
    private static final Map<String, String> FLOWS = Map.of("users", "/api/v2/users?state=any",
            "queues", "/api/v2/routing/queues", "wrapup_codes", "/api/v2/routing/wrapupcodes",
            "divisions", "/api/v2/authorization/divisions", "skills", "/api/v2/routing/skills",
            "presences", "/api/v2/presence/definitions");

    private LocalDaemon daemon;

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.closeAndDelete();
        }
    }

    private static String day(LocalDate d) {
        return d + "/" + d.plusDays(1);
    }

    private Path object(String key) {
        return daemon.dataDir().resolve("s3/gc-usage-api-source").resolve(key);
    }

    private static String flow(String entity) {
        return "reference-" + entity.replace('_', '-');
    }

    /** Every entity of a listing, page by page as a client following nextUri reads it, each compact as sent. */
    static List<String> served(LocalGenesys g, String pathAndQuery) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String basic = Base64.getEncoder().encodeToString((g.settings().clientId() + ":" + g.settings().clientSecret())
                .getBytes(StandardCharsets.UTF_8));
        JsonNode token = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(g.baseUrl() + "/oauth/token"))
                .header("Authorization", "Basic " + basic).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        List<String> out = new ArrayList<>();
        String next = pathAndQuery + (pathAndQuery.contains("?") ? "&" : "?") + "pageSize=7&pageNumber=1";
        while (next != null) {
            JsonNode page = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(g.baseUrl() + next))
                    .header("Authorization", "Bearer " + token.path("access_token").asText()).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            for (JsonNode e : page.path("entities")) {
                out.add(JSON.writeValueAsString(e));
            }
            next = page.path("nextUri").isMissingNode() ? null : page.path("nextUri").asText();
        }
        return out;
    }

    @Test
    void eachSnapshotIsEveryEntityTheLocalGenesysServedOnEveryPage() throws Exception {
        daemon = LocalDaemon.start(Map.of("reference.page-size", "7"));
        for (Map.Entry<String, String> e : FLOWS.entrySet()) {
            FlowOutcome outcome = daemon.run(flow(e.getKey()), Map.of("lakeInterval", day(DAY)));
            assertTrue(outcome.success(), outcome.toString());
            String prefix = e.getKey() + "/snapshot=" + DAY + "/";
            assertEquals(List.of(prefix + e.getKey() + "_" + DAY + ".json.gz"), daemon.lake().keys(prefix));
            List<String> expected = served(daemon.local().genesys(), e.getValue());
            assertEquals(expected, daemon.lake().lines(prefix), e.getKey() + ": every entity, as sent, in order");
            String dim = "dim_" + e.getKey() + "/snapshot=" + DAY + "/dim_" + e.getKey() + "_" + DAY + ".parquet";
            List<String> ids = Parquet.rows(object(dim), "id || '|' || coalesce(name, '') || '|' || deleted");
            assertEquals(expected.size(), ids.size(), dim);
        }
        List<String> users = daemon.lake().lines("users/snapshot=" + DAY + "/");
        assertTrue(users.size() == daemon.local().genesys().dataset().userIds().size()
                && users.stream().anyMatch(u -> u.contains("\"state\":\"deleted\""))
                && users.stream().anyMatch(u -> u.contains("\"state\":\"inactive\"")), "deleted and inactive users too");
        List<String> deleted = Parquet.rows(object("dim_users/snapshot=" + DAY + "/dim_users_" + DAY + ".parquet"),
                "CASE WHEN deleted THEN state END").stream().filter(s -> s != null).distinct().toList();
        assertEquals(List.of("deleted"), deleted, "a deleted user is deleted in dim_users");
    }

    @Test
    void aSecondDayReplacesNothingOfTheFirstAndTheDimFollowsTheNewest() throws Exception {
        daemon = LocalDaemon.start(Map.of());
        assertTrue(daemon.run("reference-queues", Map.of("lakeInterval", day(DAY))).success());
        String firstKey = "queues/snapshot=" + DAY + "/queues_" + DAY + ".json.gz";
        byte[] first = Files.readAllBytes(object(firstKey));
        String gone = daemon.local().genesys().dataset().queueIds().get(7);
        daemon.local().genesys().directory().deleteQueue(gone);
        LocalDate next = DAY.plusDays(1);
        assertTrue(daemon.run("reference-queues", Map.of("lakeInterval", day(next))).success());
        assertArrayEquals(first, Files.readAllBytes(object(firstKey)), "the first day's snapshot is untouched");
        assertEquals(7, daemon.lake().lines("queues/snapshot=" + next + "/").size());
        assertEquals(8, daemon.lake().lines("queues/snapshot=" + DAY + "/").size());
        Path dim = object("dim_queues/snapshot=" + next + "/dim_queues_" + next + ".parquet");
        Map<String, String> rows = Parquet.rows(dim, "id || '|' || name || '|' || deleted || '|' || first_seen || '|' "
                + "|| last_seen").stream().collect(Collectors.toMap(r -> r.substring(0, r.indexOf('|')), r -> r));
        assertEquals(8, rows.size(), rows.toString());
        assertEquals(gone + "|Callbacks|true|" + DAY + "|" + DAY, rows.get(gone), "kept, deleted, last seen the day before");
        String stays = daemon.local().genesys().dataset().queueIds().get(0);
        assertEquals(stays + "|Customer Service|false|" + DAY + "|" + next, rows.get(stays));
        // A rerun of the newer day replaces its objects and computes the same dim.
        List<String> before = Parquet.rows(dim, "id || deleted || first_seen || last_seen");
        assertTrue(daemon.run("reference-queues", Map.of("lakeInterval", day(next))).success());
        assertEquals(before, Parquet.rows(dim, "id || deleted || first_seen || last_seen"));
        assertEquals(2, daemon.lake().keys("dim_queues/").size());
    }

    @Test
    void aFlowMovedToAKeyPrefixWritesAndReadsItsTablesThereAndTheCatalogFollows() throws Exception {
        daemon = LocalDaemon.start(Map.of("reference.key-prefix", "reference/"));
        assertTrue(daemon.run("reference-queues", Map.of("lakeInterval", day(DAY))).success());
        assertEquals(List.of("reference/queues/snapshot=" + DAY + "/queues_" + DAY + ".json.gz"),
                daemon.lake().keys("reference/queues/"));
        assertEquals(List.of("reference/dim_queues/snapshot=" + DAY + "/dim_queues_" + DAY + ".parquet"),
                daemon.lake().keys("reference/dim_queues/"));
        assertEquals(List.of(), daemon.lake().keys("queues/"), "nothing where it wrote before");
        assertEquals(List.of(), daemon.lake().keys("dim_queues/"));
        // The next day's dim is computed from the previous one, which it finds under the prefix too.
        String gone = daemon.local().genesys().dataset().queueIds().get(7);
        daemon.local().genesys().directory().deleteQueue(gone);
        LocalDate next = DAY.plusDays(1);
        assertTrue(daemon.run("reference-queues", Map.of("lakeInterval", day(next))).success());
        Map<String, String> rows = Parquet.rows(object("reference/dim_queues/snapshot=" + next + "/dim_queues_" + next
                + ".parquet"), "id || '|' || deleted || '|' || first_seen").stream()
                .collect(Collectors.toMap(r -> r.substring(0, r.indexOf('|')), r -> r));
        assertEquals(gone + "|true|" + DAY, rows.get(gone), "kept from the previous dim under the prefix, deleted");

        FlowOutcome refresh = daemon.run("catalog-refresh", Map.of());
        assertTrue(refresh.success(), refresh.toString());
        software.amazon.awssdk.services.glue.GlueClient glue = daemon.bean("glueClient",
                software.amazon.awssdk.services.glue.GlueClient.class);
        List<String> targets = glue.getCrawler(b -> b.name("UsageApiCrawler")).crawler().targets().s3Targets().stream()
                .map(t -> t.path()).toList();
        assertTrue(targets.contains("s3://gc-usage-api-source/reference/dim_queues/")
                && !targets.contains("s3://gc-usage-api-source/dim_queues/"), targets.toString());
        String database = daemon.context().resolvePropertyPlaceholders("{{glue.database}}");
        String location = glue.getTable(b -> b.databaseName(database).name("dim_queues")).table().storageDescriptor()
                .location();
        assertTrue(location.startsWith("s3://gc-usage-api-source/reference/dim_queues"), location);
    }
}
