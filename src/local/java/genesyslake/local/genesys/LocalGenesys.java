package genesyslake.local.genesys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-process Genesys Cloud (OAuth client credentials, Usage API, Analytics conversation and user details query
 * and jobs) on Vert.x, serving {@link GenesysDataset}'s deterministic data, with fault injection for tests.
 * Generation runs on worker threads and large bodies are streamed, so the event loop never stalls.
 */
public final class LocalGenesys implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalGenesys.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final long TOKEN_SECONDS = 86_399;
    static final int MAX_JOB_PAGE = 1000;

    private final LocalGenesysSettings settings;
    private final GenesysDataset dataset;
    private final Faults faults;
    private final Directory directory;
    private final RequestStats stats = new RequestStats();
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Long> tokens = new ConcurrentHashMap<>();
    private final Map<String, ArrayDeque<Long>> windows = new ConcurrentHashMap<>();
    private final Map<String, UsageExecution> executions = new ConcurrentHashMap<>();
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private Vertx vertx;
    private HttpServer server;
    private int port = -1;

    private record UsageExecution(Usage.Query query, boolean fails, AtomicInteger polls) {
    }

    private static final class UsageJob {
        final String id;
        final UsageAggregates.Query query;
        final boolean fails;
        final AtomicInteger polls = new AtomicInteger();
        private List<UsageAggregates.Entity> entities;

        UsageJob(String id, UsageAggregates.Query query, boolean fails) {
            this.id = id;
            this.query = query;
            this.fails = fails;
        }

        /** Computed once, on the first page asked for, then paged from memory like Genesys' stored results. */
        synchronized List<UsageAggregates.Entity> entities(UsageAggregates aggregates) {
            if (entities == null) {
                entities = aggregates.entities(query);
            }
            return entities;
        }
    }

    private final Map<String, UsageJob> usageJobs = new ConcurrentHashMap<>();

    private static final class Job {
        final String id;
        final boolean users;
        final DetailsRequest request;
        final String errorMessage;
        final Instant submitted = Instant.now();
        final long submittedNanos = System.nanoTime();
        final AtomicInteger polls = new AtomicInteger();
        final AtomicInteger pages = new AtomicInteger();

        Job(String id, boolean users, DetailsRequest request, String errorMessage) {
            this.id = id;
            this.users = users;
            this.request = request;
            this.errorMessage = errorMessage;
        }
    }

    public LocalGenesys(LocalGenesysSettings settings) {
        this.settings = settings;
        this.dataset = new GenesysDataset(settings);
        this.faults = new Faults(settings.requestsPerMinute());
        this.directory = new Directory(dataset.org());
    }

    /** Binds 127.0.0.1 and returns once listening. */
    public LocalGenesys start() {
        vertx = Vertx.vertx();
        // HTTP/1.1 only, as Genesys' API is reached (over TLS, where ALPN picks the version): no h2c upgrade. A JDK
        // HttpClient left at its default asks for one on http://, and a suite run hung on such a connection for good.
        server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(settings.port())
                .setCompressionSupported(false).setHttp2ClearTextEnabled(false));
        server.requestHandler(this::onRequest);
        try {
            port = server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS).actualPort();
        } catch (Exception e) {
            vertx.close();
            throw new IllegalStateException("local Genesys Cloud could not listen on port " + settings.port(), e);
        }
        LOG.info("Local Genesys Cloud listening on {}", baseUrl());
        return this;
    }

    public int port() {
        return port;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public Faults faults() {
        return faults;
    }

    public GenesysDataset dataset() {
        return dataset;
    }

    public Directory directory() {
        return directory;
    }

    public RequestStats stats() {
        return stats;
    }

    public LocalGenesysSettings settings() {
        return settings;
    }

    @Override
    public void close() {
        if (vertx != null) {
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("Local Genesys Cloud did not stop cleanly", e);
            }
            vertx = null;
        }
    }

    // ---------------------------------------------------------------- dispatch

    private void onRequest(HttpServerRequest req) {
        req.body().onSuccess(body -> {
            try {
                dispatch(req, body);
            } catch (BadRequest e) {
                error(req.response(), e.status(), e.code(), e.getMessage());
            } catch (RuntimeException e) {
                LOG.warn("local Genesys failed on {} {}", req.method(), req.uri(), e);
                error(req.response(), 500, "internal.server.error", "The server encountered an internal error");
            }
        }).onFailure(e -> req.response().setStatusCode(400).end());
    }

    private void dispatch(HttpServerRequest req, Buffer body) {
        String path = req.path();
        HttpMethod method = req.method();
        if (path.equals("/oauth/token")) {
            stats.request(method + " /oauth/token");
            token(req, body);
            return;
        }
        String[] p = path.split("/");
        // p[0] = "", p[1] = "api", p[2] = "v2", ...
        String endpoint = endpointKey(method, p);
        stats.request(endpoint);
        if (!path.startsWith("/api/v2/")) {
            throw new BadRequest(404, "not.found", "No resource at " + path);
        }
        String token = bearer(req);
        if (token == null) {
            error(req.response(), 401, "bad.credentials", "Invalid login credentials.");
            return;
        }
        if (faults.takeUnauthorized()) {
            error(req.response(), 401, "bad.credentials", "Invalid login credentials.");
            return;
        }
        int retryAfter = faults.takeThrottle();
        if (retryAfter >= 0) {
            throttled(req.response(), retryAfter);
            return;
        }
        int failStatus = faults.takeServerError();
        if (failStatus > 0) {
            error(req.response(), failStatus, failStatus == 503 ? "service.unavailable" : "internal.server.error",
                    "The service is temporarily unavailable");
            return;
        }
        int wait = rateLimit(token);
        if (wait > 0) {
            throttled(req.response(), wait);
            return;
        }
        switch (endpoint) {
            case "POST /api/v2/usage/query" -> postUsage(req, json(body));
            case "GET /api/v2/usage/query/{executionId}/results" -> usageResults(req, p[5]);
            case "POST /api/v2/usage/aggregates/query/jobs" -> postUsageJob(req, json(body));
            case "GET /api/v2/usage/aggregates/query/jobs/{jobId}" -> usageJob(req, p[7]);
            case "POST /api/v2/analytics/conversations/details/query" -> conversationQuery(req, json(body));
            case "POST /api/v2/analytics/users/details/query" -> userQuery(req, json(body));
            case "POST /api/v2/analytics/conversations/details/jobs" -> postJob(req, json(body), false);
            case "POST /api/v2/analytics/users/details/jobs" -> postJob(req, json(body), true);
            case "GET /api/v2/analytics/conversations/details/jobs/availability",
                 "GET /api/v2/analytics/users/details/jobs/availability" -> availability(req);
            case "GET /api/v2/analytics/conversations/details/jobs/{jobId}",
                 "GET /api/v2/analytics/users/details/jobs/{jobId}" -> jobStatus(req, p[7], p[4].equals("users"));
            case "DELETE /api/v2/analytics/conversations/details/jobs/{jobId}",
                 "DELETE /api/v2/analytics/users/details/jobs/{jobId}" -> deleteJob(req, p[7], p[4].equals("users"));
            case "GET /api/v2/analytics/conversations/details/jobs/{jobId}/results",
                 "GET /api/v2/analytics/users/details/jobs/{jobId}/results" ->
                    jobResults(req, p[7], p[4].equals("users"));
            case "GET /api/v2/users", "GET /api/v2/routing/queues", "GET /api/v2/routing/wrapupcodes",
                 "GET /api/v2/authorization/divisions", "GET /api/v2/routing/skills",
                 "GET /api/v2/presence/definitions" -> send(req.response(), 200, directory.answer(endpoint, req.params()));
            default -> throw new BadRequest(404, "not.found", "No resource for " + method + " " + path);
        }
    }

    /** The endpoint template of a path ("GET /api/v2/usage/query/{executionId}/results"), for stats and routing. */
    private static String endpointKey(HttpMethod method, String[] p) {
        String m = method.name() + " ";
        if (p.length == 7 && p[3].equals("usage") && p[4].equals("query") && p[6].equals("results")) {
            return m + "/api/v2/usage/query/{executionId}/results";
        }
        if (p.length == 8 && p[3].equals("usage") && p[4].equals("aggregates") && p[5].equals("query")
                && p[6].equals("jobs")) {
            return m + "/api/v2/usage/aggregates/query/jobs/{jobId}";
        }
        if (p.length >= 7 && p[3].equals("analytics") && p[5].equals("details") && p[6].equals("jobs")) {
            String base = "/api/v2/analytics/" + p[4] + "/details/jobs";
            if (p.length == 8 && p[7].equals("availability")) {
                return m + base + "/availability";
            }
            if (p.length == 8) {
                return m + base + "/{jobId}";
            }
            if (p.length == 9 && p[8].equals("results")) {
                return m + base + "/{jobId}/results";
            }
        }
        return m + String.join("/", p);
    }

    private static JsonNode json(Buffer body) {
        try {
            JsonNode node = MAPPER.readTree(body.getBytes());
            if (node == null || node.isMissingNode()) {
                throw new BadRequest("The request body is empty");
            }
            return node;
        } catch (IOException e) {
            throw new BadRequest("The request body is not valid JSON");
        }
    }

    // ---------------------------------------------------------------- auth and limits

    private void token(HttpServerRequest req, Buffer body) {
        HttpServerResponse res = req.response();
        String form = body.toString(StandardCharsets.UTF_8);
        String id = null;
        String secret = null;
        String auth = req.getHeader("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String pair = new String(Base64.getDecoder().decode(auth.substring(6).trim()), StandardCharsets.UTF_8);
                int colon = pair.indexOf(':');
                if (colon > 0) {
                    id = pair.substring(0, colon);
                    secret = pair.substring(colon + 1);
                }
            } catch (IllegalArgumentException e) {
                id = null;
            }
        }
        String grant = null;
        for (String kv : form.split("&")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                String k = java.net.URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8);
                String v = java.net.URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
                switch (k) {
                    case "grant_type" -> grant = v;
                    case "client_id" -> id = id == null ? v : id;
                    case "client_secret" -> secret = secret == null ? v : secret;
                    default -> { }
                }
            }
        }
        if (!settings.clientId().equals(id) || !settings.clientSecret().equals(secret)) {
            oauthError(res, 401, "invalid_client", "client id or secret is wrong");
            return;
        }
        if (!"client_credentials".equals(grant)) {
            oauthError(res, 400, "unsupported_grant_type", "only grant_type=client_credentials is supported");
            return;
        }
        byte[] raw = new byte[48];
        random.nextBytes(raw);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        tokens.put(token, System.currentTimeMillis() + TOKEN_SECONDS * 1000);
        ObjectNode out = MAPPER.createObjectNode();
        out.put("access_token", token);
        out.put("token_type", "bearer");
        out.put("expires_in", TOKEN_SECONDS);
        send(res, 200, out);
    }

    private void oauthError(HttpServerResponse res, int status, String error, String description) {
        ObjectNode out = MAPPER.createObjectNode();
        out.put("error", error);
        out.put("description", description);
        out.put("error_description", description);
        send(res, status, out);
    }

    /** The valid bearer token of the request, or null. */
    private String bearer(HttpServerRequest req) {
        String auth = req.getHeader("Authorization");
        if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = auth.substring(7).trim();
        Long expiry = tokens.get(token);
        return expiry != null && expiry > System.currentTimeMillis() ? token : null;
    }

    /** Seconds until a slot frees when the token is over its limit, else 0 (and the request is counted). */
    private int rateLimit(String token) {
        int limit = faults.requestsPerMinute();
        if (limit <= 0) {
            return 0;
        }
        ArrayDeque<Long> window = windows.computeIfAbsent(token, k -> new ArrayDeque<>());
        synchronized (window) {
            long now = System.currentTimeMillis();
            while (!window.isEmpty() && window.peekFirst() <= now - 60_000) {
                window.pollFirst();
            }
            if (window.size() >= limit) {
                return (int) Math.max(1, (window.peekFirst() + 60_000 - now + 999) / 1000);
            }
            window.addLast(now);
            return 0;
        }
    }

    // ---------------------------------------------------------------- usage

    private void postUsage(HttpServerRequest req, JsonNode body) {
        Usage.Query q = dataset.parseUsage(body);
        String id = nextId();
        executions.put(id, new UsageExecution(q, faults.takeUsageFailure(), new AtomicInteger()));
        ObjectNode out = MAPPER.createObjectNode();
        out.put("executionId", id);
        out.put("resultsUri", "/api/v2/usage/query/" + id + "/results");
        send(req.response(), 202, out);
    }

    private void usageResults(HttpServerRequest req, String id) {
        UsageExecution ex = executions.get(id);
        if (ex == null) {
            throw new BadRequest(404, "not.found", "No usage query execution " + id);
        }
        if (faults.usageNeverCompletes() || ex.polls().getAndIncrement() < settings.runningPolls()) {
            send(req.response(), 200, MAPPER.createObjectNode().put("queryStatus", "Running"));
            return;
        }
        if (ex.fails()) {
            send(req.response(), 200, MAPPER.createObjectNode().put("queryStatus", "Failed"));
            return;
        }
        stream(req, out -> dataset.writeUsageResult(ex.query(), out));
    }

    // ---------------------------------------------------------------- usage aggregates jobs (since 2025-03-31)

    private void postUsageJob(HttpServerRequest req, JsonNode body) {
        UsageAggregates.Query q = UsageAggregates.parse(body, UsageAggregates.today());
        String id = nextId();
        usageJobs.put(id, new UsageJob(id, q, faults.takeUsageFailure()));
        String uri = "/api/v2/usage/aggregates/query/jobs/" + id;
        ObjectNode out = MAPPER.createObjectNode();
        out.put("id", id);
        out.put("resultsUri", uri);
        out.put("selfUri", uri);
        send(req.response(), 202, out);
    }

    private void usageJob(HttpServerRequest req, String id) {
        UsageJob job = usageJobs.get(id);
        if (job == null) {
            throw new BadRequest(404, "not.found", "No usage query job " + id);
        }
        String self = "/api/v2/usage/aggregates/query/jobs/" + id;
        String sizeParam = req.getParam("pageSize");
        int pageSize;
        try {
            pageSize = sizeParam == null ? UsageAggregates.DEFAULT_PAGE : Integer.parseInt(sizeParam);
        } catch (NumberFormatException e) {
            throw new BadRequest("Invalid pageSize '" + sizeParam + "'");
        }
        if (pageSize < 1 || pageSize > UsageAggregates.MAX_PAGE) {
            throw new BadRequest("Invalid pageSize " + pageSize + ": must be 1-" + UsageAggregates.MAX_PAGE);
        }
        String after = req.getParam("after");
        long from = after == null || after.isEmpty() ? 0 : decodeCursor(after, id);
        if (faults.usageNeverCompletes() || job.polls.getAndIncrement() < settings.runningPolls()) {
            send(req.response(), 200, MAPPER.createObjectNode().put("queryStatus", "Running").put("selfUri", self));
            return;
        }
        if (job.fails) {
            ObjectNode out = MAPPER.createObjectNode().put("queryStatus", "Failed");
            out.putObject("errorBody").put("message", "The usage query failed").put("code", "internal.server.error")
                    .put("status", 500);
            out.put("selfUri", self);
            send(req.response(), 200, out);
            return;
        }
        int size = pageSize;
        stream(req, out -> {
            List<UsageAggregates.Entity> all = job.entities(dataset.usageAggregates());
            int start = (int) Math.min(from, all.size());
            int end = Math.min(all.size(), start + size);
            try (com.fasterxml.jackson.core.JsonGenerator g = GenesysDataset.JSON.createGenerator(out)) {
                g.writeStartObject();
                g.writeStringField("queryStatus", "Succeeded");
                g.writeArrayFieldStart("entities");
                for (int k = start; k < end; k++) {
                    UsageAggregates.write(all.get(k), job.query.metrics(), g);
                }
                g.writeEndArray();
                if (end < all.size()) {
                    g.writeStringField("nextUri", self + "?pageSize=" + size + "&after="
                            + java.net.URLEncoder.encode(encodeCursor(end, id), StandardCharsets.UTF_8));
                }
                g.writeStringField("selfUri", self);
                g.writeEndObject();
            }
        });
    }

    // ---------------------------------------------------------------- details

    private void conversationQuery(HttpServerRequest req, JsonNode body) {
        DetailsRequest q = DetailsRequest.conversationQuery(body, settings.maxQueryResults());
        stream(req, out -> {
            GenesysDataset.Positions positions = dataset.syncPositions(q);
            int total = positions.size();
            int from = (int) Math.min(total, (long) (q.pageNumber() - 1) * q.pageSize());
            int to = Math.min(total, from + q.pageSize());
            ascii(out, "{");
            if (to > from) {
                ascii(out, "\"conversations\":[");
                for (int k = from; k < to; k++) {
                    if (k > from) {
                        out.write(',');
                    }
                    out.write(dataset.conversationAt(positions.get(q.descending() ? total - 1 - k : k)));
                }
                ascii(out, "],");
            }
            ascii(out, "\"totalHits\":" + total + "}");
        });
    }

    private void userQuery(HttpServerRequest req, JsonNode body) {
        DetailsRequest q = DetailsRequest.userQuery(body, settings.maxQueryResults());
        stream(req, out -> {
            List<byte[]> all = dataset.userDetailsForQuery(body);
            int total = all.size();
            int from = (int) Math.min(total, (long) (q.pageNumber() - 1) * q.pageSize());
            int to = Math.min(total, from + q.pageSize());
            ascii(out, "{");
            if (to > from) {
                ascii(out, "\"userDetails\":[");
                for (int k = from; k < to; k++) {
                    if (k > from) {
                        out.write(',');
                    }
                    out.write(all.get(q.descending() ? total - 1 - k : k));
                }
                ascii(out, "],");
            }
            ascii(out, "\"totalHits\":" + total + "}");
        });
    }

    private void postJob(HttpServerRequest req, JsonNode body, boolean users) {
        DetailsRequest q = users ? DetailsRequest.users(body, true) : DetailsRequest.conversations(body, true);
        String id = nextId();
        // The org's limit on jobs running at once counts both kinds; checked and taken under one lock.
        synchronized (jobs) {
            int max = settings.maxRunningJobs();
            if (faults.takeJobRefusal() || max > 0 && runningJobs() >= max) {
                stats.jobsRefused.incrementAndGet();
                error(req.response(), 429, "too.many.requests",
                        "Too many analytics details jobs running for this organization (limit " + max
                                + "); wait for one to finish before submitting another");
                return;
            }
            jobs.put(id, new Job(id, users, q, faults.takeJobFailure()));
            stats.jobSubmitted(runningJobs());
        }
        send(req.response(), 202, MAPPER.createObjectNode().put("jobId", id));
    }

    /** Jobs of the org QUEUED or PENDING now (neither finished nor deleted). */
    int runningJobs() {
        int n = 0;
        for (Job job : jobs.values()) {
            String state = state(job, false);
            if (state.equals("QUEUED") || state.equals("PENDING")) {
                n++;
            }
        }
        return n;
    }

    private Job job(String id, boolean users) {
        Job job = jobs.get(id);
        if (job == null || job.users != users) {
            throw new BadRequest(404, "not.found", "No analytics job " + id);
        }
        return job;
    }

    private boolean expired(Job job) {
        int limit = faults.expireAfterPages();
        return limit >= 0 && job.pages.get() >= limit;
    }

    private String state(Job job, boolean poll) {
        if (expired(job)) {
            return "EXPIRED";
        }
        if (faults.jobsQueued()) {
            return "QUEUED"; // held by a test: the polls meanwhile do not count
        }
        int polls = poll ? job.polls.getAndIncrement() : job.polls.get();
        long latency = settings.jobLatency().toNanos();
        if (latency > 0) {
            // A job takes its time whatever the polls: QUEUED the first half, PENDING the second.
            long age = System.nanoTime() - job.submittedNanos;
            if (job.errorMessage != null) {
                return age < latency ? "QUEUED" : "FAILED";
            }
            return age < latency / 2 ? "QUEUED" : age < latency ? "PENDING" : "FULFILLED";
        }
        int n = settings.runningPolls();
        if (job.errorMessage != null) {
            return polls < n ? "QUEUED" : "FAILED";
        }
        return polls < n ? "QUEUED" : polls < 2 * n ? "PENDING" : "FULFILLED";
    }

    private void jobStatus(HttpServerRequest req, String id, boolean users) {
        Job job = job(id, users);
        ObjectNode out = MAPPER.createObjectNode();
        String state = state(job, true);
        out.put("state", state);
        if (state.equals("FAILED")) {
            out.put("errorMessage", job.errorMessage);
        }
        out.put("submissionDate", Det.iso(job.submitted.toEpochMilli()));
        out.put("expirationDate", Det.iso(job.submitted.plus(1, ChronoUnit.DAYS).toEpochMilli()));
        send(req.response(), 200, out);
    }

    private void deleteJob(HttpServerRequest req, String id, boolean users) {
        job(id, users);
        jobs.remove(id);
        req.response().setStatusCode(202).end();
        stats.answered(202);
    }

    private void availability(HttpServerRequest req) {
        send(req.response(), 200, MAPPER.createObjectNode().put("dataAvailabilityDate", availabilityDate()));
    }

    private static String availabilityDate() {
        return Det.iso(Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MINUTES).toEpochMilli());
    }

    private void jobResults(HttpServerRequest req, String id, boolean users) {
        Job job = job(id, users);
        if (expired(job)) {
            throw new BadRequest(404, "not.found", "Analytics job " + id + " has expired");
        }
        String state = state(job, false);
        if (state.equals("FAILED")) {
            throw new BadRequest("Analytics job " + id + " failed: " + job.errorMessage);
        }
        if (!state.equals("FULFILLED")) {
            throw new BadRequest("Analytics job " + id + " is not fulfilled yet");
        }
        String sizeParam = req.getParam("pageSize");
        int pageSize;
        try {
            pageSize = sizeParam == null ? MAX_JOB_PAGE : Integer.parseInt(sizeParam);
        } catch (NumberFormatException e) {
            throw new BadRequest("Invalid pageSize '" + sizeParam + "'");
        }
        if (pageSize < 1 || pageSize > MAX_JOB_PAGE) {
            throw new BadRequest("Invalid pageSize " + pageSize + ": must be 1-" + MAX_JOB_PAGE);
        }
        String cursor = req.getParam("cursor");
        Long from = cursor == null || cursor.isEmpty() ? null : decodeCursor(cursor, id);
        job.pages.incrementAndGet();
        int size = pageSize;
        stream(req, out -> {
            ascii(out, "{");
            Long next = users ? userPage(job, from, size, out) : conversationPage(job, from, size, out);
            if (next != null) {
                ascii(out, "\"cursor\":\"" + encodeCursor(next, id) + "\",");
            }
            ascii(out, "\"dataAvailabilityDate\":\"" + availabilityDate() + "\"}");
        });
    }

    /** Writes the records part of a page; returns the cursor position of the next page, or null on the last. */
    private Long conversationPage(Job job, Long from, int pageSize, OutputStream out) throws IOException {
        GenesysDataset.ConversationScan scan = dataset.conversationScan(job.request, true, from);
        JsonBytes w = JsonBytes.local();
        int n = 0;
        Long next = null;
        while (true) {
            long before = scan.position();
            Conversations.Conv c = scan.nextConversation();
            if (c == null) {
                break;
            }
            if (n == pageSize) {
                next = before; // a peek: that record starts the next page
                break;
            }
            ascii(out, n == 0 ? "\"conversations\":[" : ",");
            w.reset();
            Conversations.write(c, w);
            w.writeTo(out);
            n++;
        }
        if (n > 0) {
            ascii(out, "],");
        }
        return next;
    }

    private Long userPage(Job job, Long from, int pageSize, OutputStream out) throws IOException {
        int u = from == null ? 0 : (int) (long) from;
        int n = 0;
        for (; u < dataset.userCount(); u++) {
            byte[] record = dataset.userRecord(job.request, u);
            if (record == null) {
                continue;
            }
            if (n == pageSize) {
                break;
            }
            ascii(out, n == 0 ? "\"userDetails\":[" : ",");
            out.write(record);
            n++;
        }
        if (n > 0) {
            ascii(out, "],");
        }
        return u < dataset.userCount() ? (long) u : null;
    }

    /** Opaque base64 that always holds '/' and '=' (first byte 0xFF, 14 bytes), so clients must URL-encode it. */
    private static String encodeCursor(long position, String jobId) {
        ByteBuffer b = ByteBuffer.allocate(14);
        b.put((byte) 0xFF).put((byte) 0xEF).putLong(position).putInt(jobId.hashCode());
        return Base64.getEncoder().encodeToString(b.array());
    }

    private static long decodeCursor(String cursor, String jobId) {
        try {
            ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(cursor));
            if (b.remaining() == 14 && b.get() == (byte) 0xFF && b.get() == (byte) 0xEF) {
                long position = b.getLong();
                if (b.getInt() == jobId.hashCode()) {
                    return position;
                }
            }
        } catch (IllegalArgumentException e) {
            // fall through: not base64, e.g. a '+' that arrived as a space because the client did not encode it
        }
        throw new BadRequest("Invalid cursor '" + cursor + "' for job " + jobId);
    }

    // ---------------------------------------------------------------- responses

    private String nextId() {
        return Det.uuid(settings.seed(), 900, ids.incrementAndGet());
    }

    private interface BodyWriter {
        void write(OutputStream out) throws IOException;
    }

    /** Generates a 200 body on a worker thread, streamed in chunks. */
    private void stream(HttpServerRequest req, BodyWriter writer) {
        HttpServerResponse res = req.response();
        vertx.executeBlocking(() -> {
            res.setStatusCode(200).setChunked(true).putHeader("Content-Type", "application/json");
            try (ResponseOutputStream out = new ResponseOutputStream(res)) {
                writer.write(out);
            }
            stats.answered(200);
            return null;
        }, false).onFailure(e -> {
            LOG.warn("local Genesys failed to stream {}", req.uri(), e);
            if (!res.headWritten()) {
                error(res, 500, "internal.server.error", "The server encountered an internal error");
            } else {
                res.reset();
            }
        });
    }

    private static void ascii(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.US_ASCII));
    }

    private void send(HttpServerResponse res, int status, JsonNode body) {
        stats.answered(status);
        try {
            byte[] bytes = MAPPER.writeValueAsBytes(body);
            res.setStatusCode(status).putHeader("Content-Type", "application/json").end(Buffer.buffer(bytes));
        } catch (IOException e) {
            res.setStatusCode(500).end();
        }
    }

    private void error(HttpServerResponse res, int status, String code, String message) {
        String contextId = nextId();
        ObjectNode out = MAPPER.createObjectNode();
        out.put("message", message);
        out.put("code", code);
        out.put("status", status);
        out.putObject("messageParams");
        out.put("contextId", contextId);
        out.putArray("details");
        out.putArray("errors");
        res.putHeader("inin-correlation-id", contextId);
        send(res, status, out);
    }

    private void throttled(HttpServerResponse res, int seconds) {
        res.putHeader("Retry-After", Integer.toString(seconds));
        error(res, 429, "too.many.requests.retry.after",
                "Rate limit exceeded the maximum. Retry the request in [" + seconds + "] seconds");
    }
}
