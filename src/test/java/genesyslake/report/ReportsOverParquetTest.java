package genesyslake.report;

import genesyslake.lake.FlatFormat;
import genesyslake.catalog.LakeTables;
import genesyslake.local.aws.LocalAws;
import genesyslake.local.aws.LocalAwsSettings;
import genesyslake.management.FlowOutcome;
import genesyslake.testsupport.FlowTest;
import genesyslake.testsupport.LocalDaemon;
import genesyslake.testsupport.ParquetLake;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.CrawlerState;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static genesyslake.testsupport.AthenaAnswers.csv;
import static genesyslake.testsupport.AthenaAnswers.sqlOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures every shipped report answers the same over a Parquet lake as over the NDJSON lake it was made from: one
 * export in NDJSON, its curated tables turned into the contract's Parquet, each lake crawled by its own local Glue,
 * each report run by each local Athena, CSV compared.
 */
@FlowTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReportsOverParquetTest {

    private static final String SOURCE = "gc-usage-api-source";
    private static final LocalDate DAY = LocalDate.now(ZoneOffset.UTC).minusDays(2);

    @TempDir
    static Path work;
    private final List<AutoCloseable> open = new ArrayList<>();
    private AthenaClient ndjson;
    private AthenaClient parquet;

    @BeforeAll
    void exportOnceAndBuildBothLakes() throws Exception {
        LocalDaemon daemon = LocalDaemon.start(Map.of("lake.flat-format", "ndjson"));
        try {
            // The reference flows too: the per-agent and per-queue reports join dim_users / dim_queues.
            for (String flow : List.of("usage-export", "usage-daily", "conversation-details", "user-details", "reference-users",
                    "reference-queues")) {
                Map<String, Object> headers = flow.endsWith("-details")
                        ? Map.of("lakeInterval", DAY + "/" + DAY.plusDays(1)) : Map.of();
                FlowOutcome outcome = daemon.run(flow, headers);
                assertTrue(outcome.success(), outcome.toString());
            }
            copy(daemon.dataDir().resolve("s3"), work.resolve("ndjson"));
        } finally {
            daemon.closeAndDelete();
        }
        Path ndjsonBucket = work.resolve("ndjson").resolve(SOURCE);
        assertTrue(Files.isDirectory(ndjsonBucket.resolve("usage_requests/granularity=month")), "usage_requests exported");
        assertTrue(Files.isDirectory(ndjsonBucket.resolve("usage-daily_rows/granularity=day")), "usage-daily's rows exported");
        copy(work.resolve("ndjson"), work.resolve("parquet"));
        Path parquetBucket = work.resolve("parquet").resolve(SOURCE);
        for (LakeTables.LakeTable t : curatedTables()) {
            assertTrue(ParquetLake.convert(parquetBucket, t) > 0, "objects of " + t.name() + " to convert");
        }
        ndjson = crawled(work.resolve("ndjson"));
        parquet = crawled(work.resolve("parquet"));
    }

    @AfterAll
    void stop() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    /** A local Glue/Athena over {@code s3Root}, crawled once. */
    private AthenaClient crawled(Path s3Root) throws InterruptedException {
        LocalAws aws = new LocalAws(new LocalAwsSettings(0, s3Root, "genesysclouddb", "UsageApiCrawler",
                "UsageAPIWorkgroup", "gc-usage-api-results", genesyslake.testsupport.ShippedFlows.crawlerTargets(SOURCE), "x", "y")).start();
        open.add(aws);
        var creds = StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "y"));
        GlueClient glue = GlueClient.builder().endpointOverride(URI.create(aws.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(creds).build();
        open.add(glue);
        glue.startCrawler(b -> b.name("UsageApiCrawler"));
        do {
            Thread.sleep(50);
        } while (glue.getCrawler(b -> b.name("UsageApiCrawler")).crawler().state() != CrawlerState.READY);
        assertEquals("SUCCEEDED", glue.getCrawler(b -> b.name("UsageApiCrawler")).crawler().lastCrawl().statusAsString());
        boolean parquetLake = s3Root.endsWith("parquet");
        for (LakeTables.LakeTable t : curatedTables()) {
            String serde = glue.getTable(b -> b.databaseName("genesysclouddb").name(t.name())).table()
                    .storageDescriptor().serdeInfo().serializationLibrary();
            assertEquals(parquetLake, serde.contains("Parquet"), t.name() + " in " + s3Root + ": " + serde);
        }
        AthenaClient athena = AthenaClient.builder().endpointOverride(URI.create(aws.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(creds).build();
        open.add(athena);
        return athena;
    }

    /** The shipped flows' curated tables where they are (usage-daily's rows beside the seed's usage_requests). */
    private static List<LakeTables.LakeTable> curatedTables() {
        java.util.Set<String> shapes = new java.util.HashSet<>();
        new LakeTables(SOURCE, FlatFormat.PARQUET).curatedTables().forEach(t -> shapes.add(t.name()));
        return genesyslake.testsupport.ShippedFlows.catalog(SOURCE, FlatFormat.PARQUET).tables().stream()
                .filter(t -> t.bucket().equals(SOURCE) && shapes.contains(t.shape()))
                .map(genesyslake.catalog.FlowCatalog.FlowTable::table).toList();
    }

    static List<Path> shippedReports() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("queries/sql"))) {
            return files.filter(f -> f.toString().endsWith(".sql")).sorted().toList();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shippedReports")
    void theReportAnswersTheSameOverParquetAsOverNdjson(Path report) throws Exception {
        String sql = sqlOf(report);
        List<String> overNdjson = csv(ndjson, sql);
        List<String> overParquet = csv(parquet, sql);
        assertTrue(overNdjson.size() > 1, report + " has rows to compare: " + overNdjson);
        assertEquals(overNdjson, overParquet, report.toString());
    }


    private static void copy(Path from, Path to) {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot copy " + from + " to " + to, e);
        }
    }
}
