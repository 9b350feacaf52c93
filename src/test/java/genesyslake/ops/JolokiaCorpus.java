package genesyslake.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Jolokia requests written every way a parser could read differently from the guard: paths with {@code ..},
 * {@code %2e%2e}, {@code //}, {@code ;} parameters, trailing slashes, another case or percent-encoded letters, the
 * {@code p} parameter, absolute-form targets, POST bodies with the type in another case or a Unicode escape, bulk lists
 * mixing reads and operations. Sent through {@link RawHttp} so that every byte reaches the server as written.
 */
final class JolokiaCorpus {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String J = "/observe/jolokia";
    static final String M = "genesyslake:type=Flows";
    private static final String RUNS = M + "/recentRuns";
    private static final String EXEC = "{\"type\":\"exec\",\"mbean\":\"" + M + "\",\"operation\":\"recentRuns\"}";
    private static final String READ = "{\"type\":\"read\",\"mbean\":\"" + M + "\",\"attribute\":\"Flows\"}";

    /** One request: method, target exactly as sent, and a body for POST. */
    record Probe(String method, String target, String body) {
        static Probe get(String target) {
            return new Probe("GET", target, null);
        }

        static Probe post(String target, String body) {
            return new Probe("POST", target, body);
        }

        RawHttp.Response send(RawHttp http, String... headers) {
            return http.send(method, target, body, headers);
        }

        @Override
        public String toString() {
            return method + " " + target + (body == null ? "" : " " + body);
        }
    }

    private JolokiaCorpus() {
    }

    /** Operations (exec, write, notification, config) in every syntax; the first few are issue 23's reproductions. */
    static List<Probe> operations(int port) {
        List<Probe> p = new ArrayList<>();
        p.add(Probe.get(J + "/exec/" + M + "/startFlow/usage-export?p=read"));
        p.add(Probe.get(J + "/read/../exec/" + M + "/startBackfill/conversation-details/2026-11-01/2026-11-03"));
        p.add(Probe.get(J + "/read/%2e%2e/exec/" + M + "/startFlow/usage-export"));
        for (String path : List.of("/exec/" + RUNS, "/exec/" + RUNS + "?p=read", "/exec/" + RUNS + "?p=/read/" + M,
                "/exec/" + RUNS + "?p=read&p=version", "/read/../exec/" + RUNS, "/read/%2e%2e/exec/" + RUNS,
                "/read/%2E%2E/exec/" + RUNS, "/read/.%2e/exec/" + RUNS, "/read/%2e./exec/" + RUNS,
                "/read/%2e%2e%2fexec/" + RUNS, "/read/..%2fexec/" + RUNS, "/read/..%2Fexec/" + RUNS,
                "/read/x/../../exec/" + RUNS, "/version/../exec/" + RUNS, "/search/../exec/" + RUNS, "/./exec/" + RUNS,
                "//exec/" + RUNS, "///exec/" + RUNS, "/exec//" + RUNS, "/exec/" + RUNS + "/", "/exec/" + RUNS + "//",
                "/exec;x=y/" + RUNS, "/read;/../exec/" + RUNS, "/read/..;/exec/" + RUNS, "/read/..;x=y/exec/" + RUNS,
                "/EXEC/" + RUNS, "/Exec/" + RUNS, "/eXeC/" + RUNS, "/%65xec/" + RUNS, "/%45XEC/" + RUNS,
                "/%65%78%65%63/" + RUNS, "/%2fexec/" + RUNS, "/?p=/exec/" + RUNS, "?p=/exec/" + RUNS,
                "/?p=exec/" + RUNS, "/?p=%2Fexec%2F" + M + "%2FrecentRuns", "/?p=/read/../exec/" + RUNS,
                "/?p=/EXEC/" + RUNS, "/?p=//exec/" + RUNS, "/?p=/exec/" + RUNS + "&p=/read/" + M, "//?p=/exec/" + RUNS,
                "/write/" + M + "/Flows/x", "/WRITE/" + M + "/Flows/x", "/?p=/write/" + M + "/Flows/x",
                "/notification/register", "/?p=/notification/register", "/config", "/CONFIG")) {
            p.add(Probe.get(J + path));
        }
        for (String target : List.of("/observe/./jolokia/exec/" + RUNS, "/observe/jolokia/../jolokia/exec/" + RUNS,
                "/observe//jolokia/exec/" + RUNS, "/observe/%6aolokia/exec/" + RUNS, "/observe/x/../jolokia/exec/" + RUNS,
                "/observe/jolokia/read/../../jolokia/exec/" + RUNS,
                "http://127.0.0.1:" + port + J + "/exec/" + RUNS,
                "http://127.0.0.1:" + port + J + "/read/../exec/" + RUNS)) {
            p.add(Probe.get(target));
        }
        String startFlow = "{\"type\":\"exec\",\"mbean\":\"" + M + "\",\"operation\":\"startFlow\",\"arguments\":[\"usage-export\"]}";
        for (String body : List.of(EXEC, startFlow, EXEC.replace("\"exec\"", "\"EXEC\""), EXEC.replace("\"exec\"", "\"Exec\""),
                EXEC.replace("\"exec\"", "\"\\u0065xec\""), EXEC.replace("{\"type\":\"exec\",", "{\"type\":\"read\",\"type\":\"exec\","),
                EXEC.replace("}", ",\"config\":{\"p\":\"read\"}}"),
                "{\"type\":\"write\",\"mbean\":\"" + M + "\",\"attribute\":\"Flows\",\"value\":[]}",
                "{\"type\":\"notification\",\"command\":\"register\"}", "{\"type\":\"config\"}",
                "[" + READ + "," + EXEC + "]", "[" + EXEC + "," + READ + "]", "[" + READ + "," + startFlow + "," + READ + "]",
                "[" + READ + "," + EXEC.replace("\"exec\"", "\"EXEC\"") + "]", "[" + EXEC + "]", "[[" + EXEC + "]]")) {
            p.add(Probe.post(J + "/", body));
        }
        for (String target : List.of(J, J + "/read/" + M + "?p=read", J + "/read/" + M, J + "/read/../exec/" + RUNS,
                J + "/?p=/read/" + M + "/Flows", J + "/version", J + "//", J + "/read/%2e%2e/")) {
            p.add(Probe.post(target, EXEC));
        }
        return p;
    }

    /** Reads that anyone on the management host may send, in GET and POST syntaxes. */
    static List<Probe> reads() {
        List<Probe> p = new ArrayList<>();
        for (String path : List.of("/read/" + M + "/Flows", "/read/" + M, "/READ/" + M + "/Flows", "/version", "/",
                "/list/genesyslake", "/search/genesyslake:*", "/?p=/read/" + M + "/Flows",
                "/exec/../read/" + M + "/Flows", "/read/" + M + "/Flows?p=/exec/" + RUNS)) {
            p.add(Probe.get(J + path));
        }
        p.add(Probe.post(J + "/", READ));
        p.add(Probe.post(J + "/exec/" + RUNS, READ));
        p.add(Probe.post(J + "/", "[" + READ + ",{\"type\":\"search\",\"mbean\":\"genesyslake:*\"}]"));
        return p;
    }

    /** Legitimate operations in several syntaxes: each runs for the operator. */
    static List<Probe> operatorOperations() {
        return List.of(Probe.get(J + "/exec/" + RUNS), Probe.get(J + "/read/../exec/" + RUNS),
                Probe.get(J + "/read/%2e%2e/exec/" + RUNS), Probe.get(J + "/EXEC/" + RUNS), Probe.get(J + "/?p=/exec/" + RUNS),
                Probe.post(J + "/", EXEC), Probe.post(J + "/", EXEC.replace("\"exec\"", "\"EXEC\"")),
                Probe.post(J + "/read/" + M + "?p=read", EXEC), Probe.post(J + "/", "[" + READ + "," + EXEC + "]"));
    }

    /**
     * Why this answer shows an operation that ran (a value for a request Jolokia parsed as anything but a read), a
     * server error, or a refusal without a JSON reason; null when nothing but reads ran and every refusal says why.
     */
    static String notRefused(RawHttp.Response res) {
        if (res.status() >= 500) {
            return "HTTP " + res.status() + ": " + res.body();
        }
        JsonNode json = parse(res.body());
        if (json == null || !json.isContainerNode()) {
            return res.status() == 404 || res.status() == 405 ? null : "no JSON body: " + res;
        }
        for (JsonNode entry : json.isArray() ? json : List.of(json)) {
            String type = entry.path("request").path("type").asText("");
            if (entry.has("value") && !type.matches("read|search|list|version")) {
                return "an operation ran: " + entry;
            }
            if (!entry.has("value") && !entry.hasNonNull("error")) {
                return "a refusal without a reason: " + entry;
            }
        }
        return null;
    }

    static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    static JsonNode json(RawHttp.Response res) {
        JsonNode json = parse(res.body());
        if (json == null) {
            throw new UncheckedIOException(new IOException("not JSON: " + res));
        }
        return json;
    }
}
