package genesyslake.flows;

import genesyslake.testsupport.LocalDaemon;
import genesyslake.testsupport.ProcessTest;
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
@ProcessTest
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

    /** The seed's own commands, as the blueprint prints them, with only --endpoint-url (and env credentials) added. */
    @Test
    void theSeedsCrawlerAndAthenaCommandsAnswerAgainstTheLocalEndpoints(@org.junit.jupiter.api.io.TempDir Path work)
            throws Exception {
        assumeTrue(aws() != null, "the AWS CLI is installed on our machines and CI");
        LocalDaemon daemon = LocalDaemon.start(Map.of("usage.query-files", "queries/usage-query.json"));
        try {
            assertTrue(daemon.run("usage-export", Map.of()).success());
            String endpoint = daemon.local().aws().endpoint();
            run(work, endpoint, "glue", "start-crawler", "--name", "UsageApiCrawler");
            long deadline = System.currentTimeMillis() + 60_000;
            while (!run(work, endpoint, "glue", "get-crawler", "--name", "UsageApiCrawler").contains("\"State\": \"READY\"")) {
                assertTrue(System.currentTimeMillis() < deadline, "the crawler became READY");
                Thread.sleep(200);
            }
            // As the README prints it: one double-quoted string, the database named as the setting (genesysclouddb).
            String started = run(work, endpoint, "athena", "start-query-execution", "--query-string",
                    "SELECT * FROM genesysclouddb.gc_usage_api_source WHERE granularity='month' ORDER BY status429 DESC LIMIT 10",
                    "--work-group", "UsageAPIWorkgroup",
                    "--query-execution-context", "Database=genesysclouddb,Catalog=AwsDataCatalog");
            String id = new com.fasterxml.jackson.databind.ObjectMapper().readTree(started).path("QueryExecutionId").asText();
            String state = "";
            while (!state.equals("SUCCEEDED")) {
                var status = new com.fasterxml.jackson.databind.ObjectMapper().readTree(run(work, endpoint, "athena",
                        "get-query-execution", "--query-execution-id", id)).path("QueryExecution").path("Status");
                state = status.path("State").asText();
                assertTrue(!state.equals("FAILED") && System.currentTimeMillis() < deadline, "the query ran: " + status);
                Thread.sleep(100);
            }
            var results = new com.fasterxml.jackson.databind.ObjectMapper().readTree(run(work, endpoint, "athena",
                    "get-query-results", "--query-execution-id", id));
            var rows = results.path("ResultSet").path("Rows");
            assertEquals(11, rows.size(), "a header row and the top 10: " + results);
            long max = daemon.lake().lines("granularity=month/").stream().mapToLong(l -> {
                try {
                    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(l).path("status429").asLong();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).max().orElseThrow();
            int col = 0;
            var header = rows.get(0).path("Data");
            while (!header.get(col).path("VarCharValue").asText().equals("status429")) {
                col++;
            }
            assertEquals(max, rows.get(1).path("Data").get(col).path("VarCharValue").asLong(), "the top row is the most 429s");
        } finally {
            daemon.closeAndDelete();
        }
    }

    /** The banner, last on screen after start-up, names every endpoint, and its browse command works when pasted. */
    @Test
    void theStartupBannersBrowseCommandWorksWhenPasted() throws Exception {
        assumeTrue(aws() != null, "the AWS CLI is installed on our machines and CI");
        LocalDaemon daemon;
        List<String> banner;
        try (var logs = new genesyslake.ops.LogCapture()) {
            daemon = LocalDaemon.start(Map.of("usage.query-files", "queries/usage-query.json"));
            List<String> lines = logs.lines();
            int started = -1;
            int shown = -1;
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).contains("(genesys-lake) started in")) {
                    started = i;
                }
                if (lines.get(i).contains("==== genesys-lake is running ====")) {
                    shown = i;
                }
            }
            assertTrue(shown > started && started >= 0, "the banner comes after Camel's start-up summary");
            banner = List.of(lines.get(shown).split("\n"));
        }
        try {
            assertTrue(daemon.run("usage-export", Map.of()).success());
            String endpoints = String.join("\n", banner);
            assertTrue(endpoints.contains(daemon.local().s3().endpoint()) && endpoints.contains(daemon.local().aws().endpoint())
                    && endpoints.contains(daemon.local().genesys().baseUrl()) && endpoints.contains("Reports (CSV)"), endpoints);
            String browse = banner.stream().filter(l -> l.contains("Browse the lake")).findFirst().orElseThrow()
                    .replaceFirst(".*Browse the lake\\s*:\\s*", "");
            String aws = aws();
            ProcessBuilder pb = new ProcessBuilder("bash", "-c", browse.replaceFirst("aws --endpoint-url", aws + " --endpoint-url"))
                    .redirectErrorStream(true);
            pb.environment().put("AWS_EC2_METADATA_DISABLED", "true");
            pb.environment().remove("AWS_ACCESS_KEY_ID");
            pb.environment().remove("AWS_SECRET_ACCESS_KEY");
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), browse + "\n" + out);
            assertTrue(out.contains(daemon.lake().keys("granularity=month/").get(0)), out);
        } finally {
            daemon.closeAndDelete();
        }
    }
}
