package genesyslake.local.genesys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** A small raw HTTP client for tests of the local Genesys Cloud: token, JSON calls, job paging. */
final class GenesysHttpTestClient {

    static final ObjectMapper MAPPER = new ObjectMapper();
    // HTTP/1.1, as the product's GenesysHttp; a request that gets no answer fails the test instead of hanging the build.
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String base;
    final String token;

    GenesysHttpTestClient(LocalGenesys genesys) throws Exception {
        this.base = genesys.baseUrl();
        this.token = token(genesys, genesys.settings().clientId(), genesys.settings().clientSecret());
    }

    static HttpResponse<String> tokenResponse(LocalGenesys g, String id, String secret) throws Exception {
        String basic = Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(HttpRequest.newBuilder(URI.create(g.baseUrl() + "/oauth/token")).timeout(TIMEOUT)
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String token(LocalGenesys g, String id, String secret) throws Exception {
        return MAPPER.readTree(tokenResponse(g, id, secret).body()).path("access_token").asText();
    }

    HttpResponse<byte[]> send(String method, String path, String json) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT).header("Authorization",
                "Bearer " + token);
        if (json != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    JsonNode json(String method, String path, String json) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = send(method, path, json);
        if (r.statusCode() >= 300) {
            throw new IllegalStateException(r.statusCode() + " " + new String(r.body(), StandardCharsets.UTF_8));
        }
        return MAPPER.readTree(r.body());
    }

    /** Submits a job, waits for FULFILLED, pages all results; returns the raw record JSON strings. */
    List<String> jobRecords(String kind, String body, int pageSize, List<String> cursors) throws Exception {
        String jobs = "/api/v2/analytics/" + kind + "/details/jobs";
        String id = json("POST", jobs, body).path("jobId").asText();
        String state;
        do {
            state = json("GET", jobs + "/" + id, null).path("state").asText();
        } while (!state.equals("FULFILLED"));
        String key = kind.equals("users") ? "userDetails" : "conversations";
        List<String> records = new ArrayList<>();
        String cursor = null;
        do {
            String q = "?pageSize=" + pageSize + (cursor == null ? "" : "&cursor="
                    + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
            JsonNode page = json("GET", jobs + "/" + id + "/results" + q, null);
            for (JsonNode r : page.path(key)) {
                records.add(MAPPER.writeValueAsString(r));
            }
            cursor = page.hasNonNull("cursor") ? page.get("cursor").asText() : null;
            if (cursor != null && cursors != null) {
                cursors.add(cursor);
            }
        } while (cursor != null);
        return records;
    }
}
