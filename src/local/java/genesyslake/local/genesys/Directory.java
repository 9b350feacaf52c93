package genesyslake.local.genesys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.MultiMap;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Genesys' reference lists over the local organization's cast ({@link Org}): users, routing queues, wrap-up codes,
 * divisions, routing skills and presence definitions, with the ids the conversations and user details use. The
 * listings page as Genesys does (pageSize/pageNumber, entities, total, pageCount, first/self/next/previous/lastUri);
 * presence definitions (/api/v2/presence/definitions) come unpaged, as there. Some users are inactive or deleted
 * (GET /api/v2/users lists them only with state=any or their own state); a queue deleted through
 * {@link #deleteQueue} leaves the queue listing, as a deleted queue leaves Genesys'.
 */
public final class Directory {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    static final int DEFAULT_PAGE_SIZE = 25;
    static final int MAX_PAGE_SIZE = 500;
    static final String[] WRAP_UP_NAMES = {"Resolved", "Follow-up Required", "Escalated", "Billing Question",
        "Technical Issue", "Sale Completed", "Callback Scheduled", "No Answer / Hang-up"};
    static final String[] SKILL_NAMES = {"English", "Spanish", "French", "German", "Billing", "Technical L1",
        "Technical L2", "Sales", "Retentions", "VIP Customers", "Chat", "Email"};
    private static final String[] DEPARTMENTS = {"Customer Care", "Sales", "Technical Support", "Back Office"};
    /** Org.PRESENCES' system presences as Genesys names them in presence definitions. */
    private static final Map<String, String> SYSTEM_PRESENCE = Map.of("AVAILABLE", "Available", "AWAY", "Away",
            "BUSY", "Busy", "BREAK", "Break", "MEAL", "Meal", "MEETING", "Meeting", "TRAINING", "Training",
            "OFFLINE", "Offline", "ON_QUEUE", "OnQueue");
    /** Organization-defined presences (type User) beside the system ones: label and the system presence they map to. */
    private static final String[][] ORG_PRESENCES = {{"Coaching", "Meeting"}, {"Lunch", "Meal"},
        {"Back Office Work", "Busy"}, {"Team Huddle", "Meeting"}};

    private final Org org;
    private final Set<String> deletedQueues = ConcurrentHashMap.newKeySet();

    Directory(Org org) {
        this.org = org;
    }

    /** Removes a queue from the queue listing from now on (conversations keep naming it). */
    public void deleteQueue(String queueId) {
        if (org.queueIndexOf(queueId) < 0) {
            throw new IllegalArgumentException("no local queue " + queueId);
        }
        deletedQueues.add(queueId);
    }

    /** The user's state: every 11th from the 5th deleted, every 11th from the 10th inactive, the rest active. */
    static String userState(int index) {
        return index % 11 == 4 ? "deleted" : index % 11 == 9 ? "inactive" : "active";
    }

    public String userState(String userId) {
        for (int i = 0; i < org.users.size(); i++) {
            if (org.users.get(i).id().equals(userId)) {
                return userState(i);
            }
        }
        throw new IllegalArgumentException("no local user " + userId);
    }

    public String skillId(int index) {
        return Det.uuid(org.seed, 14, index);
    }

    /** The answer to one GET of a listing endpoint (an endpoint key such as "GET /api/v2/users"), or null. */
    JsonNode answer(String endpoint, MultiMap params) {
        return switch (endpoint) {
            case "GET /api/v2/users" -> users(params);
            case "GET /api/v2/routing/queues" -> page("/api/v2/routing/queues", params, queues());
            case "GET /api/v2/routing/wrapupcodes" -> page("/api/v2/routing/wrapupcodes", params, wrapUpCodes());
            case "GET /api/v2/authorization/divisions" -> page("/api/v2/authorization/divisions", params, divisions());
            case "GET /api/v2/routing/skills" -> page("/api/v2/routing/skills", params, skills());
            case "GET /api/v2/presence/definitions" -> presenceDefinitions();
            default -> null;
        };
    }

    private JsonNode users(MultiMap params) {
        String state = params.get("state") == null ? "active" : params.get("state");
        if (!List.of("active", "inactive", "deleted", "any").contains(state)) {
            throw new BadRequest("Invalid value for state: " + state);
        }
        List<ObjectNode> all = new ArrayList<>();
        for (int i = 0; i < org.users.size(); i++) {
            if (state.equals("any") || state.equals(userState(i))) {
                all.add(user(i));
            }
        }
        return page("/api/v2/users", params, all);
    }

    private ObjectNode user(int i) {
        Org.User u = org.users.get(i);
        ObjectNode n = MAPPER.createObjectNode();
        n.put("id", u.id());
        n.put("name", u.name());
        String division = i % 5 == 3 ? org.backOfficeDivision : org.homeDivision;
        ref(n.putObject("division"), division, divisionName(division), "/api/v2/authorization/divisions/");
        n.putObject("chat").put("jabberId", Det.uuid(org.seed, 23, i).replace("-", "") + "@local.orgspan.com");
        n.put("department", DEPARTMENTS[i % 5 == 3 ? 3 : (i / 8) % 3]);
        String email = u.name().toLowerCase().replace(' ', '.') + "." + i + "@example.com";
        n.put("email", email);
        ObjectNode contact = n.putArray("primaryContactInfo").addObject();
        contact.put("address", email);
        contact.put("mediaType", "EMAIL");
        contact.put("type", "PRIMARY");
        n.putArray("addresses");
        n.put("state", userState(i));
        int lead = i / 8 * 8;
        n.put("title", i == lead ? "Team Lead" : i % 3 == 0 ? "Senior Agent" : "Agent");
        n.put("username", email);
        if (i != lead) {
            Org.User m = org.users.get(lead);
            n.putObject("manager").put("id", m.id()).put("selfUri", "/api/v2/users/" + m.id());
        }
        n.put("version", 1 + i % 4);
        n.put("acdAutoAnswer", false);
        n.put("selfUri", "/api/v2/users/" + u.id());
        return n;
    }

    private List<ObjectNode> queues() {
        List<ObjectNode> out = new ArrayList<>();
        for (int i = 0; i < org.queueIds.length; i++) {
            String id = org.queueIds[i];
            if (deletedQueues.contains(id)) {
                continue;
            }
            ObjectNode n = MAPPER.createObjectNode();
            n.put("id", id);
            n.put("name", Org.QUEUE_NAMES[i]);
            String division = org.divisionOfQueue(i);
            ref(n.putObject("division"), division, divisionName(division), "/api/v2/authorization/divisions/");
            n.put("description", Org.QUEUE_NAMES[i] + " queue");
            n.put("dateCreated", Det.iso(1_640_995_200_000L + Det.DAY_MS * (17 * i)));
            n.put("dateModified", Det.iso(1_704_067_200_000L + Det.DAY_MS * (11 * i)));
            n.put("memberCount", org.users.size());
            n.put("userMemberCount", org.users.size());
            n.put("joinedMemberCount", org.users.size() * 3 / 4);
            n.put("scoringMethod", "TimestampAndPriority");
            n.put("skillEvaluationMethod", "BEST");
            n.put("autoAnswerOnly", false);
            n.put("enableTranscription", false);
            n.put("enableManualAssignment", false);
            n.put("selfUri", "/api/v2/routing/queues/" + id);
            out.add(n);
        }
        return out;
    }

    private List<ObjectNode> wrapUpCodes() {
        List<ObjectNode> out = new ArrayList<>();
        for (int i = 0; i < org.wrapUpCodes.length; i++) {
            ObjectNode n = MAPPER.createObjectNode();
            n.put("id", org.wrapUpCodes[i]);
            n.put("name", WRAP_UP_NAMES[i % WRAP_UP_NAMES.length]);
            ref(n.putObject("division"), org.homeDivision, "Home", "/api/v2/authorization/divisions/");
            n.put("dateCreated", Det.iso(1_640_995_200_000L + Det.DAY_MS * (5 * i)));
            n.put("createdBy", org.users.isEmpty() ? "" : org.users.get(0).id());
            n.put("selfUri", "/api/v2/routing/wrapupcodes/" + org.wrapUpCodes[i]);
            out.add(n);
        }
        return out;
    }

    private String divisionName(String id) {
        return id.equals(org.homeDivision) ? "Home" : "Back Office";
    }

    private List<ObjectNode> divisions() {
        List<ObjectNode> out = new ArrayList<>();
        for (String id : List.of(org.homeDivision, org.backOfficeDivision)) {
            ObjectNode n = MAPPER.createObjectNode();
            n.put("id", id);
            n.put("name", divisionName(id));
            n.put("description", id.equals(org.homeDivision) ? "The home division" : "Back-office teams and queues");
            n.put("homeDivision", id.equals(org.homeDivision));
            n.put("selfUri", "/api/v2/authorization/divisions/" + id);
            out.add(n);
        }
        return out;
    }

    private List<ObjectNode> skills() {
        List<ObjectNode> out = new ArrayList<>();
        for (int i = 0; i < SKILL_NAMES.length; i++) {
            ObjectNode n = MAPPER.createObjectNode();
            n.put("id", skillId(i));
            n.put("name", SKILL_NAMES[i]);
            n.put("dateModified", Det.iso(1_704_067_200_000L + Det.DAY_MS * (3 * i)));
            n.put("state", "active");
            n.put("version", Integer.toString(1 + i % 3));
            n.put("selfUri", "/api/v2/routing/skills/" + skillId(i));
            out.add(n);
        }
        return out;
    }

    /** System presences (their ids are those user details carry as organizationPresenceId) then the org's own. */
    private JsonNode presenceDefinitions() {
        ObjectNode out = MAPPER.createObjectNode();
        ArrayNode entities = MAPPER.createArrayNode();
        for (int i = 0; i < Org.PRESENCES.length; i++) {
            String system = SYSTEM_PRESENCE.get(Org.PRESENCES[i]);
            presence(entities.addObject(), org.presenceIds[i], system.equals("OnQueue") ? "On Queue" : system,
                    "System", system);
        }
        for (int i = 0; i < ORG_PRESENCES.length; i++) {
            presence(entities.addObject(), Det.uuid(org.seed, 15, i), ORG_PRESENCES[i][0], "User",
                    ORG_PRESENCES[i][1]);
        }
        out.put("total", entities.size());
        out.set("entities", entities);
        out.put("selfUri", "/api/v2/presence/definitions");
        return out;
    }

    private void presence(ObjectNode n, String id, String label, String type, String system) {
        n.put("id", id);
        n.put("name", label);
        n.put("type", type);
        n.putObject("languageLabels").put("en_US", label);
        n.put("systemPresence", system);
        n.put("divisionId", "*");
        n.put("deactivated", false);
        n.put("selfUri", "/api/v2/presence/definitions/" + id);
    }

    private static void ref(ObjectNode n, String id, String name, String uri) {
        n.put("id", id);
        n.put("name", name);
        n.put("selfUri", uri + id);
    }

    /** One page of a listing, Genesys' envelope around it; pages past the last come back empty. */
    static JsonNode page(String path, MultiMap params, List<ObjectNode> all) {
        int size = intParam(params, "pageSize", DEFAULT_PAGE_SIZE);
        int number = intParam(params, "pageNumber", 1);
        if (size < 1 || size > MAX_PAGE_SIZE) {
            throw new BadRequest("pageSize must be between 1 and " + MAX_PAGE_SIZE + ", was " + size);
        }
        if (number < 1) {
            throw new BadRequest("pageNumber must be 1 or more, was " + number);
        }
        int total = all.size();
        int pageCount = (total + size - 1) / size;
        ObjectNode out = MAPPER.createObjectNode();
        ArrayNode entities = out.putArray("entities");
        long from = (long) (number - 1) * size;
        for (long k = from; k < Math.min(total, from + size); k++) {
            entities.add(all.get((int) k));
        }
        out.put("pageSize", size);
        out.put("pageNumber", number);
        out.put("total", total);
        String rest = otherParams(params);
        out.put("firstUri", uri(path, size, 1, rest));
        out.put("selfUri", uri(path, size, number, rest));
        if (number < pageCount) {
            out.put("nextUri", uri(path, size, number + 1, rest));
        }
        if (number > 1) {
            out.put("previousUri", uri(path, size, number - 1, rest));
        }
        out.put("lastUri", uri(path, size, Math.max(1, pageCount), rest));
        out.put("pageCount", pageCount);
        return out;
    }

    private static String uri(String path, int size, int number, String rest) {
        return path + "?pageSize=" + size + "&pageNumber=" + number + rest;
    }

    private static String otherParams(MultiMap params) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, String> e : params) {
            if (!e.getKey().equals("pageSize") && !e.getKey().equals("pageNumber")) {
                b.append('&').append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
                        .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
            }
        }
        return b.toString();
    }

    private static int intParam(MultiMap params, String name, int otherwise) {
        String v = params.get(name);
        if (v == null || v.isEmpty()) {
            return otherwise;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new BadRequest("Invalid value for " + name + ": " + v);
        }
    }
}
