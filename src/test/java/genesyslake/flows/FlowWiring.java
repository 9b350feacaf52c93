package genesyslake.flows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import genesyslake.config.MillisFunction;
import genesyslake.genesys.GenesysComponent;
import genesyslake.genesys.GenesysEndpoints;
import genesyslake.genesys.GenesysConstants;
import genesyslake.genesys.GenesysHttp;
import genesyslake.genesys.RateGovernor;
import genesyslake.genesys.RetryPolicy;
import genesyslake.genesys.UsageExport;
import genesyslake.lake.DeadLetters;
import genesyslake.lake.ExportRun;
import genesyslake.lake.LakeRuns;
import genesyslake.lake.PartitionSpool.LakeObject;
import genesyslake.lake.Watermarks;
import genesyslake.management.OneRunAtATime;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.EndpointInject;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the route wiring tests share: the beans the routes use, and Genesys as mock endpoints answer it. */
final class FlowWiring {

    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> RECORDS = List.of("{\"oauthClientId\":\"a\",\"status429\":2,\"x\":[1,2]}",
            "{\"oauthClientId\":\"b\",\"status429\":0,\"new\":\"field\"}", "{\"oauthClientId\":\"c\",\"status429\":7}");

    /** The beans the usage and upload routes use, over a temp folder; Genesys and S3 clients that are never called. */
    public static final class Beans implements CamelConfiguration {
        @Override
        public void configure(CamelContext context) throws Exception {
            Path dir = Files.createTempDirectory("genesys-lake-wiring");
            context.getPropertiesComponent().addPropertiesFunction(new MillisFunction(context));
            context.getPropertiesComponent().addPropertiesFunction(new genesyslake.config.ScheduleFunction(context));
            var registry = context.getRegistry();
            Watermarks watermarks = new Watermarks(dir.resolve("state"));
            LakeRuns runs = new LakeRuns(dir.resolve("work"), watermarks);
            // As the daemon by default (lake.flat-format=parquet): curated objects are published as Parquet.
            runs.curated(new genesyslake.lake.CuratedConversions(genesyslake.lake.FlatFormat.PARQUET,
                    new genesyslake.lake.ParquetConverter(dir.resolve("work/duckdb"), "128MB", 1)));
            registry.bind("lakeRuns", runs);
            registry.bind("usageExport", new UsageExport(runs, Clock.systemUTC()));
            registry.bind("oneRunAtATime", new OneRunAtATime());
            S3Client s3 = s3Stub();
            registry.bind("s3Client", s3);
            registry.bind("deadLetters", new DeadLetters(dir.resolve("dead-letter"), s3, "gc-usage-api-source"));
            URI nowhere = URI.create("http://127.0.0.1:9");
            registry.bind("genesys", new GenesysComponent(new GenesysHttp(new GenesysEndpoints(nowhere, nowhere), "id",
                    "secret", new RateGovernor(0), new RetryPolicy(1, Duration.ofMillis(1), Duration.ofMillis(1)),
                    Duration.ofSeconds(1)), dir.resolve("genesys")));
            registry.bind("wiringDir", dir);
        }
    }

    /**
     * An S3 client that only says buckets exist (the upload endpoint asks when it starts); the uploads themselves go to
     * a mock endpoint, so anything else it is asked fails the test.
     */
    static S3Client s3Stub() {
        return (S3Client) java.lang.reflect.Proxy.newProxyInstance(S3Client.class.getClassLoader(),
                new Class<?>[] {S3Client.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "headBucket" -> software.amazon.awssdk.services.s3.model.HeadBucketResponse.builder().build();
                    case "serviceName" -> "s3";
                    case "close" -> null;
                    case "toString" -> "S3 stub";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException("S3 stub: " + method.getName());
                });
    }

    /** Genesys as the mocks answer it: a submitted query is Running for {@code running} polls, then Complete. */
    static void emulateUsageApi(CamelContext context, int running) throws IOException {
        Path results = Files.createTempFile("usage-results", ".ndjson");
        Files.write(results, RECORDS);
        context.getEndpoint("mock:genesys:usage-query", MockEndpoint.class).whenAnyExchangeReceived(
                e -> e.getIn().setHeader(GenesysConstants.EXECUTION_ID, "exec-1"));
        AtomicInteger polls = new AtomicInteger();
        context.getEndpoint("mock:genesys:usage-results", MockEndpoint.class).whenAnyExchangeReceived(e -> {
            boolean done = polls.incrementAndGet() > running;
            e.getIn().setHeader(GenesysConstants.QUERY_STATUS, done ? "Complete" : "Running");
            e.getIn().setBody(done ? results.toFile() : null);
        });
    }

    /** The mock standing in for the S3 upload endpoint (its URI carries the bucket and the upload options). */
    static MockEndpoint s3(CamelContext context) {
        return context.getEndpoints().stream().filter(e -> e instanceof MockEndpoint && e.getEndpointUri().contains("aws2-s3"))
                .map(MockEndpoint.class::cast).findFirst().orElseThrow(() -> new AssertionError("no S3 upload happened"));
    }

    static List<String> gunzip(Path file) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            return List.of(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n"));
        }
    }
}
