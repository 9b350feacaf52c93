package genesyslake.local.genesys;

import com.mypurecloud.sdk.v2.model.AuthzDivisionEntityListing;
import com.mypurecloud.sdk.v2.model.OrganizationPresenceDefinition;
import com.mypurecloud.sdk.v2.model.OrganizationPresenceDefinitionEntityListing;
import com.mypurecloud.sdk.v2.model.QueueEntityListing;
import com.mypurecloud.sdk.v2.model.SkillEntityListing;
import com.mypurecloud.sdk.v2.model.User;
import com.mypurecloud.sdk.v2.model.UserEntityListing;
import com.mypurecloud.sdk.v2.model.WrapupCodeEntityListing;
import genesyslake.testsupport.FlowTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static genesyslake.local.genesys.StrictModelTest.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The local Genesys' reference listings (users, queues, wrap-up codes, divisions, skills, presence definitions) read
 * strictly into the SDK's listing models, page as Genesys does (nextUri until the last page, pageCount, total) and
 * carry the very ids the conversations and user details name, deleted users included with state=any.
 */
@FlowTest
class DirectoryListingsTest {

    private LocalGenesys genesys;
    private GenesysHttpTestClient client;

    @BeforeEach
    void start() throws Exception {
        // 97 agents: users page over several pages of 25 and end on a short one.
        genesys = new LocalGenesys(new LocalGenesysSettings(0, "local-client", "local-secret", 5, 50, 97, 0, 0, 42L))
                .start();
        client = new GenesysHttpTestClient(genesys);
    }

    @AfterEach
    void stop() {
        genesys.close();
    }

    private byte[] get(String path) throws Exception {
        var r = client.send("GET", path, null);
        assertEquals(200, r.statusCode(), path + ": " + new String(r.body(), StandardCharsets.UTF_8));
        return r.body();
    }

    @Test
    void usersPageThroughEveryoneWithStateAnyDeletedIncluded() throws Exception {
        List<String> ids = new ArrayList<>();
        Set<String> states = new HashSet<>();
        String path = "/api/v2/users?pageSize=25&pageNumber=1&state=any";
        int pages = 0;
        while (path != null) {
            UserEntityListing page = read(get(path), UserEntityListing.class, path);
            pages++;
            assertEquals(4, page.getPageCount());
            assertEquals(97L, page.getTotal());
            for (User u : page.getEntities()) {
                ids.add(u.getId());
                states.add(u.getState().toString());
                assertFalse(u.getName().isBlank());
                assertTrue(u.getSelfUri().endsWith(u.getId()));
            }
            path = page.getNextUri();
            assertTrue(path == null || path.contains("state=any"), "nextUri keeps the state: " + path);
        }
        assertEquals(4, pages);
        assertEquals(genesys.dataset().userIds(), ids, "every agent the conversations name, in order");
        assertEquals(Set.of("active", "inactive", "deleted"), states);
        UserEntityListing active = read(get("/api/v2/users?pageSize=500"), UserEntityListing.class, "active");
        assertTrue(active.getTotal() < 97 && active.getEntities().stream()
                .allMatch(u -> u.getState() == User.StateEnum.ACTIVE), "state defaults to active");
        UserEntityListing past = read(get("/api/v2/users?pageSize=25&pageNumber=9&state=any"),
                UserEntityListing.class, "past the last page");
        assertTrue(past.getEntities().isEmpty());
        assertNull(past.getNextUri());
        assertEquals(400, client.send("GET", "/api/v2/users?pageSize=501", null).statusCode());
        assertEquals(400, client.send("GET", "/api/v2/users?state=gone", null).statusCode());
    }

    @Test
    void queuesWrapUpCodesDivisionsAndSkillsReadIntoTheSdkListings() throws Exception {
        QueueEntityListing queues = read(get("/api/v2/routing/queues?pageSize=5&pageNumber=1"),
                QueueEntityListing.class, "queues 1");
        QueueEntityListing queues2 = read(get(queues.getNextUri()), QueueEntityListing.class, "queues 2");
        assertNull(queues2.getNextUri());
        List<String> queueIds = new ArrayList<>();
        queues.getEntities().forEach(q -> queueIds.add(q.getId()));
        queues2.getEntities().forEach(q -> queueIds.add(q.getId()));
        assertEquals(genesys.dataset().queueIds(), queueIds);

        String deleted = genesys.dataset().queueIds().get(7);
        genesys.directory().deleteQueue(deleted);
        QueueEntityListing after = read(get("/api/v2/routing/queues?pageSize=100"), QueueEntityListing.class, "q");
        assertEquals(7L, after.getTotal());
        assertTrue(after.getEntities().stream().noneMatch(q -> q.getId().equals(deleted)));

        WrapupCodeEntityListing codes = read(get("/api/v2/routing/wrapupcodes?pageSize=100&pageNumber=1"),
                WrapupCodeEntityListing.class, "wrap-up codes");
        assertEquals(List.of(genesys.dataset().org().wrapUpCodes),
                codes.getEntities().stream().map(c -> c.getId()).toList());
        AuthzDivisionEntityListing divisions = read(get("/api/v2/authorization/divisions"),
                AuthzDivisionEntityListing.class, "divisions");
        assertEquals(List.of(genesys.dataset().org().homeDivision, genesys.dataset().org().backOfficeDivision),
                divisions.getEntities().stream().map(d -> d.getId()).toList());
        SkillEntityListing skills = read(get("/api/v2/routing/skills?pageSize=5"), SkillEntityListing.class, "skills");
        assertEquals(3, skills.getPageCount());
        assertEquals(12L, skills.getTotal());
    }

    @Test
    void presenceDefinitionsHoldTheIdsUserDetailsCarry() throws Exception {
        OrganizationPresenceDefinitionEntityListing list = read(get("/api/v2/presence/definitions"),
                OrganizationPresenceDefinitionEntityListing.class, "presence definitions");
        List<String> ids = list.getEntities().stream().map(OrganizationPresenceDefinition::getId).toList();
        assertTrue(ids.containsAll(List.of(genesys.dataset().org().presenceIds)));
        assertTrue(list.getEntities().stream()
                .anyMatch(p -> p.getType() == OrganizationPresenceDefinition.TypeEnum.USER));
        assertTrue(list.getEntities().stream()
                .anyMatch(p -> p.getSystemPresence() == OrganizationPresenceDefinition.SystemPresenceEnum.ONQUEUE));
        assertEquals((long) ids.size(), list.getTotal());
    }
}
