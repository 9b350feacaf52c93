package genesyslake.flows;

import genesyslake.testsupport.LocalDaemon;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Ensures the local lake is a real S3 endpoint: the AWS CLI lists and downloads what the daemon wrote while it runs. */
class AwsCliReadsLocalLakeTest {

    private static String aws() {
        for (String dir : (System.getenv("PATH") + File.pathSeparator + System.getProperty("user.home") + "/.pyenv/shims")
                .split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "aws"))) {
                return Path.of(dir, "aws").toString();
            }
        }
        return null;
    }

    private static String run(Path workDir, String endpoint, String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of(aws(), "--endpoint-url", endpoint));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true);
        pb.environment().put("AWS_ACCESS_KEY_ID", "local-access-key");
        pb.environment().put("AWS_SECRET_ACCESS_KEY", "local-secret-key");
        pb.environment().put("AWS_DEFAULT_REGION", "us-east-1");
        pb.environment().put("AWS_EC2_METADATA_DISABLED", "true");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void theAwsCliListsAndDownloadsTheExportedObjects(@org.junit.jupiter.api.io.TempDir Path work) throws Exception {
        assumeTrue(aws() != null, "the AWS CLI is installed on our machines and CI");
        LocalDaemon daemon = LocalDaemon.start(Map.of("usage.query-files", "queries/usage-query.json"));
        try {
            assertTrue(daemon.run("usage-export", Map.of()).success());
            String key = daemon.lake().keys("granularity=month/").get(0);
            String endpoint = daemon.local().s3().endpoint();

            String listing = run(work, endpoint, "s3", "ls", "--recursive", "s3://gc-usage-api-source/");
            assertTrue(listing.contains(key), listing);

            run(work, endpoint, "s3", "cp", "s3://gc-usage-api-source/" + key, "object.json.gz");
            byte[] gz = Files.readAllBytes(work.resolve("object.json.gz"));
            List<String> lines = new String(new GZIPInputStream(new ByteArrayInputStream(gz)).readAllBytes(),
                    StandardCharsets.UTF_8).lines().toList();
            assertEquals(daemon.lake().lines(key, true), lines);
        } finally {
            daemon.closeAndDelete();
        }
    }
}
