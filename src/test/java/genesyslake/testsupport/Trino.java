package genesyslake.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Trino server (Athena engine v3's base) as a test peer: Maven Central's {@code io.trino:trino-server} tarball,
 * which the build resolves into the local repository (maven-dependency-plugin, before the tests), unpacked once under
 * target/ with only the Hive plugin kept, started as a single node with one Hive catalog on the Glue metastore and the
 * native S3 file system, both pointed where the caller says. Queries go over Trino's HTTP protocol.
 */
public final class Trino implements AutoCloseable {

    /** The one plugin the catalog needs: the others only cost start-up time (hive alone is ~400 MB). */
    private static final Set<String> PLUGINS = Set.of("hive");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A query's answer: column names, Trino's column types and the rows (JSON values as text, null as null). */
    public record Answer(List<String> columns, List<String> types, List<List<String>> rows) {
    }

    private final Process process;
    private final Path work;
    private final int port;
    private final HttpClient http = HttpClient.newHttpClient();
    private final String catalog;
    private final String schema;
    /** How long the server took from launch to serving queries. */
    public final Duration startup;

    private Trino(Process process, Path work, int port, String catalog, String schema, Duration startup) {
        this.process = process;
        this.work = work;
        this.port = port;
        this.catalog = catalog;
        this.schema = schema;
        this.startup = startup;
    }

    /** The Trino home under target/, unpacked from the local repository's tarball on first use. */
    static Path home() throws IOException, InterruptedException {
        Path tarball = Path.of(System.getProperty("trino.tarball", ""));
        if (!Files.isRegularFile(tarball)) {
            throw new IllegalStateException("No Trino server tarball at '" + tarball + "' (system property trino.tarball):"
                    + " run the tests through Maven, whose maven-dependency-plugin resolves io.trino:trino-server:tar.gz"
                    + " into the local repository first");
        }
        String name = tarball.getFileName().toString().replace(".tar.gz", "");
        Path target = Path.of(System.getProperty("build.dir", "target"), "trino");
        Path home = target.resolve(name);
        Path ready = target.resolve(name + ".ready");
        if (!Files.exists(ready)) {
            deleteTree(home);
            Files.createDirectories(target);
            // tar, not a Java unpacker: the tarball holds hard links across plugin folders.
            run(List.of("tar", "xzf", tarball.toString(), "-C", target.toString()));
            try (Stream<Path> plugins = Files.list(home.resolve("plugin"))) {
                for (Path p : plugins.toList()) {
                    if (!PLUGINS.contains(p.getFileName().toString())) {
                        deleteTree(p);
                    }
                }
            }
            Files.writeString(ready, tarball.toString());
        }
        return home;
    }

    /**
     * Starts one node with catalog {@code catalog}: connector hive, hive.metastore=glue at {@code glueEndpoint} and
     * the native S3 file system at {@code s3Endpoint} (path style), both with the given keys and region.
     */
    public static Trino start(Path work, String catalog, String schema, String glueEndpoint, String s3Endpoint,
            String region, String accessKey, String secretKey) throws Exception {
        Path javaHome = Path.of(System.getProperty("trino.java.home", "/usr/lib/jvm/temurin-25-jdk-amd64"));
        if (!Files.isExecutable(javaHome.resolve("bin/java"))) {
            throw new IllegalStateException("Trino 476 needs Java 24+: no java under " + javaHome
                    + " (system property trino.java.home, Maven property trino.java.home)");
        }
        Path home = home();
        int port = genesyslake.ops.Ops.freePort();
        Path etc = Files.createDirectories(work.resolve("etc"));
        Files.createDirectories(etc.resolve("catalog"));
        Files.writeString(etc.resolve("node.properties"), String.join("\n",
                "node.environment=test", "node.id=genesys-lake-test", "node.data-dir=" + work.resolve("data"), ""));
        Files.writeString(etc.resolve("jvm.config"), String.join("\n", "-server", "-Xmx2G", "-XX:+UseG1GC",
                // C1 only: a test's queries are small, and C2 compiling the start-up's code costs a core for a minute
                "-XX:TieredStopAtLevel=1",
                "-XX:+ExitOnOutOfMemoryError", "-Djdk.attach.allowAttachSelf=true", ""));
        Files.writeString(etc.resolve("config.properties"), String.join("\n", "coordinator=true",
                "node-scheduler.include-coordinator=true", "http-server.http.port=" + port,
                "discovery.uri=http://127.0.0.1:" + port, "query.max-memory=1GB", "query.max-memory-per-node=1GB", ""));
        Files.writeString(etc.resolve("log.properties"), "io.trino=WARN\n");
        Files.writeString(etc.resolve("catalog").resolve(catalog + ".properties"), String.join("\n",
                "connector.name=hive",
                "hive.metastore=glue",
                "hive.metastore.glue.endpoint-url=" + glueEndpoint,
                "hive.metastore.glue.region=" + region,
                "hive.metastore.glue.aws-access-key=" + accessKey,
                "hive.metastore.glue.aws-secret-key=" + secretKey,
                "fs.native-s3.enabled=true",
                "s3.endpoint=" + s3Endpoint,
                "s3.region=" + region,
                "s3.path-style-access=true",
                "s3.aws-access-key=" + accessKey,
                "s3.aws-secret-key=" + secretKey,
                ""));
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/launcher").toString(), "run", "--etc-dir=" + etc,
                "--data-dir=" + work.resolve("data"))
                .redirectErrorStream(true).redirectOutput(work.resolve("server.log").toFile());
        pb.environment().put("JAVA_HOME", javaHome.toString());
        pb.environment().put("PATH", javaHome.resolve("bin") + ":" + System.getenv("PATH"));
        long t0 = System.nanoTime();
        Process process = pb.start();
        Trino trino = new Trino(process, work, port, catalog, schema, Duration.ZERO);
        long deadline = System.currentTimeMillis() + 300_000;
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Trino exited (" + process.exitValue() + "): " + trino.log());
            }
            if (trino.started()) {
                break;
            }
            if (System.currentTimeMillis() > deadline) {
                trino.close();
                throw new IllegalStateException("Trino did not start in 300 s: " + trino.log());
            }
            Thread.sleep(250);
        }
        return new Trino(process, work, port, catalog, schema, Duration.ofNanos(System.nanoTime() - t0));
    }

    private boolean started() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/info"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200 || JSON.readTree(r.body()).path("starting").asBoolean(true)) {
                return false;
            }
            // "Started" is not "can run a query": the node registers with the coordinator a moment later, and a query
            // before that fails with NO_NODES_AVAILABLE (seen on a loaded machine).
            query("SELECT 1");
            return true;
        } catch (IllegalStateException | IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The server's log (its last 20 000 characters), for failure messages. */
    public String log() {
        try {
            String log = Files.readString(work.resolve("server.log"));
            return log.substring(Math.max(0, log.length() - 20_000));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /**
     * Runs one statement in the catalog and schema, following nextUri to the end; a failed query throws its error.
     * NO_NODES_AVAILABLE is the server's own state, not the statement's answer: seen now and then on the first queries
     * after a start, while the one node is not yet (or no longer) listed as active. The statement is sent again then,
     * for up to 30 s.
     */
    public Answer query(String sql) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                return queryOnce(sql);
            } catch (QueryFailed e) {
                if (!e.errorName.equals("NO_NODES_AVAILABLE") || System.nanoTime() > deadline) {
                    throw e;
                }
                System.out.println("Trino: no node active yet, the statement is sent again in 0.5 s");
                Thread.sleep(500);
            }
        }
    }

    /** A statement Trino answered with an error: its message and error name, as callers have always seen them. */
    private static final class QueryFailed extends IllegalStateException {
        final String errorName;

        QueryFailed(String errorName, String message, String sql) {
            super("Trino failed the query: " + message + " (" + errorName + ")\n" + sql);
            this.errorName = errorName;
        }
    }

    private Answer queryOnce(String sql) throws IOException, InterruptedException {
        HttpRequest first = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/statement"))
                .header("X-Trino-User", "genesys-lake-test").header("X-Trino-Catalog", catalog)
                .header("X-Trino-Schema", schema).header("X-Trino-Time-Zone", "UTC")
                .POST(HttpRequest.BodyPublishers.ofString(sql)).build();
        JsonNode page = JSON.readTree(http.send(first, HttpResponse.BodyHandlers.ofString()).body());
        List<String> columns = new ArrayList<>();
        List<String> types = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        while (true) {
            if (page.has("error")) {
                throw new QueryFailed(page.path("error").path("errorName").asText(),
                        page.path("error").path("message").asText(), sql);
            }
            if (columns.isEmpty() && page.has("columns")) {
                page.path("columns").forEach(c -> {
                    columns.add(c.path("name").asText());
                    types.add(c.path("type").asText());
                });
            }
            page.path("data").forEach(row -> {
                List<String> values = new ArrayList<>();
                row.forEach(v -> values.add(v.isNull() ? null : v.isValueNode() ? v.asText() : v.toString()));
                rows.add(values);
            });
            if (!page.hasNonNull("nextUri")) {
                return new Answer(columns, types, rows);
            }
            page = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(page.path("nextUri").asText()))
                    .header("X-Trino-User", "genesys-lake-test").build(), HttpResponse.BodyHandlers.ofString()).body());
        }
    }

    @Override
    public void close() {
        // the launcher's java, should the launcher not have replaced itself with it
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static void run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
