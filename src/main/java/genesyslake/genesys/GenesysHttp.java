package genesyslake.genesys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The one HTTP client for Genesys Cloud: OAuth client credentials, the shared rate governor, retries with
 * Retry-After and backoff, token refresh on 401 and before expiry. Response bodies are handed over as streams,
 * so data pages are never turned into Strings or SDK models.
 */
public final class GenesysHttp {

    private static final Logger LOG = LoggerFactory.getLogger(GenesysHttp.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REFRESH_BEFORE_EXPIRY = Duration.ofMinutes(5);

    /** Reads a successful response body; must consume what it needs from the stream. */
    @FunctionalInterface
    public interface BodyReader<T> {
        T read(InputStream body) throws IOException;
    }

    private final GenesysEndpoints endpoints;
    private final String clientId;
    private final String clientSecret;
    private final RateGovernor governor;
    private final RetryPolicy retry;
    private final Duration timeout;
    private final GenesysStats stats = new GenesysStats();
    private final HttpClient http;

    private String token;
    private Instant tokenExpiry = Instant.MIN;

    public GenesysHttp(GenesysEndpoints endpoints, String clientId, String clientSecret, RateGovernor governor,
            RetryPolicy retry, Duration timeout) {
        if (clientId == null || clientId.isBlank() || clientSecret == null || clientSecret.isBlank()) {
            throw new IllegalArgumentException("Genesys OAuth client is not configured: set genesys.client-id and "
                    + "genesys.client-secret (env GENESYS_CLIENT_ID / GENESYS_CLIENT_SECRET)");
        }
        this.endpoints = endpoints;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.governor = governor;
        this.retry = retry;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20))
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    public GenesysStats stats() {
        return stats;
    }

    public GenesysEndpoints endpoints() {
        return endpoints;
    }

    public <T> T post(String path, byte[] jsonBody, BodyReader<T> reader) {
        return call("POST", path, Map.of(), jsonBody, reader);
    }

    public <T> T get(String path, Map<String, String> query, BodyReader<T> reader) {
        return call("GET", path, query, null, reader);
    }

    public JsonNode getJson(String path, Map<String, String> query) {
        return get(path, query, JSON::readTree);
    }

    public JsonNode postJson(String path, byte[] jsonBody) {
        return post(path, jsonBody, JSON::readTree);
    }

    /** Sends one API request, retrying what is worth retrying; the body reader runs once, on success. */
    public <T> T call(String method, String path, Map<String, String> query, byte[] body, BodyReader<T> reader) {
        String request = method + " " + path;
        try (InputStream in = open(method, path, query, body, true)) {
            return reader.read(in);
        } catch (IOException e) {
            throw new GenesysApiException(request, "reading the response failed: " + e, e);
        }
    }

    /**
     * Sends one API request and hands over the successful response's body unread, for the caller to stream and
     * close. {@code idempotent=false} is for requests that create something (a job, a usage query): those are retried
     * only where Genesys cannot have acted on them (429, 503), never on 500/502/504 or an I/O error, which could
     * leave a second job behind.
     */
    public InputStream open(String method, String path, Map<String, String> query, byte[] body, boolean idempotent) {
        return open(method, path, query, body, idempotent, false);
    }

    /**
     * Submits an analytics details job. A refusal for too many jobs (or requests) is not retried here, nor does it
     * pause the other requests through the governor (the org's job limit is no request rate): it is thrown as a
     * {@link GenesysJobLimitException}, which the flow waits out before it submits again.
     */
    public InputStream submitJob(String path, byte[] body) {
        return open("POST", path, Map.of(), body, false, true);
    }

    private InputStream open(String method, String path, Map<String, String> query, byte[] body, boolean idempotent,
            boolean jobSubmission) {
        URI uri = URI.create(endpoints.apiUrl() + path + queryString(query));
        String request = method + " " + path;
        boolean refreshedAfter401 = false;
        for (int attempt = 1; ; attempt++) {
            HttpResponse<InputStream> response;
            try {
                governor.acquire();
                HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout)
                        .header("Authorization", "Bearer " + token())
                        .header("Accept", "application/json");
                if (body != null) {
                    b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofByteArray(body));
                } else {
                    b.method(method, HttpRequest.BodyPublishers.noBody());
                }
                stats.requests.incrementAndGet();
                response = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                stats.ioErrors.incrementAndGet();
                if (!idempotent || attempt >= retry.maxAttempts()) {
                    throw new GenesysApiException(request, "I/O error after " + attempt + " attempt(s): " + e
                            + (idempotent ? "" : " (not retried: the request may have created something)"), e);
                }
                backoff(request, attempt, "I/O error " + e.getClass().getSimpleName(), retry.backoff(attempt));
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new GenesysApiException(request, "interrupted", e);
            }

            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return response.body();
            }
            String errorBody = drain(response);
            if (status == 401 && !refreshedAfter401) {
                refreshedAfter401 = true;
                invalidateToken();
                attempt--; // a refreshed token is not a retry of a failure
                continue;
            }
            if (jobSubmission && tooManyJobs(status, errorBody)) {
                if (status == 429) {
                    stats.throttled.incrementAndGet();
                }
                GenesysApiException e = apiError(request, status, errorBody, "");
                throw new GenesysJobLimitException(request, status, e.code(), errorMessage(errorBody),
                        retryAfter(response).orElse(null));
            }
            boolean retryable = idempotent ? status == 429 || status >= 500 : status == 429 || status == 503;
            if (retryable) {
                if (status == 429) {
                    stats.throttled.incrementAndGet();
                } else {
                    stats.serverErrors.incrementAndGet();
                }
                if (attempt >= retry.maxAttempts()) {
                    throw apiError(request, status, errorBody, " (gave up after " + attempt + " attempts)");
                }
                Duration wait = status == 429
                        ? retryAfter(response).orElse(retry.backoff(attempt))
                        : retry.backoff(attempt);
                if (status == 429) {
                    governor.pause(wait);
                }
                backoff(request, attempt, "HTTP " + status, wait);
                continue;
            }
            if (status >= 500) {
                stats.serverErrors.incrementAndGet();
            }
            throw apiError(request, status, errorBody, idempotent || status < 500 ? ""
                    : " (not retried: the request may have created something)");
        }
    }

    private void backoff(String request, int attempt, String why, Duration wait) {
        stats.retries.incrementAndGet();
        stats.retryWaitMillis.addAndGet(wait.toMillis());
        LOG.warn("{} got {}; retrying in {} ms (attempt {} of {})", request, why, wait.toMillis(), attempt + 1,
                retry.maxAttempts());
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GenesysApiException(request, "interrupted while waiting to retry", e);
        }
    }

    static Optional<Duration> retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").flatMap(v -> {
            try {
                return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v.trim()))));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }

    private synchronized String token() throws IOException, InterruptedException {
        if (token == null || Instant.now().isAfter(tokenExpiry.minus(REFRESH_BEFORE_EXPIRY))) {
            fetchToken();
        }
        return token;
    }

    private synchronized void invalidateToken() {
        token = null;
    }

    private void fetchToken() throws IOException, InterruptedException {
        String basic = Base64.getEncoder().encodeToString((clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8));
        HttpRequest req = HttpRequest.newBuilder(URI.create(endpoints.loginUrl() + "/oauth/token")).timeout(timeout)
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build();
        for (int attempt = 1; ; attempt++) {
            stats.tokenRequests.incrementAndGet();
            HttpResponse<byte[]> res = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
            if (res.statusCode() == 200) {
                JsonNode json = JSON.readTree(res.body());
                token = json.path("access_token").asText(null);
                if (token == null) {
                    throw new GenesysApiException("POST /oauth/token", 200, null, "response has no access_token");
                }
                tokenExpiry = Instant.now().plusSeconds(json.path("expires_in").asLong(3600));
                LOG.debug("Obtained a Genesys token valid for {} s", json.path("expires_in").asLong());
                return;
            }
            if ((res.statusCode() == 429 || res.statusCode() >= 500) && attempt < retry.maxAttempts()) {
                Thread.sleep(retryAfter(res).orElse(retry.backoff(attempt)).toMillis());
                continue;
            }
            // The login error names the problem (invalid_client...) but never echo the credentials themselves.
            String error = new String(res.body(), StandardCharsets.UTF_8);
            throw new GenesysApiException("POST " + endpoints.loginUrl() + "/oauth/token (client credentials)",
                    res.statusCode(), null, truncate(error));
        }
    }

    /**
     * Whether a job submission was refused for too many jobs at once. Genesys documents 429 (codes
     * too.many.requests and too.many.requests.retry.after) for its request rate; what it answers at its limit on an
     * org's concurrent analytics jobs is unverified here (no Genesys page or issue found that names it): a 429, or a 400
     * whose message speaks of too many or concurrent jobs, are both taken as that limit. Nothing was created either way.
     */
    static boolean tooManyJobs(int status, String body) {
        if (status == 429) {
            return true;
        }
        String text = body == null ? "" : body.toLowerCase(java.util.Locale.ROOT);
        return status == 400 && text.contains("job") && (text.contains("too many") || text.contains("concurrent")
                || text.contains("max") && text.contains("limit"));
    }

    private static String errorMessage(String body) {
        try {
            JsonNode json = JSON.readTree(body);
            if (json != null && json.isObject() && json.hasNonNull("message")) {
                return json.get("message").asText();
            }
        } catch (IOException | RuntimeException ignored) {
            // not JSON: keep the raw text
        }
        return truncate(body);
    }

    private static GenesysApiException apiError(String request, int status, String body, String suffix) {
        String code = null;
        String message = truncate(body);
        try {
            JsonNode json = JSON.readTree(body);
            if (json != null && json.isObject()) {
                code = json.path("code").asText(null);
                message = json.path("message").asText(message);
            }
        } catch (IOException | RuntimeException ignored) {
            // not JSON: keep the raw text
        }
        return new GenesysApiException(request, status, code, message + suffix);
    }

    private static String drain(HttpResponse<InputStream> response) {
        try (InputStream in = response.body()) {
            return new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String truncate(String s) {
        return s == null ? "" : s.length() > 500 ? s.substring(0, 500) + "..." : s;
    }

    private static String queryString(Map<String, String> query) {
        if (query == null || query.isEmpty()) {
            return "";
        }
        Map<String, String> present = new LinkedHashMap<>();
        query.forEach((k, v) -> {
            if (v != null) {
                present.put(k, v);
            }
        });
        // Cursors are opaque base64 with + / =: they must be encoded, or Genesys reads '+' as a space.
        return present.isEmpty() ? "" : "?" + present.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
