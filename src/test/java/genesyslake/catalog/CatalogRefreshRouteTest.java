package genesyslake.catalog;

import genesyslake.lake.FlatFormat;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import genesyslake.lake.LakeRuns;
import genesyslake.lake.Watermarks;
import genesyslake.local.aws.LocalAws;
import genesyslake.local.aws.LocalAwsSettings;
import genesyslake.testsupport.FlowTest;
import genesyslake.testsupport.MotoServer;
import org.apache.camel.Exchange;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelContextConfiguration;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.CrawlerState;
import software.amazon.awssdk.services.glue.model.GetCrawlerResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures the catalog-refresh route (routes/catalog.camel.yaml, glue.mode=crawler) starts a Glue crawl, waits for
 * it and reports failures, run by camel-main against LocalAws and moto_server.
 */
@FlowTest
class CatalogRefreshRouteTest {

    static final String CRAWLER = "UsageApiCrawler";

    /**
     * The route files under test with the real application.properties (the daemon's own Camel services off) and
     * the catalog bean on a Glue client the test watches.
     */
    abstract static class RouteTest extends CamelMainTestSupport {

        @TempDir
        Path work;
        GlueClient glue;
        WatchedGlue watched;
        final ListAppender<ILoggingEvent> log = new ListAppender<>();

        abstract String endpoint() throws Exception;

        @Override
        public void configureContext(CamelContextConfiguration configuration) {
            super.configureContext(configuration);
            Properties p = new Properties();
            p.put("camel.main.routes-include-pattern", "file:routes/catalog.camel.yaml,file:routes/errors.camel.yaml");
            p.put("camel.main.routes-reload-enabled", "false");
            p.put("camel.management.enabled", "false");
            p.put("camel.metrics.enabled", "false");
            p.put("glue.mode", "crawler");
            p.put("glue.poll.delay", "50ms");
            p.put("glue.max-wait", "20s");
            configuration.withUseOverridePropertiesWithPropertiesComponent(p);
        }

        @Override
        protected void bindToRegistry(Registry registry) throws Exception {
            String endpoint = endpoint();
            glue = GlueClient.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1)
                    .credentialsProvider(credentials()).build();
            watched = new WatchedGlue(glue);
            // Only the projection branch's endpoint uses it; camel-aws2-athena wants a client at start-up.
            registry.bind("athenaClient", AthenaClient.builder().endpointOverride(URI.create(endpoint))
                    .region(Region.US_EAST_1).credentialsProvider(credentials()).build());
            registry.bind("catalog", new CatalogRefresh(watched.proxy(),
                    () -> genesyslake.testsupport.ShippedFlows.catalog("gc-usage-api-source"), "genesysclouddb",
                    FlatFormat.PARQUET));
            registry.bind("lakeRuns", new LakeRuns(work.resolve("work"), new Watermarks(work.resolve("state"))));
            registry.bind("oneRunAtATime", new genesyslake.management.OneRunAtATime());
            log.start();
            ((Logger) LoggerFactory.getLogger("catalog-refresh")).addAppender(log);
        }

        @AfterEach
        void detachLog() {
            ((Logger) LoggerFactory.getLogger("catalog-refresh")).detachAppender(log);
            glue.close();
        }

        Exchange refresh(Map<String, Object> headers) {
            return template.send("direct:catalog-refresh", e -> e.getMessage().setHeaders(new HashMap<>(headers)));
        }

        CrawlOutcome succeeded(Exchange done) {
            assertNull(done.getException(), () -> "refresh failed: " + done.getException());
            return done.getMessage().getBody(CrawlOutcome.class);
        }

        CatalogException failed(Exchange done) {
            return assertInstanceOf(CatalogException.class, done.getException());
        }

        List<String> logLines() {
            return log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }

        GetCrawlerResponse crawler() {
            return glue.getCrawler(b -> b.name(CRAWLER));
        }
    }

    /** Against the local stand-in, whose crawls really read the files and take a moment. */
    @Nested
    class AgainstLocalAws extends RouteTest {

        LocalAws aws;

        @Override
        String endpoint() throws IOException {
            gzip(work.resolve("s3/gc-usage-api-source/granularity=month/usage_1.json.gz"),
                    "{\"clientId\":\"a\",\"status429\":3,\"granularity\":\"month\"}\n");
            aws = new LocalAws(new LocalAwsSettings(0, work.resolve("s3"), "genesysclouddb", CRAWLER, "UsageAPIWorkgroup",
                    "gc-usage-api-results", genesyslake.testsupport.ShippedFlows.crawlerTargets("gc-usage-api-source"), "testing", "testing")).start();
            return aws.endpoint();
        }

        @AfterEach
        void stopAws() {
            aws.close();
        }

        @Test
        void aRefreshRunsACrawlThatCataloguesNewFoldersAndLogsIt() throws IOException {
            gzip(work.resolve("s3/gc-usage-api-source/user_presence/date=2024-01-01/p.json.gz"),
                    "{\"userId\":\"u\",\"systemPresence\":\"AVAILABLE\"}\n");
            CrawlOutcome outcome = succeeded(refresh(Map.of()));
            assertEquals("SUCCEEDED", outcome.status());
            assertEquals(CRAWLER, outcome.crawler());
            assertEquals("user_presence", glue.getTable(b -> b.databaseName("genesysclouddb").name("user_presence"))
                    .table().name());
            assertTrue(logLines().stream().anyMatch(l -> l.matches("Catalog refreshed: crawler " + CRAWLER
                    + " SUCCEEDED in \\d+ ms")), logLines().toString());
        }

        @Test
        void aCrawlStartedBySomeoneElseBetweenOurReadAndOurStartIsWaitedForThenOursRuns() {
            watched.afterFirstRead = () -> glue.startCrawler(b -> b.name(CRAWLER));
            CrawlOutcome outcome = succeeded(refresh(Map.of()));
            assertEquals("SUCCEEDED", outcome.status());
            assertEquals(List.of("CrawlerRunningException", "started"), watched.starts);
            assertTrue(logLines().contains("Crawler " + CRAWLER + " was started by someone else: waiting for that crawl"),
                    logLines().toString());
        }

        @Test
        void aReadyAnswerStillShowingThePreviousCrawlIsNotTakenForOurs() {
            assertEquals("SUCCEEDED", succeeded(refresh(Map.of())).status());
            String previous = crawler().crawler().lastCrawl().messagePrefix();
            // Glue may answer READY with the previous LastCrawl right after StartCrawler.
            watched.staleReadAfterStart = true;
            Exchange done = refresh(Map.of());
            assertEquals("SUCCEEDED", succeeded(done).status());
            assertTrue(watched.servedStale, "the stale answer was served");
            assertNotEquals(previous, crawler().crawler().lastCrawl().messagePrefix());
            assertTrue(done.getMessage().getHeader(CatalogRefresh.LAST_CRAWL, String.class).endsWith(
                    crawler().crawler().lastCrawl().messagePrefix()), "the route ended on our crawl");
        }

        @Test
        void aFailedCrawlFailsTheFlowWithGluesMessage() throws IOException {
            Path broken = work.resolve("s3/gc-usage-api-source/conversations/date=2024-01-01/broken.json.gz");
            Files.createDirectories(broken.getParent());
            Files.writeString(broken, "this is not gzip");
            CatalogException e = failed(refresh(Map.of()));
            String glueMessage = crawler().crawler().lastCrawl().errorMessage();
            assertNotNull(glueMessage);
            assertEquals("Crawler " + CRAWLER + " FAILED: " + glueMessage, e.getMessage());
            assertTrue(logLines().contains("Flow catalog-refresh failed: " + e.getMessage()), logLines().toString());
        }

        @Test
        void anUnknownCrawlerNamedByTheCallersHeaderIsNamed() {
            CatalogException e = failed(refresh(Map.of("GlueCrawler", "NoSuchCrawler")));
            assertTrue(e.getMessage().startsWith("Glue crawler NoSuchCrawler does not exist"), e.getMessage());
        }
    }

    /** Against moto_server, whose crawler stays RUNNING unless told to finish at once. */
    @Nested
    class AgainstMoto extends RouteTest {

        @RegisterExtension
        static final MotoServer MOTO = new MotoServer();

        @Override
        String endpoint() {
            MOTO.reset();
            try (GlueClient setup = GlueClient.builder().endpointOverride(MOTO.endpointUri()).region(Region.US_EAST_1)
                    .credentialsProvider(credentials()).build()) {
                setup.createDatabase(b -> b.databaseInput(d -> d.name("genesysclouddb")));
                setup.createCrawler(b -> b.name(CRAWLER).role("arn:aws:iam::123456789012:role/crawler")
                        .databaseName("genesysclouddb").targets(t -> t.s3Targets(s -> s.path("s3://gc-usage-api-source/"))));
            }
            return MOTO.endpoint();
        }

        @AfterEach
        void resetTransition() {
            MOTO.resetCrawlTransition();
        }

        @Test
        void aRefreshEndsWhenLastCrawlShowsOurCrawl() {
            MOTO.finishCrawlsImmediately();
            CrawlOutcome outcome = succeeded(refresh(Map.of()));
            // moto reports COMPLETED where Glue reports SUCCEEDED; either is a success.
            assertEquals("COMPLETED", outcome.status());
            assertEquals("COMPLETED", crawler().crawler().lastCrawl().statusAsString());
            assertEquals(CrawlerState.READY, crawler().crawler().state());
        }

        @Test
        @Timeout(60)
        void aCrawlAlreadyRunningIsWaitedForThenOursRuns() throws Exception {
            glue.startCrawler(b -> b.name(CRAWLER));
            CompletableFuture<Exchange> run = template.asyncSend("direct:catalog-refresh", e -> { });
            watched.awaitReads(3);
            assertEquals(List.of(), watched.starts, "no StartCrawler while another crawl runs");
            assertFalse(run.isDone(), "the refresh waits for the other crawl instead of failing");
            MOTO.finishCrawlsImmediately();
            assertEquals("COMPLETED", succeeded(run.get(30, TimeUnit.SECONDS)).status());
            assertEquals(List.of("started"), watched.starts);
        }

        @Test
        @Timeout(60)
        void aCrawlNotOverWithinTheMaxWaitFailsNamingCrawlerStateAndBound() {
            long start = System.nanoTime();
            CatalogException e = failed(refresh(Map.of("GlueMaxWait", "700ms")));
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertEquals("Crawler " + CRAWLER + " not done within glue.max-wait (700ms): state RUNNING", e.getMessage());
            assertTrue(logLines().contains("Flow catalog-refresh failed: " + e.getMessage()), logLines().toString());
            assertTrue(tookMs >= 700 && tookMs < 10_000, "bounded by the header's max wait, took " + tookMs + " ms");
            assertEquals(CrawlerState.RUNNING, crawler().crawler().state());
        }

        @Test
        void anUnknownCrawlerIsNamed() {
            CatalogException e = failed(refresh(Map.of("GlueCrawler", "Missing")));
            assertTrue(e.getMessage().startsWith("Glue crawler Missing does not exist"), e.getMessage());
        }
    }

    /**
     * A Glue client that passes every call on, records the route's StartCrawler calls, and can act as someone
     * else (start the crawler after our first read) or as a lagging Glue (answer READY with the previous LastCrawl
     * once after StartCrawler).
     */
    static final class WatchedGlue {

        private final GlueClient real;
        final List<String> starts = new CopyOnWriteArrayList<>();
        volatile Runnable afterFirstRead;
        volatile boolean staleReadAfterStart;
        volatile boolean servedStale;
        private final AtomicInteger reads = new AtomicInteger();
        private volatile GetCrawlerResponse lastRead;
        private volatile boolean startedSinceRead;

        WatchedGlue(GlueClient real) {
            this.real = real;
        }

        /** Waits until the route has read the crawler's state {@code n} times. */
        void awaitReads(int n) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (reads.get() < n) {
                assertTrue(System.nanoTime() < deadline, "only " + reads.get() + " GetCrawler calls");
                Thread.sleep(20);
            }
        }

        GlueClient proxy() {
            return (GlueClient) Proxy.newProxyInstance(GlueClient.class.getClassLoader(), new Class<?>[] {GlueClient.class},
                    (proxy, method, args) -> {
                        // The targets check before the state reads (syncCrawler) is not one of the reads watched here.
                        if (StackWalker.getInstance().walk(f -> f.anyMatch(x -> x.getMethodName().equals("syncCrawler")))) {
                            try {
                                return method.invoke(real, args);
                            } catch (InvocationTargetException e) {
                                throw e.getCause();
                            }
                        }
                        if (method.getName().equals("getCrawler") && staleReadAfterStart && startedSinceRead
                                && lastRead != null) {
                            startedSinceRead = false;
                            servedStale = true;
                            return lastRead;
                        }
                        Object result;
                        try {
                            result = method.invoke(real, args);
                        } catch (InvocationTargetException e) {
                            if (method.getName().equals("startCrawler")) {
                                starts.add(e.getCause().getClass().getSimpleName());
                            }
                            throw e.getCause();
                        }
                        if (method.getName().equals("getCrawler")) {
                            lastRead = (GetCrawlerResponse) result;
                            reads.incrementAndGet();
                            Runnable hook = afterFirstRead;
                            afterFirstRead = null;
                            if (hook != null) {
                                hook.run();
                            }
                        } else if (method.getName().equals("startCrawler")) {
                            starts.add("started");
                            startedSinceRead = true;
                        }
                        return result;
                    });
        }
    }

    static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(MotoServer.ACCESS_KEY, MotoServer.SECRET_KEY));
    }

    static void gzip(Path file, String ndjson) throws IOException {
        Files.createDirectories(file.getParent());
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(ndjson.getBytes(StandardCharsets.UTF_8));
        }
    }
}
