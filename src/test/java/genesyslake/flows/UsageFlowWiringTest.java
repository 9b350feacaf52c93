package genesyslake.flows;

import genesyslake.lake.LakeNames;
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
import genesyslake.testsupport.FlowTest;
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
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
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

@CamelMainTest(configurationClasses = FlowWiring.Beans.class, propertyPlaceholderLocations = "file:application.properties",
        properties = {"camel.main.routes-include-pattern=file:routes/flow-templates.camel.yaml,file:routes/usage.camel.yaml,file:routes/lake-upload.camel.yaml,"
                + "file:routes/errors.camel.yaml", "usage.query-files=queries/usage-query.json", "usage.poll.delay=10ms",
                "lake.schedule.enabled=false", "lake.upload.redeliveries=2", "lake.upload.redelivery-delay-ms=5",
                "camel.main.routes-reload-enabled=false"},
        mockEndpointsAndSkip = "(genesys:.*|aws2-s3:.*)")
/**
 * Ensures the usage flow's YAML is wired as designed, with Genesys and S3 replaced by mock endpoints (no servers):
 * polling until Complete, one line per record under its partition key, objects before the manifest, and a failed
 * upload kept as a dead letter.
 */
@FlowTest
class UsageFlowWiringTest {

    @org.apache.camel.BeanInject
    CamelContext context;

    @BeforeEach
    void genesys() throws IOException {
        FlowWiring.emulateUsageApi(context, 2);
    }

    private Exchange run() {
        ProducerTemplate producer = context.createProducerTemplate();
        return producer.send("direct:usage-export", e -> e.getIn().setHeader(UsageExport.INTERVAL_HEADER,
                "2025-01-01/2025-02-01"));
    }

    /** Runs once so the upload endpoint (a toD) exists, then lets the test set what its mock does. */
    private MockEndpoint s3AfterAFirstRun() {
        assertNull(run().getException());
        MockEndpoint upload = FlowWiring.s3(context);
        upload.reset();
        return upload;
    }

    @Test
    void pollsUntilCompleteThenUploadsTheRecordsAsOneObjectBeforeTheManifest() throws Exception {
        MockEndpoint upload = s3AfterAFirstRun();
        MockEndpoint results = MockEndpoint.resolve(context, "mock:genesys:usage-results");
        results.reset();
        FlowWiring.emulateUsageApi(context, 2);
        List<String> keys = new ArrayList<>();
        List<List<String>> bodies = new ArrayList<>();
        upload.whenAnyExchangeReceived(e -> {
            keys.add(e.getIn().getHeader("CamelAwsS3Key", String.class));
            LakeObject o = e.getProperty(LakeNames.OBJECT, LakeObject.class);
            bodies.add(o.key().endsWith(".json.gz") ? FlowWiring.gunzip(o.file()) : List.of());
        });
        Exchange done = run();
        assertNull(done.getException(), () -> String.valueOf(done.getException()));
        assertEquals(3, results.getReceivedCounter(), "Running, Running, Complete");

        assertEquals(3, keys.size(), "the raw object, its usage_requests Parquet, then the manifest: " + keys);
        assertTrue(keys.get(0).startsWith("granularity=month/usage_20250101T0000Z_20250201T0000Z_"), keys.get(0));
        assertEquals("usage_requests/" + keys.get(0).replace(".json.gz", ".parquet"), keys.get(1));
        assertTrue(keys.get(2).startsWith("_manifests/usage-export/"), keys.get(2));
        List<String> stamped = FlowWiring.RECORDS.stream().map(r -> r.substring(0, r.length() - 1) + ",\"granularity\":\"month\"}")
                .toList();
        assertEquals(stamped, bodies.get(0), "each record one line, as sent, with its granularity stamped");
        assertEquals(3, done.getProperty(LakeNames.RUN, ExportRun.class).records().get());
    }

    @Test
    void anUploadThatKeepsFailingIsKeptAsADeadLetterAndTheManifestSaysSo() throws Exception {
        MockEndpoint upload = s3AfterAFirstRun();
        FlowWiring.emulateUsageApi(context, 0);
        upload.whenAnyExchangeReceived(e -> {
            if (e.getIn().getHeader("CamelAwsS3Key", String.class).startsWith("granularity=")) {
                throw new IOException("S3 is down");
            }
        });
        Exchange done = run();
        ExportRun run = done.getProperty(LakeNames.RUN, ExportRun.class);
        assertFalse(run.complete(), "a dead-lettered object leaves the run incomplete");
        assertEquals(1, run.deadLetteredKeys().size());
        assertEquals(1 + 2 + 1 + 1, upload.getReceivedCounter(),
                "one try and two redeliveries of the raw object, its usage_requests object, then the manifest");
        LakeObject manifest = upload.getReceivedExchanges().get(4).getProperty(LakeNames.OBJECT, LakeObject.class);
        assertTrue(manifest.key().startsWith("_manifests/"));
        Path deadLetters = ((Path) context.getRegistry().lookupByName("wiringDir")).resolve("dead-letter");
        try (Stream<Path> letters = Files.list(deadLetters)) {
            Path letter = letters.findFirst().orElseThrow();
            assertEquals(FlowWiring.RECORDS.size(), FlowWiring.gunzip(letter.resolve("object")).size(), "the records are kept, not dropped");
            JsonNode meta = FlowWiring.JSON.readTree(letter.resolve("meta.json").toFile());
            assertEquals(run.deadLetteredKeys().get(0), meta.path("key").asText());
        }
    }
}
