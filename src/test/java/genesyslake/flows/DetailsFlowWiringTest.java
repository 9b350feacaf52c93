package genesyslake.flows;

import genesyslake.lake.LakeNames;
import genesyslake.genesys.GenesysConstants;
import genesyslake.genesys.GenesysPage;
import genesyslake.genesys.UsageExport;
import genesyslake.lake.DeadLetters;
import genesyslake.lake.PartitionSpool.LakeObject;
import genesyslake.local.genesys.GenesysDataset;
import genesyslake.local.genesys.LocalGenesysSettings;
import genesyslake.testsupport.FlowTest;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures the conversation-details flow's YAML is wired as designed, with Genesys and S3 as mock endpoints: the job is
 * submitted, polled until FULFILLED, paged by cursor, each page's records written under their day's keys, and the
 * raw and flattened objects uploaded before the manifest.
 */
@CamelMainTest(configurationClasses = {FlowWiring.Beans.class, DetailsFlowWiringTest.DetailsBean.class},
        propertyPlaceholderLocations = "file:application.properties",
        properties = {"camel.main.routes-include-pattern=file:routes/flow-templates.camel.yaml,file:routes/conversation-details.camel.yaml,"
                + "file:routes/details-day.camel.yaml,file:routes/lake-upload.camel.yaml,file:routes/errors.camel.yaml",
                "details.job.poll.delay=10ms", "lake.schedule.enabled=false", "camel.main.routes-reload-enabled=false"},
        mockEndpointsAndSkip = "(genesys:.*|aws2-s3:.*)")
@FlowTest
class DetailsFlowWiringTest {

    private static final LocalDate DAY = LocalDate.now(ZoneOffset.UTC).minusDays(3);

    /** The details bean over the same runs the shared wiring beans bind. */
    public static final class DetailsBean implements org.apache.camel.CamelConfiguration {
        @Override
        public void configure(CamelContext context) {
            context.getRegistry().bind("details", new genesyslake.genesys.DetailsExport(
                    context.getRegistry().lookupByNameAndType("lakeRuns", genesyslake.lake.LakeRuns.class),
                    java.time.Clock.systemUTC()));
        }
    }

    @BeanInject
    CamelContext context;

    private static GenesysPage page(List<byte[]> records, String cursor) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes("{\"conversations\":[".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < records.size(); i++) {
            if (i > 0) {
                b.write(',');
            }
            b.writeBytes(records.get(i));
        }
        b.writeBytes(("]" + (cursor == null ? "" : ",\"cursor\":\"" + cursor + "\"") + "}").getBytes(StandardCharsets.UTF_8));
        return new GenesysPage("GET mock", "conversations", new ByteArrayInputStream(b.toByteArray()), 2, 0);
    }

    @Test
    void submitsPollsUntilFulfilledPagesByCursorAndUploadsRawAndFlatObjectsBeforeTheManifest() throws Exception {
        GenesysDataset data = new GenesysDataset(LocalGenesysSettings.defaults());
        List<byte[]> day = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            day.add(data.conversation(DAY, i));
        }
        context.getEndpoint("mock:genesys:details-availability", MockEndpoint.class).whenAnyExchangeReceived(e ->
                e.getIn().setHeader(GenesysConstants.DATA_AVAILABILITY_DATE, Instant.now().toString()));
        MockEndpoint submit = MockEndpoint.resolve(context, "mock:genesys:details-job");
        submit.whenAnyExchangeReceived(e -> e.getIn().setHeader(GenesysConstants.JOB_ID, "job-1"));
        AtomicInteger polls = new AtomicInteger();
        MockEndpoint status = MockEndpoint.resolve(context, "mock:genesys:details-job-status");
        status.whenAnyExchangeReceived(e -> e.getIn().setHeader(GenesysConstants.JOB_STATE,
                polls.incrementAndGet() < 3 ? "PENDING" : "FULFILLED"));
        List<String> cursorsAsked = new ArrayList<>();
        MockEndpoint results = MockEndpoint.resolve(context, "mock:genesys:details-job-results");
        results.whenAnyExchangeReceived(e -> {
            String cursor = e.getIn().getHeader(GenesysConstants.CURSOR, String.class);
            cursorsAsked.add(String.valueOf(cursor));
            e.getIn().setBody(cursor == null ? page(day.subList(0, 2), "c-1") : page(day.subList(2, 3), null));
        });
        List<String> uploaded = java.util.Collections.synchronizedList(new ArrayList<>()); // uploads run in parallel
        // The upload endpoint is a toD: it exists once the first object is sent, so collect through the S3 stub's
        // mock as soon as it is created.
        context.getCamelContextExtension().registerEndpointCallback(new org.apache.camel.spi.EndpointStrategy() {
            @Override
            public org.apache.camel.Endpoint registerEndpoint(String uri, org.apache.camel.Endpoint endpoint) {
                if (endpoint instanceof MockEndpoint m && uri.contains("aws2-s3")) {
                    m.whenAnyExchangeReceived(e -> uploaded.add(e.getProperty(LakeNames.OBJECT, LakeObject.class).key()));
                }
                return endpoint;
            }
        });

        Exchange done = context.createProducerTemplate().send("direct:conversation-details",
                e -> e.getIn().setHeader(UsageExport.INTERVAL_HEADER, DAY + "/" + DAY.plusDays(1)));
        assertNull(done.getException(), () -> String.valueOf(done.getException()));
        assertEquals(1, submit.getReceivedCounter(), "one job for the day");
        assertEquals(3, status.getReceivedCounter(), "polled until FULFILLED");
        assertEquals(List.of("null", "c-1"), cursorsAsked, "the first page, then the page its cursor names");
        assertEquals(5, uploaded.size(), "raw, flattened, the day's handle and queue summaries, then the manifest: " + uploaded);
        // The day's objects go up several at once (lake-publish's parallel split), in any order; the manifest after all.
        assertEquals(java.util.Set.of("conversations/date=" + DAY + "/conversation-details_" + DAY + ".json.gz",
                        "conversation_segments/date=" + DAY + "/conversation-details_" + DAY + ".parquet",
                        "agent_handle_daily/date=" + DAY + "/conversation-details_" + DAY + ".parquet",
                        "queue_daily/date=" + DAY + "/conversation-details_" + DAY + ".parquet"),
                java.util.Set.copyOf(uploaded.subList(0, 4)), uploaded.toString());
        assertTrue(uploaded.get(4).startsWith("_manifests/conversation-details/"), uploaded.toString());
        assertEquals(3L, done.getProperty(genesyslake.lake.LakeNames.RUN, genesyslake.lake.ExportRun.class).records().get());
    }
}
