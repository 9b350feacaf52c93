package genesyslake;

import genesyslake.local.genesys.LocalGenesysSettings;
import genesyslake.testsupport.ExternalGenesys;
import genesyslake.testsupport.Lake;
import genesyslake.testsupport.MotoServer;
import genesyslake.testsupport.ProcessTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.Crawler;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures the two artifacts {@code mvn package} builds are what the README says: genesys-lake-production.jar carries
 * no stand-in (nor S3Proxy, jclouds, Jetty, the Genesys SDK) and, started on its own in AWS mode against moto and a
 * Genesys in another process, runs the seed's chain (export, crawler, report); genesys-lake.jar still runs local mode.
 * Runs after {@code package} (failsafe, {@code mvn verify}).
 */
@ProcessTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProductionJarIT {

    private static final String SEED_SQL = "SELECT * FROM \"genesysclouddb\".\"gc_usage_api_source\" "
            + "WHERE granularity='month' ORDER BY status429 DESC limit 10";

    @RegisterExtension
    static MotoServer moto = new MotoServer();

    private final Path buildDir = Path.of(System.getProperty("build.dir", "target"));
    private final StaticCredentialsProvider creds = StaticCredentialsProvider.create(
            AwsBasicCredentials.create(MotoServer.ACCESS_KEY, MotoServer.SECRET_KEY));
    private ExternalGenesys genesys;

    @BeforeAll
    void start() throws IOException {
        genesys = ExternalGenesys.start(LocalGenesysSettings.defaults());
    }

    @AfterAll
    void stop() {
        genesys.close();
    }

    @Test
    void theProductionJarCarriesNoStandIn() throws IOException {
        List<String> names;
        try (ZipFile jar = new ZipFile(jar("genesys-lake-production.jar").toFile())) {
            names = jar.stream().map(e -> e.getName()).toList();
        }
        for (String absent : List.of("genesyslake/local/", "org/gaul/", "com/mypurecloud/", "org/jclouds/",
                "org/eclipse/jetty/", "jakarta/servlet/", "META-INF/services/genesyslake.mode.StandIns")) {
            List<String> found = names.stream().filter(n -> n.startsWith(absent)).limit(3).toList();
            assertTrue(found.isEmpty(), "genesys-lake-production.jar carries " + absent + ": " + found);
        }
        for (String present : List.of("genesyslake/GenesysLake.class", "genesyslake/mode/StandIns.class",
                "org/duckdb/DuckDBDriver.class", "org/apache/camel/main/Main.class")) {
            assertTrue(names.contains(present), "genesys-lake-production.jar lacks " + present);
        }
    }

    @Test
    void theProductionJarRunsTheSeedsChainInAwsModeAgainstMoto(@TempDir Path data) throws Exception {
        try (S3Client s3 = S3Client.builder().region(Region.US_EAST_1).credentialsProvider(creds)
                .endpointOverride(moto.endpointUri()).forcePathStyle(true).build();
             GlueClient glue = GlueClient.builder().region(Region.US_EAST_1).credentialsProvider(creds)
                .endpointOverride(moto.endpointUri()).build();
             AthenaClient athena = AthenaClient.builder().region(Region.US_EAST_1).credentialsProvider(creds)
                .endpointOverride(moto.endpointUri()).build()) {
            // What the CloudFormation template makes (moto's CloudFormation skips the crawler and the workgroup).
            s3.createBucket(b -> b.bucket("gc-usage-api-source"));
            s3.createBucket(b -> b.bucket("gc-usage-api-results"));
            glue.createDatabase(b -> b.databaseInput(d -> d.name("genesysclouddb")));
            glue.createCrawler(b -> b.name("UsageApiCrawler").role("arn:aws:iam::123456789012:role/glue")
                    .databaseName("genesysclouddb").targets(t -> t.s3Targets(x -> x.path("s3://gc-usage-api-source/"))));
            athena.createWorkGroup(b -> b.name("UsageAPIWorkgroup").configuration(c -> c.resultConfiguration(
                    r -> r.outputLocation("s3://gc-usage-api-results/"))));
            moto.finishCrawlsImmediately();
            // moto's crawler catalogues nothing: the table Glue's crawler makes of the bucket root, so the report runs.
            glue.createTable(b -> b.databaseName("genesysclouddb").tableInput(t -> t.name("gc_usage_api_source")));

            Run run = java(data, "genesys-lake-production.jar", List.of(
                    "-Dlake.mode=aws",
                    "-Dgenesys.api-url=" + genesys.baseUrl(), "-Dgenesys.login-url=" + genesys.baseUrl(),
                    "-Dgenesys.client-id=" + genesys.settings().clientId(),
                    "-Dgenesys.client-secret=" + genesys.settings().clientSecret(),
                    "-Daws.region=us-east-1", "-Daws.endpoint-override=" + moto.endpoint(),
                    // The AWS SDK's default chain reads these: AWS mode uses no credentials of ours.
                    "-Daws.accessKeyId=" + MotoServer.ACCESS_KEY, "-Daws.secretAccessKey=" + MotoServer.SECRET_KEY,
                    "-Dusage.query-files=queries/usage-query.json",
                    "-Dglue.poll.delay=100ms", "-Dathena.delay=100", "-Dusage.poll.delay=50ms"),
                    "--once", "usage-export", "catalog-refresh", "athena-report");
            assertEquals(0, run.exit(), "--once exits 0 when every flow succeeded:\n" + run.log());

            // Export: the seed's objects in moto's S3, under the granularity partition, and the run's manifest.
            Lake lake = new Lake(s3, "gc-usage-api-source");
            List<String> keys = lake.keys("granularity=month/");
            assertEquals(1, keys.size(), keys.toString());
            assertFalse(lake.lines("granularity=month/").isEmpty(), "the object holds the usage records");
            assertFalse(lake.keys("_manifests/usage-export/").isEmpty(), "the run's manifest");
            // Crawler: started by the daemon, which waited for it to end (moto records the crawl it ran).
            Crawler crawler = glue.getCrawler(b -> b.name("UsageApiCrawler")).crawler();
            assertEquals("READY", crawler.stateAsString());
            assertNotNull(crawler.lastCrawl(), "the crawler ran: " + crawler);
            // Report: the seed's query ran in the seed's workgroup and database.
            List<String> queries = athena.listQueryExecutions(b -> b.workGroup("UsageAPIWorkgroup")).queryExecutionIds()
                    .stream().map(id -> athena.getQueryExecution(b -> b.queryExecutionId(id)).queryExecution())
                    .filter(q -> "genesysclouddb".equals(q.queryExecutionContext().database())).map(q -> q.query()).toList();
            assertTrue(queries.contains(SEED_SQL), "the seed's report ran in UsageAPIWorkgroup: " + queries);
        }
    }

    @Test
    void theProductionJarRefusesLocalModeInOneLine(@TempDir Path data) throws Exception {
        Run run = java(data, "genesys-lake-production.jar", List.of("-Dlake.mode=local"), "--once", "usage-export");
        assertEquals(1, run.exit(), run.log());
        List<String> refusal = run.log().lines().filter(l -> l.contains("genesys-lake could not start")).toList();
        assertEquals(1, refusal.size(), run.log());
        assertTrue(refusal.get(0).contains("Setting 'lake.mode' is local, which needs the local stand-ins")
                && refusal.get(0).contains("run target/genesys-lake.jar, or set lake.mode=aws"), refusal.get(0));
        assertFalse(run.log().contains("\tat "), "no stack trace:\n" + run.log());
    }

    @Test
    void theFullJarStillRunsLocalMode(@TempDir Path data) throws Exception {
        Run run = java(data, "genesys-lake.jar", List.of("-Dlocal.genesys.port=0", "-Dlocal.s3.port=0",
                "-Dlocal.aws.port=0", "-Dusage.query-files=queries/usage-query.json", "-Dusage.poll.delay=50ms"),
                "--once", "usage-export");
        assertEquals(0, run.exit(), run.log());
        assertTrue(run.log().contains("Local mode: Genesys http://127.0.0.1:"), "its stand-ins started:\n" + run.log());
        try (var objects = Files.walk(data.resolve("s3/gc-usage-api-source"))) {
            assertTrue(objects.anyMatch(p -> p.toString().contains("granularity=month") && p.toString().endsWith(".json.gz")),
                    "the export landed in the local S3");
        }
    }

    private record Run(int exit, String log) {
    }

    /** {@code java -jar} one of the artifacts from the project folder (its routes, queries, application.properties). */
    private Run java(Path data, String artifact, List<String> properties, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(genesyslake.testsupport.ChildJvm.java());
        cmd.addAll(List.of("-Xmx512m", "-Dlocal.data-dir=" + data, "-Dcamel.management.port=0", "-Dlake.schedule.enabled=false",
                "-Dcamel.main.routes-reload-enabled=false"));
        cmd.addAll(properties);
        cmd.addAll(List.of("-jar", jar(artifact).toString()));
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile(data, "run-", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                throw new AssertionError(artifact + " " + String.join(" ", args) + " did not end:\n" + Files.readString(log));
            }
            return new Run(p.exitValue(), Files.readString(log));
        } finally {
            p.destroyForcibly();
        }
    }

    private Path jar(String name) {
        Path jar = buildDir.resolve(name);
        assertTrue(Files.isRegularFile(jar), jar + " is built by mvn package (this test runs after it, in verify)");
        return jar;
    }
}
