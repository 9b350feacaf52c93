package genesyslake.local.genesys;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** The fixed cast of the local organization (agents, queues, divisions, wrap-up codes, OAuth clients), derived from the seed. */
final class Org {

    private static final String[] FIRST = {"Ava", "Liam", "Maya", "Noah", "Zoe", "Ethan", "Priya", "Lucas", "Sofia",
        "Omar", "Hana", "Mateo", "Chloe", "Arjun", "Elena", "Kofi", "Ines", "Yuki", "Grace", "Tomas", "Amara", "Felix",
        "Nadia", "Owen", "Leila", "Samuel", "Freya", "Diego", "Mei", "Jonas"};
    private static final String[] LAST = {"Nguyen", "Garcia", "Smith", "Okafor", "Muller", "Rossi", "Kim", "Silva",
        "Dubois", "Novak", "Haddad", "Tanaka", "Johnson", "Kowalski", "Brown", "Larsen", "Patel", "Moreau", "Costa",
        "Schmidt", "Ahmed", "Walsh", "Ivanova", "Lopez"};
    static final String[] QUEUE_NAMES = {"Customer Service", "Billing", "Technical Support", "Sales", "Retentions",
        "Chat Support", "Email Support", "Callbacks"};
    static final String[] CLIENT_NAMES = {"Sample Client Credentials", "WFM Sync", "CRM Connector",
        "Data Export Nightly", "Salesforce CTI", "Zendesk Integration", "Reporting Dashboard", "Quality Bridge",
        "ServiceNow Sync", "Wallboard", "Chatbot Gateway", "Outbound Dialer Sync", "Recording Archiver",
        "Power BI Extract", "Genesys Lake Export", "Agent Desktop (implicit)", "Admin Scripts", "SCIM Provisioning",
        "Billing Reconciliation", "Monitoring Probe", "Survey Platform", "Speech Analytics Feed", "Workforce Forecast",
        "Github Pages (implicit)", "Supervisor App (code grant)", "Presence Sync", "Callback Scheduler",
        "Knowledge Base Sync", "Partner Portal", "Data Warehouse Loader"};
    static final String[] PRESENCES = {"AVAILABLE", "AWAY", "BUSY", "BREAK", "MEAL", "MEETING", "TRAINING",
        "OFFLINE", "ON_QUEUE"};

    /** An agent. */
    record User(String id, String name) {
    }

    /** An OAuth client seen in usage data; userId is "" for client-credentials clients. */
    record Client(int index, String id, String name, String userId, double dailyBase, double share,
            double rateLimited429, boolean heavy) {
    }

    final long seed;
    final String organizationId;
    final List<User> users;
    final String[] queueIds = new String[QUEUE_NAMES.length];
    final String homeDivision;
    final String backOfficeDivision;
    final String[] wrapUpCodes = new String[8];
    final String[] presenceIds = new String[PRESENCES.length];
    final String ivrFlowId;
    final String[] edgeIds = new String[3];
    final List<Client> clients;
    /**
     * Genesys' own OAuth clients (the web app and built-in integrations acting for the org's users). The legacy
     * /api/v2/usage/query hides them; the usage aggregates jobs API (since 2025-03-31) reports them.
     */
    final List<Client> builtinClients;

    Org(LocalGenesysSettings s) {
        this.seed = s.seed();
        organizationId = Det.uuid(seed, 1);
        homeDivision = Det.uuid(seed, 2);
        backOfficeDivision = Det.uuid(seed, 3);
        ivrFlowId = Det.uuid(seed, 4);
        for (int i = 0; i < queueIds.length; i++) {
            queueIds[i] = Det.uuid(seed, 10, i);
        }
        for (int i = 0; i < wrapUpCodes.length; i++) {
            wrapUpCodes[i] = Det.uuid(seed, 11, i);
        }
        for (int i = 0; i < presenceIds.length; i++) {
            presenceIds[i] = Det.uuid(seed, 12, i);
        }
        for (int i = 0; i < edgeIds.length; i++) {
            edgeIds[i] = Det.uuid(seed, 13, i);
        }
        User[] u = new User[s.users()];
        for (int i = 0; i < u.length; i++) {
            String name = FIRST[(int) (Det.hash(seed, 20, i) >>> 33) % FIRST.length] + " "
                    + LAST[(int) (Det.hash(seed, 21, i) >>> 33) % LAST.length];
            u[i] = new User(Det.uuid(seed, 22, i), name);
        }
        Arrays.sort(u, Comparator.comparing(User::id));
        users = List.of(u);
        List<Client> c = new ArrayList<>();
        for (int i = 0; i < s.oauthClients(); i++) {
            String name = CLIENT_NAMES[i % CLIENT_NAMES.length]
                    + (i < CLIENT_NAMES.length ? "" : " " + (i / CLIENT_NAMES.length + 1));
            boolean userGrant = name.contains("implicit") || name.contains("code grant") || i % 9 == 7;
            String userId = userGrant && !users.isEmpty() ? users.get(i % users.size()).id() : "";
            // Log-normal daily volume: most clients are small, a few dominate.
            double base = Math.exp(3.0 + 1.4 * gaussian(seed, 30, i));
            double share = 0.25 + 0.6 * Det.unit(seed, 31, i);
            boolean heavy = i % 13 == 5;
            double limited = heavy ? 0.12 + 0.25 * Det.unit(seed, 32, i)
                    : i % 7 == 3 ? 0.005 + 0.04 * Det.unit(seed, 33, i) : 0;
            c.add(new Client(i, Det.uuid(seed, 34, i), name, userId, heavy ? base * 8 : base, share, limited, heavy));
        }
        clients = List.copyOf(c);
        List<Client> b = new ArrayList<>();
        String[] builtin = {"purecloud", "purecloud-builtin"};
        for (int i = 0; i < builtin.length; i++) {
            int index = 1000 + i;
            String userId = users.isEmpty() ? "" : users.get(i % users.size()).id();
            b.add(new Client(index, Det.uuid(seed, 35, i), builtin[i], i == 0 ? userId : "",
                    Math.exp(5.0 + 0.5 * gaussian(seed, 30, index)), 0.9, 0, false));
        }
        builtinClients = List.copyOf(b);
    }

    int queueIndexOf(String queueId) {
        for (int i = 0; i < queueIds.length; i++) {
            if (queueIds[i].equals(queueId)) {
                return i;
            }
        }
        return -1;
    }

    String divisionOfQueue(int queue) {
        return queue >= 6 ? backOfficeDivision : homeDivision;
    }

    private static double gaussian(long... parts) {
        double u1 = Math.max(1e-12, Det.unit(parts));
        double u2 = Det.unit(Det.hash(parts), 99);
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
