package genesyslake.genesys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import genesyslake.lake.OwnerOnly;
import genesyslake.lake.RawJsonScanner;
import genesyslake.query.DetailsQuery;
import genesyslake.query.Interval;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultProducer;
import org.apache.camel.support.SynchronizationAdapter;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/** Makes the one request of its endpoint's operation; see {@link GenesysOperation} for what each reads and sets. */
final class GenesysProducer extends DefaultProducer {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final GenesysEndpoint endpoint;
    private final GenesysConfiguration configuration;
    private final GenesysHttp http;

    GenesysProducer(GenesysEndpoint endpoint) {
        super(endpoint);
        this.endpoint = endpoint;
        this.configuration = endpoint.getConfiguration();
        this.http = endpoint.getComponent().http();
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message in = exchange.getIn();
        GenesysOperation operation = endpoint.getOperation();
        // Only the details operations have a kind: a GenesysKind header left on a usage exchange is not read.
        DetailsQuery.Kind kind = operation.name().startsWith("DETAILS_") ? configuration.kind(in) : null;
        String details = kind == null ? null : "/api/v2/analytics/" + kind.path + "/details";
        switch (operation) {
            case USAGE_QUERY -> {
                JsonNode answer = readJson(http.open("POST", "/api/v2/usage/query", Map.of(), in.getMandatoryBody(byte[].class), false));
                String id = answer.path("executionId").asText(null);
                if (id == null) {
                    throw new GenesysApiException("POST /api/v2/usage/query", 202, null, "no executionId in " + answer);
                }
                in.setHeader(GenesysConstants.EXECUTION_ID, id);
                in.setHeader(GenesysConstants.QUERY_STATUS, null);
                in.setBody(answer);
            }
            case USAGE_RESULTS -> usageResults(exchange, required(in, GenesysConstants.EXECUTION_ID));
            case USAGE_AGGREGATES_JOB -> {
                String path = "/api/v2/usage/aggregates/query/jobs";
                JsonNode answer = readJson(http.open("POST", path, Map.of(), in.getMandatoryBody(byte[].class), false));
                String id = answer.path("id").asText(null);
                if (id == null) {
                    throw new GenesysApiException("POST " + path, 202, null, "no id in " + answer);
                }
                in.setHeader(GenesysConstants.JOB_ID, id);
                in.setHeader(GenesysConstants.QUERY_STATUS, null);
                in.setHeader(GenesysConstants.CURSOR, null);
            }
            case USAGE_AGGREGATES_RESULTS -> usageAggregatesPage(exchange, required(in, GenesysConstants.JOB_ID));
            case DETAILS_AVAILABILITY -> {
                JsonNode a = http.getJson(details + "/jobs/availability", Map.of());
                String date = a.path("dataAvailabilityDate").asText(null);
                if (date == null) {
                    throw new GenesysApiException("GET " + details + "/jobs/availability", 200, null,
                            "no dataAvailabilityDate in " + a);
                }
                in.setHeader(GenesysConstants.DATA_AVAILABILITY_DATE, date);
            }
            case DETAILS_JOB -> {
                DetailsQuery query = in.getMandatoryBody(DetailsQuery.class);
                JsonNode answer = readJson(http.submitJob(details + "/jobs", query.jobBody(interval(in))));
                String id = answer.path("jobId").asText(null);
                if (id == null) {
                    throw new GenesysApiException("POST " + details + "/jobs", 202, null, "no jobId in " + answer);
                }
                in.setHeader(GenesysConstants.JOB_ID, id);
                in.setHeader(GenesysConstants.JOB_STATE, null);
                in.setHeader(GenesysConstants.CURSOR, null);
            }
            case DETAILS_JOB_STATUS -> {
                String id = required(in, GenesysConstants.JOB_ID);
                try {
                    JsonNode job = http.getJson(details + "/jobs/" + id, Map.of());
                    in.setHeader(GenesysConstants.JOB_STATE, job.path("state").asText(""));
                    in.setHeader(GenesysConstants.JOB_ERROR_MESSAGE, job.path("errorMessage").asText(null));
                } catch (GenesysApiException e) {
                    if (e.status() != 404) {
                        throw e;
                    }
                    in.setHeader(GenesysConstants.JOB_STATE, "EXPIRED");
                    in.setHeader(GenesysConstants.JOB_ERROR_MESSAGE, "job " + id + " is gone (404)");
                }
            }
            case DETAILS_JOB_RESULTS -> {
                String id = required(in, GenesysConstants.JOB_ID);
                Map<String, String> params = new HashMap<>();
                params.put("pageSize", String.valueOf(pageSize(in)));
                params.put("cursor", in.getHeader(GenesysConstants.CURSOR, String.class));
                String path = details + "/jobs/" + id + "/results";
                try {
                    in.setBody(new GenesysPage("GET " + path, kind.recordsField,
                            http.open("GET", path, params, null, true), pageSize(in), 0));
                } catch (GenesysApiException e) {
                    if (e.status() == 404) {
                        throw new GenesysJobExpiredException("job " + id + " expired or is gone: " + e.getMessage());
                    }
                    throw e;
                }
            }
            case REFERENCE_PAGE -> referencePage(exchange, required(in, GenesysConstants.REFERENCE_PATH));
            case DETAILS_QUERY -> {
                DetailsQuery query = in.getMandatoryBody(DetailsQuery.class);
                Integer number = in.getHeader(GenesysConstants.PAGE_NUMBER, 1, Integer.class);
                byte[] body = query.pageBody(interval(in), pageSize(in), number);
                in.setBody(new GenesysPage("POST " + details + "/query", kind.recordsField,
                        http.open("POST", details + "/query", Map.of(), body, true), pageSize(in), number));
            }
        }
    }

    private void usageResults(Exchange exchange, String executionId) throws IOException {
        spoolAnswer(exchange, "/api/v2/usage/query/" + executionId + "/results", Map.of(), "results", "Complete");
    }

    /** One page of a usage aggregates job, spooled like a usage answer; also its error and next cursor. */
    private void usageAggregatesPage(Exchange exchange, String jobId) throws IOException {
        Message in = exchange.getIn();
        Map<String, String> params = new HashMap<>();
        params.put("pageSize", String.valueOf(pageSize(in)));
        params.put("after", in.getHeader(GenesysConstants.CURSOR, String.class));
        RawJsonScanner.Result fields = spoolAnswer(exchange, "/api/v2/usage/aggregates/query/jobs/" + jobId, params,
                "entities", "Succeeded");
        JsonNode error = fields.field("errorBody");
        in.setHeader(GenesysConstants.JOB_ERROR_MESSAGE, error == null ? null : error.path("message").asText(error.toString()));
        in.setHeader(GenesysConstants.CURSOR, after(fields.text("nextUri")));
    }

    /** One page of a reference listing, its entities spooled as sent; the next page exists while there is a nextUri. */
    private void referencePage(Exchange exchange, String path) throws IOException {
        Message in = exchange.getIn();
        if (!path.startsWith("/api/v2/") || path.contains("?")) {
            throw new IllegalArgumentException(GenesysConstants.REFERENCE_PATH + " must be an /api/v2/ path without a "
                    + "query (put parameters in " + GenesysConstants.REFERENCE_QUERY + "): " + path);
        }
        Map<String, String> params = new java.util.LinkedHashMap<>();
        params.put("pageSize", String.valueOf(pageSize(in)));
        params.put("pageNumber", String.valueOf(in.getHeader(GenesysConstants.PAGE_NUMBER, 1, Integer.class)));
        String extra = in.getHeader(GenesysConstants.REFERENCE_QUERY, String.class);
        if (extra != null && !extra.isBlank()) {
            for (String pair : extra.split("&")) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException(GenesysConstants.REFERENCE_QUERY
                            + " must be name=value pairs joined by &: " + extra);
                }
                params.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        RawJsonScanner.Result fields = spoolAnswer(exchange, path, params, "entities", null);
        String next = fields.text("nextUri");
        in.setHeader(GenesysConstants.NEXT_URI, next == null || next.isBlank() ? null : next);
    }

    /**
     * Streams a GET answer into a work file, the records of {@code recordsField} one a line, so its queryStatus (which
     * may come after them) is known before anyone reads them. Sets GenesysQueryStatus and GenesysRecordCount; the
     * body is the file (deleted when the exchange completes) when the status is {@code done} (null: always), else
     * empty.
     */
    private RawJsonScanner.Result spoolAnswer(Exchange exchange, String path, Map<String, String> params,
            String recordsField, String done) throws IOException {
        OwnerOnly.createDirectories(endpoint.getComponent().workDir());
        Path file = Files.createTempFile(endpoint.getComponent().workDir(), "answer-", ".ndjson");
        RawJsonScanner.Result fields;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            fields = http.get(path, params, body -> RawJsonScanner.of(recordsField).scan(body, (buf, off, len) -> {
                out.write(buf, off, len);
                out.write('\n');
            }));
        } catch (RuntimeException | IOException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        String status = fields.text("queryStatus") == null ? "" : fields.text("queryStatus");
        Message in = exchange.getIn();
        in.setHeader(GenesysConstants.QUERY_STATUS, status);
        in.setHeader(GenesysConstants.RECORD_COUNT, fields.records(recordsField));
        if (done == null || done.equalsIgnoreCase(status)) {
            in.setBody(file.toFile());
            exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                @Override
                public void onDone(Exchange completed) {
                    file.toFile().delete();
                }
            });
        } else {
            Files.deleteIfExists(file);
            in.setBody(null);
        }
        return fields;
    }

    /** The {@code after} cursor of a nextUri ("...?pageSize=100&amp;after=abc"), or null when there is no next page. */
    static String after(String nextUri) {
        if (nextUri == null || nextUri.isBlank() || !nextUri.contains("?")) {
            return null;
        }
        for (String pair : nextUri.substring(nextUri.indexOf('?') + 1).split("&")) {
            if (pair.startsWith("after=")) {
                return java.net.URLDecoder.decode(pair.substring("after=".length()), java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private int pageSize(Message in) {
        return configuration.pageSize(in);
    }

    private static Interval interval(Message in) {
        return Interval.parse(required(in, GenesysConstants.INTERVAL), Clock.systemUTC());
    }

    private static String required(Message in, String header) {
        String v = in.getHeader(header, String.class);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("the header " + header + " is required here");
        }
        return v;
    }

    private static JsonNode readJson(InputStream in) throws IOException {
        try (in) {
            return JSON.readTree(in);
        }
    }
}
