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
        properties = {"camel.main.routes-include-pattern=file:routes/flow-templates.camel.yaml,file:routes/usage.camel.yaml,file:routes/usage-daily.camel.yaml,file:routes/errors.camel.yaml,"
                    + "file:routes/catalog-queue.camel.yaml",
                "lake.schedule.enabled=true", "camel.main.routes-reload-enabled=false"},
        replaceRouteFromWith = "usage-export-schedule=direct:usage-tick",
        mockEndpointsAndSkip = "direct:(usage-export|usage-daily|catalog-refresh|athena-report)")
/**
 * Ensures the usage schedule chains the usage flows (usage-export, then usage-daily), catalog refresh and reports, in
 * that order, and stops after a failure.
 */
@FlowTest
class UsageScheduleWiringTest {

    @org.apache.camel.BeanInject
    CamelContext context;

    @EndpointInject("mock:direct:usage-export")
    MockEndpoint export;

    @EndpointInject("mock:direct:usage-daily")
    MockEndpoint daily;

    @EndpointInject("mock:direct:catalog-refresh")
    MockEndpoint catalog;

    @EndpointInject("mock:direct:athena-report")
    MockEndpoint reports;

    @Test
    void aTickRunsTheExportThenTheCatalogThenTheReports() throws Exception {
        List<String> order = new ArrayList<>();
        export.whenAnyExchangeReceived(e -> order.add("export"));
        daily.whenAnyExchangeReceived(e -> order.add("daily"));
        catalog.whenAnyExchangeReceived(e -> order.add("catalog"));
        reports.whenAnyExchangeReceived(e -> order.add("reports"));
        context.createProducerTemplate().sendBody("direct:usage-tick", null);
        assertEquals(List.of("export", "daily", "catalog", "reports"), order);
    }

    @Test
    void aFailedExportStopsTheChain() {
        List<String> order = new ArrayList<>();
        export.whenAnyExchangeReceived(e -> {
            throw new IllegalStateException("export failed");
        });
        daily.whenAnyExchangeReceived(e -> order.add("daily"));
        catalog.whenAnyExchangeReceived(e -> order.add("catalog"));
        reports.whenAnyExchangeReceived(e -> order.add("reports"));
        Exchange tick = context.createProducerTemplate().send("direct:usage-tick", e -> { });
        assertNotNull(tick.getException());
        assertEquals(List.of(), order, "neither usage-daily, the catalog nor the reports ran after a failed export");
    }
}
