package genesyslake.cloudformation;

import genesyslake.lake.FlatFormat;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import genesyslake.catalog.LakeTables;
import genesyslake.testsupport.MotoServer;
import genesyslake.testsupport.ProcessTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Ensures the CloudFormation template lints clean, deploys (to moto) and agrees with the app's defaults and tables. */
@ProcessTest
class LakeTemplateTest {

    private static final Path TEMPLATE = Path.of("cloudformation", "genesys-lake.template.yaml");
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final MotoServer MOTO = new MotoServer();

    record Result(int exit, String output) {
    }

    static Result exec(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("timed out: " + command);
        }
        return new Result(p.exitValue(), out);
    }

    static String tool(String name) {
        List<Path> candidates = new ArrayList<>();
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            candidates.add(Path.of(dir, name));
        }
        candidates.add(Path.of(System.getProperty("user.home"), ".pyenv", "shims", name));
        return candidates.stream().filter(Files::isExecutable).findFirst().map(Path::toString)
                .orElseThrow(() -> new AssertionError(name + " not found on PATH or in ~/.pyenv/shims"));
    }

    Result aws(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(tool("aws"), "--endpoint-url", MOTO.endpoint(), "--output", "json"));
        command.addAll(List.of(args));
        return exec(command, Map.of("AWS_ACCESS_KEY_ID", MotoServer.ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY", MotoServer.SECRET_KEY, "AWS_DEFAULT_REGION", MotoServer.REGION,
                "AWS_CONFIG_FILE", "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE", "/nonexistent", "AWS_PAGER", ""));
    }

    @Test
    void cfnLintFindsNothing() throws Exception {
        List<String> command = new ArrayList<>(List.of(tool("cfn-lint")));
        try (Stream<Path> files = Files.list(Path.of("cloudformation"))) {
            files.filter(f -> f.toString().endsWith(".yaml")).sorted().forEach(f -> command.add(f.toString()));
        }
        assertTrue(command.size() > 1, "no templates found");
        Result r = exec(command, Map.of());
        assertEquals(0, r.exit(), "cfn-lint findings:\n" + r.output());
        assertEquals("", r.output().strip());
    }

    @Test
    void deploysToMotoWithEncryptedPrivateBucketsAndTheCrawlerRole() throws Exception {
        MOTO.reset();
        Result created = aws("cloudformation", "create-stack", "--stack-name", "genesys-lake",
                "--template-body", "file://" + TEMPLATE.toAbsolutePath(), "--capabilities", "CAPABILITY_IAM");
        assertEquals(0, created.exit(), created.output());
        JsonNode stack = null;
        for (int i = 0; i < 300; i++) {
            Result d = aws("cloudformation", "describe-stacks", "--stack-name", "genesys-lake");
            assertEquals(0, d.exit(), d.output());
            stack = JSON.readTree(d.output()).path("Stacks").path(0);
            if (!stack.path("StackStatus").asText().endsWith("IN_PROGRESS")) {
                break;
            }
            Thread.sleep(100);
        }
        assertEquals("CREATE_COMPLETE", stack.path("StackStatus").asText(), stack.toString());
        Properties outputs = new Properties();
        stack.path("Outputs").forEach(o -> outputs.setProperty(o.path("OutputKey").asText(), o.path("OutputValue").asText()));
        assertEquals("gc-usage-api-source", outputs.getProperty("SourceBucketName"));
        assertEquals("gc-usage-api-results", outputs.getProperty("ResultsBucketName"));

        try (S3Client s3 = S3Client.builder().endpointOverride(MOTO.endpointUri()).region(Region.US_EAST_1)
                .forcePathStyle(true).credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(MotoServer.ACCESS_KEY, MotoServer.SECRET_KEY))).build()) {
            for (String bucket : List.of("gc-usage-api-source", "gc-usage-api-results")) {
                s3.headBucket(b -> b.bucket(bucket));
                assertEquals(ServerSideEncryption.AES256, s3.getBucketEncryption(b -> b.bucket(bucket))
                        .serverSideEncryptionConfiguration().rules().get(0).applyServerSideEncryptionByDefault()
                        .sseAlgorithm(), bucket);
                // moto's CloudFormation applies neither PublicAccessBlockConfiguration nor AWS::S3::BucketPolicy
                // (both read back 404), so they are not asserted here; cfn-lint checks them.
            }
        }
        String roleArn = outputs.getProperty("CrawlerRoleArn");
        assertTrue(roleArn != null && roleArn.contains(":role/"), outputs.toString());
        Result role = aws("iam", "get-role", "--role-name", roleArn.substring(roleArn.lastIndexOf('/') + 1));
        assertEquals(0, role.exit(), role.output());
        assertTrue(role.output().contains("glue.amazonaws.com"), role.output());
    }

    /** The crawler's S3Targets (paths and exclusions) are the ones the shipped flows' tables need, as derived. */
    @Test
    void crawlerTargetsAreTheShippedFlowsTables() throws IOException {
        String template = Files.readString(TEMPLATE);
        String block = template.substring(template.indexOf("S3Targets:"), template.indexOf("\n\n", template.indexOf("S3Targets:")));
        List<genesyslake.catalog.CrawlerTarget> inTemplate = new ArrayList<>();
        String path = null;
        List<String> exclusions = new ArrayList<>();
        for (String line : block.split("\n")) {
            java.util.regex.Matcher target = java.util.regex.Pattern.compile("- Path: !Sub \"s3://\\$\\{SourceBucket}/([^\"]*)\"")
                    .matcher(line.trim());
            java.util.regex.Matcher exclusion = java.util.regex.Pattern.compile("^- \"([^\"]+)\"$").matcher(line.trim());
            if (target.matches()) {
                if (path != null) {
                    inTemplate.add(new genesyslake.catalog.CrawlerTarget(path, exclusions.stream().sorted().toList()));
                }
                path = "s3://gc-usage-api-source/" + target.group(1);
                exclusions = new ArrayList<>();
            } else if (exclusion.matches()) {
                exclusions.add(exclusion.group(1));
            }
        }
        inTemplate.add(new genesyslake.catalog.CrawlerTarget(path, exclusions.stream().sorted().toList()));
        inTemplate.sort(java.util.Comparator.comparing(genesyslake.catalog.CrawlerTarget::path));
        assertEquals(genesyslake.testsupport.ShippedFlows.crawlerTargets("gc-usage-api-source"), inTemplate);
        // ... and the daemon may keep the crawler in step when the flows differ from them.
        assertTrue(statement(template, "RunCrawler").contains("glue:UpdateCrawler"), statement(template, "RunCrawler"));
    }

    @Test
    void theCrawlerAndTheDaemonMayReadEveryTablesObjectsInEitherStorage() throws IOException {
        String template = Files.readString(TEMPLATE);
        String crawlerRead = statement(template, "ReadSourceObjects");
        String daemonRead = statement(template, "LakeObjects");
        assertTrue(crawlerRead.contains("s3:GetObject"), crawlerRead);
        assertTrue(daemonRead.contains("s3:GetObject") && daemonRead.contains("s3:PutObject"), daemonRead);
        for (FlatFormat format : FlatFormat.values()) {
            for (LakeTables.LakeTable t : new LakeTables("gc-usage-api-source", format).all()) {
                // An object key as the flows write it: <prefix><key>=<value>/<name><.json.gz|.parquet>
                String arn = "arn:aws:s3:::gc-usage-api-source/" + t.prefix() + t.partitionKey() + "=2024-01-01/part-0"
                        + t.storage().suffix();
                assertTrue(resources(crawlerRead).stream().anyMatch(r -> iamMatches(r, arn)), "crawler cannot read " + arn);
                assertTrue(resources(daemonRead).stream().anyMatch(r -> iamMatches(r, arn)), "daemon cannot write " + arn);
            }
        }
        // Projection mode drops a table whose storage changed with lake.flat-format before creating it again.
        assertTrue(statement(template, "ReadCatalog").contains("glue:DeleteTable"), statement(template, "ReadCatalog"));
    }

    /** The text of the IAM statement with this Sid, up to the next statement. */
    private static String statement(String template, String sid) {
        int start = template.indexOf("- Sid: " + sid);
        assertTrue(start >= 0, "no statement " + sid);
        int end = template.indexOf("- Sid:", start + 1);
        int section = template.indexOf("\n\n", start);
        return template.substring(start, Math.min(end < 0 ? template.length() : end, section < 0 ? template.length() : section));
    }

    /** The statement's resources with the source bucket's ARN substituted. */
    private static List<String> resources(String statement) {
        List<String> out = new ArrayList<>();
        for (String r : all(statement, "\"(\\$\\{[A-Za-z]+\\.Arn}[^\"]*)\"")) {
            out.add(r.replace("${SourceBucket.Arn}", "arn:aws:s3:::gc-usage-api-source")
                    .replace("${ResultsBucket.Arn}", "arn:aws:s3:::gc-usage-api-results"));
        }
        return out;
    }

    /** IAM's resource matching: '*' any run of characters, '?' one. */
    private static boolean iamMatches(String pattern, String arn) {
        String regex = Pattern.quote(pattern).replace("*", "\\E.*\\Q").replace("?", "\\E.\\Q");
        return arn.matches(regex);
    }

    @Test
    void parameterDefaultsEqualTheDaemonDefaults() throws IOException {
        String template = Files.readString(TEMPLATE);
        Properties app = new Properties();
        try (InputStream in = new FileInputStream("application.properties")) {
            app.load(in);
        }
        Map<String, String> keys = Map.of("SourceBucketName", "lake.source-bucket", "ResultsBucketName",
                "lake.results-bucket", "DatabaseName", "glue.database", "CrawlerName", "glue.crawler",
                "WorkGroupName", "athena.workgroup");
        keys.forEach((parameter, key) -> {
            Matcher m = Pattern.compile("\n  " + parameter + ":\n    Type: String\n    Default: (\\S+)").matcher(template);
            assertTrue(m.find(), "no default for " + parameter);
            assertEquals(app.getProperty(key), m.group(1), parameter + " vs " + key);
        });
    }

    private static List<String> all(String text, String regex) {
        List<String> found = new ArrayList<>();
        Matcher m = Pattern.compile(regex).matcher(text);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }
}
