package genesyslake.flows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import genesyslake.lake.LakeLock;
import genesyslake.local.genesys.LocalGenesys;
import genesyslake.local.genesys.LocalGenesysSettings;
import genesyslake.ops.LogCapture;
import genesyslake.testsupport.LocalDaemon;
import genesyslake.testsupport.MotoServer;
import genesyslake.testsupport.ProcessTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures one writer per bucket in AWS mode, against moto (whose conditional puts answer as S3's do): a second writer
 * on the same bucket, with folders of its own, is refused naming the holder; a clean stop releases the lease object;
 * a lease nobody renews (its holder was killed) is taken over, at once when its holder is known to be gone from this
 * host; and a holder that finds its lease taken stops.
 */
@ProcessTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LakeLeaseTest {

    @RegisterExtension
    static MotoServer moto = new MotoServer();
    private static final ObjectMapper JSON = new ObjectMapper();

    private LocalGenesys genesys;
    private S3Client s3;

    @BeforeAll
    void start() {
        System.setProperty("aws.accessKeyId", MotoServer.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", MotoServer.SECRET_KEY);
        genesys = new LocalGenesys(LocalGenesysSettings.defaults()).start();
        s3 = S3Client.builder().region(Region.US_EAST_1).endpointOverride(moto.endpointUri()).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(MotoServer.ACCESS_KEY,
                        MotoServer.SECRET_KEY))).build();
    }

    @AfterAll
    void stop() {
        genesys.close();
        s3.close();
    }

    private LocalDaemon aws(Path data, String bucket, String lease) {
        return LocalDaemon.start(data, Map.of("lake.mode", "aws", "genesys.api-url", genesys.baseUrl(),
                "genesys.login-url", genesys.baseUrl(), "genesys.client-id", "local-client",
                "genesys.client-secret", "local-secret", "aws.region", "us-east-1", "aws.endpoint-override", moto.endpoint(),
                "lake.source-bucket", bucket, "lake.lock.lease", lease, "usage.query-files", "queries/usage-query.json"));
    }

    private JsonNode lockObject(String bucket) throws Exception {
        return JSON.readTree(s3.getObjectAsBytes(b -> b.bucket(bucket).key(LakeLock.LOCK_KEY)).asByteArray());
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null) {
            c = c.getCause();
        }
        return c.getMessage();
    }

    @Test
    void aSecondWriterOnTheSameBucketIsRefusedNamingTheHolderAndMayStartOnceTheFirstStopped(@TempDir Path one,
                                                                                             @TempDir Path two) throws Exception {
        s3.createBucket(b -> b.bucket("lease-refused"));
        LocalDaemon first = aws(one, "lease-refused", "3s");
        String token;
        try {
            JsonNode held = lockObject("lease-refused");
            assertEquals(ProcessHandle.current().pid(), held.path("pid").asLong(), held.toString());
            assertEquals("daemon", held.path("role").asText());
            assertFalse(held.path("released").asBoolean(true), held.toString());
            token = held.path("token").asText();

            // Folders of its own (another local.data-dir), the same bucket.
            String why = rootMessage(assertThrows(IllegalStateException.class, () -> aws(two, "lease-refused", "3s")));
            assertTrue(why.startsWith("Another genesys-lake is using the lake s3://lease-refused (lock object "
                    + LakeLock.LOCK_KEY + ") (held by the daemon, pid " + ProcessHandle.current().pid() + " on host "), why);
            assertTrue(why.contains(" since 20"), why);
            assertTrue(why.contains("trigger it in that daemon (JMX or Jolokia startFlow("), why);
            assertTrue(why.contains("give this one a lake of its own: another lake.source-bucket and another local.data-dir"), why);
            assertFalse(why.contains("\n"), why);

            assertTrue(first.context().isStarted(), "the first runs on");
            assertEquals(token, lockObject("lease-refused").path("token").asText(), "and still holds the lease");
            assertTrue(lockObject("lease-refused").path("renewals").asLong() > held.path("renewals").asLong(), "renewed");
        } finally {
            first.close();
        }
        JsonNode released = lockObject("lease-refused");
        assertTrue(released.path("released").asBoolean(), released.toString());
        assertEquals(token, released.path("token").asText());
        try (LocalDaemon again = aws(two, "lease-refused", "3s")) {
            assertNotEquals(token, lockObject("lease-refused").path("token").asText(), "a released lock is taken at once");
        }
    }

    @Test
    void aLeaseNobodyRenewsIsTakenOverSoARestartAfterSigkillJustWorks(@TempDir Path data) throws Exception {
        s3.createBucket(b -> b.bucket("lease-expired"));
        // What a daemon killed by SIGKILL leaves: its record, never renewed again, never released.
        String killed = JSON.createObjectNode().put("pid", 999999).put("host", "killed-host").put("role", "daemon")
                .put("since", Instant.now().toString()).put("command", "genesyslake.GenesysLake").put("token", "killed")
                .put("leaseSeconds", 2).put("renewals", 7).put("released", false).toString();
        s3.putObject(b -> b.bucket("lease-expired").key(LakeLock.LOCK_KEY), RequestBody.fromString(killed));
        try (LogCapture logs = new LogCapture(); LocalDaemon restarted = aws(data, "lease-expired", "2s")) {
            JsonNode held = lockObject("lease-expired");
            assertEquals(ProcessHandle.current().pid(), held.path("pid").asLong(), held.toString());
            assertNotNull(logs.await(l -> l.startsWith("WARN") && l.contains("Taking over the lake lock s3://lease-expired/"
                    + LakeLock.LOCK_KEY + " from held by the daemon, pid 999999 on host killed-host"), 1000), logs.lines().toString());
        }
    }

    @Test
    void aHolderKilledOnThisHostIsTakenOverAtOnceWithoutWaitingForItsLease(@TempDir Path data) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.exists(Path.of("/proc/self/ns/pid")), "Linux");
        s3.createBucket(b -> b.bucket("lease-killed-here"));
        // A genesys-lake killed on this machine: its record names a pid that no longer runs.
        Process killed = new ProcessBuilder("sleep", "60").start();
        var record = JSON.createObjectNode().put("pid", killed.pid()).put("host", "this-host").put("role", "daemon")
                .put("since", Instant.now().toString()).put("command", "genesyslake.GenesysLake").put("token", "killed")
                .put("leaseSeconds", 600).put("released", false)
                .put("started", killed.toHandle().info().startInstant().orElseThrow().toString())
                .put("bootId", java.nio.file.Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).trim())
                .put("pidNamespace", java.nio.file.Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString());
        killed.destroyForcibly().waitFor();
        s3.putObject(b -> b.bucket("lease-killed-here").key(LakeLock.LOCK_KEY), RequestBody.fromString(record.toString()));
        // Its lease (10 minutes) has not run out: only the restart's knowing it is gone lets it start now.
        try (LogCapture logs = new LogCapture(); LocalDaemon restarted = aws(data, "lease-killed-here", "10m")) {
            assertEquals(ProcessHandle.current().pid(), lockObject("lease-killed-here").path("pid").asLong());
            assertNotNull(logs.await(l -> l.startsWith("WARN") && l.contains("pid " + killed.pid() + " on host this-host")
                    && l.contains("that process is gone from this host"), 1000), logs.lines().toString());
        }
    }

    @Test
    void aHolderThatFindsItsLeaseTakenStops(@TempDir Path data) throws Exception {
        s3.createBucket(b -> b.bucket("lease-lost"));
        try (LogCapture logs = new LogCapture(); LocalDaemon holder = aws(data, "lease-lost", "3s")) {
            // Another writer's record replaces ours (a holder paused for longer than its lease would find this).
            String other = JSON.createObjectNode().put("pid", 4242).put("host", "other-host").put("role", "daemon")
                    .put("token", "other").put("leaseSeconds", 60).put("released", false).toString();
            s3.putObject(b -> b.bucket("lease-lost").key(LakeLock.LOCK_KEY), RequestBody.fromString(other));
            assertNotNull(logs.await(l -> l.startsWith("ERROR") && l.contains("Lost the lake lock s3://lease-lost/")
                    && l.contains("pid 4242 on host other-host"), 30_000), logs.lines().toString());
            long deadline = System.currentTimeMillis() + 30_000;
            while (!holder.context().isStopped() && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(holder.context().isStopped(), "it stopped writing");
            assertTrue(LakeLock.lost(holder.context()), "and the process would exit non-zero");
            assertEquals("other", lockObject("lease-lost").path("token").asText(), "the other writer's record is left alone");
        }
    }
}
