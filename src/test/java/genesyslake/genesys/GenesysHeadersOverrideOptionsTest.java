package genesyslake.genesys;

import com.sun.net.httpserver.HttpServer;
import genesyslake.testsupport.FlowTest;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures a header named after an endpoint option wins over it for one exchange (GenesysKind over kind,
 * GenesysPageSize over pageSize), the endpoint option applies without the header, and a bad header value fails the
 * exchange naming the header. Against a stub Genesys that records each request it is sent.
 */
@FlowTest
class GenesysHeadersOverrideOptionsTest {

    private final List<String> requests = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private DefaultCamelContext context;
    private ProducerTemplate template;

    @BeforeEach
    void start(@TempDir Path dir) throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            String answer = path.equals("/oauth/token") ? "{\"access_token\":\"t\",\"expires_in\":3600}"
                    : path.endsWith("/results") ? "{\"conversations\":[],\"userDetails\":[]}"
                    : "{\"id\":\"a1\",\"state\":\"FULFILLED\"}";
            if (!path.equals("/oauth/token")) {
                requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
            }
            byte[] body = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        URI stub = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        GenesysHttp http = new GenesysHttp(new GenesysEndpoints(stub, stub), "id", "secret", new RateGovernor(0),
                new RetryPolicy(1, Duration.ofMillis(1), Duration.ofMillis(1)), Duration.ofSeconds(5));
        context = new DefaultCamelContext();
        context.getRegistry().bind("genesys", new GenesysComponent(http, dir));
        context.start();
        template = context.createProducerTemplate();
    }

    @AfterEach
    void stop() {
        context.stop();
        server.stop(0);
    }

    @Test
    void theKindHeaderWinsOverTheKindOption() {
        send("genesys:details-job-status", Map.of(GenesysConstants.JOB_ID, "j1"));
        send("genesys:details-job-status", Map.of(GenesysConstants.JOB_ID, "j2", GenesysConstants.KIND, "users"));
        send("genesys:details-job-status?kind=users", Map.of(GenesysConstants.JOB_ID, "j3"));
        send("genesys:details-job-status?kind=users", Map.of(GenesysConstants.JOB_ID, "j4", GenesysConstants.KIND, "conversations"));
        assertEquals(List.of("GET /api/v2/analytics/conversations/details/jobs/j1",
                "GET /api/v2/analytics/users/details/jobs/j2",
                "GET /api/v2/analytics/users/details/jobs/j3",
                "GET /api/v2/analytics/conversations/details/jobs/j4"), requests);
    }

    @Test
    void thePageSizeHeaderWinsOverThePageSizeOption() throws IOException {
        Exchange page = send("genesys:details-job-results?pageSize=250", Map.of(GenesysConstants.JOB_ID, "j1"));
        page.getIn().getBody(GenesysPage.class).close();
        page = send("genesys:details-job-results?pageSize=250&kind=users",
                Map.of(GenesysConstants.JOB_ID, "j1", GenesysConstants.PAGE_SIZE, 7));
        GenesysPage users = page.getIn().getBody(GenesysPage.class);
        users.close();
        assertEquals(7, users.pageSize());
        assertEquals("userDetails", users.recordsField());
        assertEquals(List.of("GET /api/v2/analytics/conversations/details/jobs/j1/results?pageSize=250",
                "GET /api/v2/analytics/users/details/jobs/j1/results?pageSize=7"), requests);
    }

    @Test
    void aBadHeaderValueFailsTheExchangeNamingTheHeader() {
        CamelExecutionException e = assertThrows(CamelExecutionException.class, () -> template.requestBodyAndHeaders(
                "genesys:details-job-status", null, Map.of(GenesysConstants.JOB_ID, "j1", GenesysConstants.KIND, "queues")));
        IllegalArgumentException cause = assertInstanceOf(IllegalArgumentException.class, e.getCause());
        assertTrue(cause.getMessage().contains("GenesysKind") && cause.getMessage().contains("'queues'"), cause.getMessage());
        e = assertThrows(CamelExecutionException.class, () -> template.requestBodyAndHeaders(
                "genesys:details-job-results", null, Map.of(GenesysConstants.JOB_ID, "j1", GenesysConstants.PAGE_SIZE, 0)));
        assertTrue(e.getCause().getMessage().contains("GenesysPageSize"), e.getCause().getMessage());
        assertEquals(List.of(), requests, "nothing is sent on a bad header");
    }

    @Test
    void aKindHeaderLeftOnAUsageExchangeIsNotRead() {
        send("genesys:usage-aggregates-job", Map.of(GenesysConstants.KIND, "queues"), "{}");
        assertEquals(1, requests.size(), "the usage request was sent: " + requests);
    }

    private Exchange send(String uri, Map<String, Object> headers) {
        return send(uri, headers, null);
    }

    private Exchange send(String uri, Map<String, Object> headers, String body) {
        Exchange answer = template.request(uri, e -> {
            e.getIn().setHeaders(new java.util.HashMap<>(headers));
            e.getIn().setBody(body);
        });
        if (answer.getException() != null) {
            throw new AssertionError(uri + " failed", answer.getException());
        }
        return answer;
    }
}
