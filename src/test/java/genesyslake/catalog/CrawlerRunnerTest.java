package genesyslake.catalog;

import genesyslake.local.aws.LocalAws;
import genesyslake.local.aws.LocalAwsSettings;
import genesyslake.testsupport.MotoServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.CrawlerState;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ensures CrawlerRunner starts a crawl, waits for it, and reports failures, against LocalAws and moto_server. */
class CrawlerRunnerTest {

    private static final Duration POLL = Duration.ofMillis(50);

    static GlueClient client(String endpoint) {
        return GlueClient.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .build();
    }

    /** Against the local stand-in, whose crawls really read the files. */
    @Nested
    class AgainstLocalAws {

        @TempDir
        Path s3Root;
        LocalAws aws;
        GlueClient glue;

        @BeforeEach
        void start() throws IOException {
            gzip(s3Root.resolve("gc-usage-api-source/granularity=month/usage_1.json.gz"),
                    "{\"clientId\":\"a\",\"status429\":3,\"granularity\":\"month\"}\n");
            aws = new LocalAws(new LocalAwsSettings(0, s3Root, "genesysclouddb", "UsageApiCrawler", "UsageAPIWorkgroup",
                    "gc-usage-api-results", LakeTables.crawlerTargets("gc-usage-api-source"), "testing", "testing")).start();
            glue = client(aws.endpoint());
        }

        @AfterEach
        void stop() {
            glue.close();
            aws.close();
        }

        @Test
        void refreshRunsACrawlThatCataloguesNewFolders() throws IOException {
            gzip(s3Root.resolve("gc-usage-api-source/user_presence/date=2024-01-01/p.json.gz"),
                    "{\"userId\":\"u\",\"systemPresence\":\"AVAILABLE\"}\n");
            CrawlOutcome outcome = new CrawlerRunner(glue).refresh("UsageApiCrawler", Duration.ofMinutes(1), POLL);
            assertEquals("SUCCEEDED", outcome.status());
            assertEquals("UsageApiCrawler", outcome.crawler());
            assertEquals("user_presence", glue.getTable(b -> b.databaseName("genesysclouddb").name("user_presence"))
                    .table().name());
        }

        @Test
        void aCrawlAlreadyRunningIsWaitedForThenOursRuns() {
            glue.startCrawler(b -> b.name("UsageApiCrawler"));
            CrawlOutcome outcome = new CrawlerRunner(glue).refresh("UsageApiCrawler", Duration.ofMinutes(1), POLL);
            assertEquals("SUCCEEDED", outcome.status());
            assertEquals(CrawlerState.READY, glue.getCrawler(b -> b.name("UsageApiCrawler")).crawler().state());
        }

        @Test
        void twoRefreshesRecordTwoDistinctRuns() {
            CrawlerRunner runner = new CrawlerRunner(glue);
            runner.refresh("UsageApiCrawler", Duration.ofMinutes(1), POLL);
            String first = glue.getCrawler(b -> b.name("UsageApiCrawler")).crawler().lastCrawl().messagePrefix();
            runner.refresh("UsageApiCrawler", Duration.ofMinutes(1), POLL);
            String second = glue.getCrawler(b -> b.name("UsageApiCrawler")).crawler().lastCrawl().messagePrefix();
            assertNotEquals(first, second);
        }

        @Test
        void aFailedCrawlRaisesGluesMessage() throws IOException {
            Path broken = s3Root.resolve("gc-usage-api-source/conversations/date=2024-01-01/broken.json.gz");
            Files.createDirectories(broken.getParent());
            Files.writeString(broken, "this is not gzip");
            CatalogException e = assertThrows(CatalogException.class,
                    () -> new CrawlerRunner(glue).refresh("UsageApiCrawler", Duration.ofMinutes(1), POLL));
            String glueMessage = glue.getCrawler(b -> b.name("UsageApiCrawler")).crawler().lastCrawl().errorMessage();
            assertTrue(e.getMessage().contains("FAILED") && e.getMessage().contains(glueMessage), e.getMessage());
        }

        @Test
        void anUnknownCrawlerIsNamed() {
            CatalogException e = assertThrows(CatalogException.class,
                    () -> new CrawlerRunner(glue).refresh("NoSuchCrawler", Duration.ofSeconds(5), POLL));
            assertTrue(e.getMessage().contains("NoSuchCrawler"), e.getMessage());
        }
    }

    /** Against moto_server, whose crawler stays RUNNING unless told to finish at once. */
    @Nested
    class AgainstMoto {

        @RegisterExtension
        static final MotoServer MOTO = new MotoServer();
        GlueClient glue;

        @BeforeEach
        void setUp() {
            MOTO.reset();
            glue = client(MOTO.endpoint());
            glue.createDatabase(b -> b.databaseInput(d -> d.name("genesysclouddb")));
            glue.createCrawler(b -> b.name("UsageApiCrawler").role("arn:aws:iam::123456789012:role/crawler")
                    .databaseName("genesysclouddb").targets(t -> t.s3Targets(s -> s.path("s3://gc-usage-api-source/"))));
        }

        @AfterEach
        void tearDown() {
            MOTO.resetCrawlTransition();
            glue.close();
        }

        @Test
        void refreshReturnsWhenTheCrawlCompletes() {
            MOTO.finishCrawlsImmediately();
            CrawlOutcome outcome = new CrawlerRunner(glue).refresh("UsageApiCrawler", Duration.ofSeconds(30), POLL);
            // moto reports COMPLETED where Glue reports SUCCEEDED; either is a success.
            assertEquals("COMPLETED", outcome.status());
            assertEquals(CrawlerState.READY, glue.getCrawler(b -> b.name("UsageApiCrawler")).crawler().state());
        }

        @Test
        void aCrawlerThatNeverFinishesTimesOutNamingCrawlerAndBound() {
            CatalogException e = assertThrows(CatalogException.class,
                    () -> new CrawlerRunner(glue).refresh("UsageApiCrawler", Duration.ofMillis(700), POLL));
            assertTrue(e.getMessage().contains("UsageApiCrawler") && e.getMessage().contains("PT0.7S"), e.getMessage());
            assertEquals(CrawlerState.RUNNING, glue.getCrawler(b -> b.name("UsageApiCrawler")).crawler().state());
        }

        @Test
        void anUnknownCrawlerIsNamed() {
            CatalogException e = assertThrows(CatalogException.class,
                    () -> new CrawlerRunner(glue).refresh("Missing", Duration.ofSeconds(5), POLL));
            assertTrue(e.getMessage().contains("Missing"), e.getMessage());
        }
    }

    static void gzip(Path file, String ndjson) throws IOException {
        Files.createDirectories(file.getParent());
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(ndjson.getBytes(StandardCharsets.UTF_8));
        }
    }
}
