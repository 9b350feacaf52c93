package genesyslake.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBDriver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * In-process stand-in for Glue and Athena speaking AWS JSON 1.1, so unmodified SDK v2 clients (and the AWS CLI) pointed
 * at {@link #endpoint()} work; every request must be SigV4-signed with the local credentials. Backed by an in-memory
 * DuckDB that may read files only under the S3Proxy store (external access off, configuration locked).
 */
public final class LocalAws implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalAws.class);
    /** Athena's database for queries without a QueryExecutionContext: "db"."table" then resolves in this catalog. */
    static final String DEFAULT_DATABASE = "default";
    /** DuckDB catalog holding one schema per Glue database, named so three-part Athena names also resolve. */
    static final String CATALOG_NAME = "awsdatacatalog";
    static final String CATALOG = "\"" + CATALOG_NAME + "\"";
    private static final String JSON_11 = "application/x-amz-json-1.1";

    /** Trino (Athena) functions DuckDB lacks or spells differently. */
    private static final List<String> MACROS = List.of(
            "from_iso8601_timestamp(s) AS CAST(s AS TIMESTAMPTZ)",
            "from_iso8601_date(s) AS CAST(s AS DATE)",
            "approx_distinct(x) AS approx_count_distinct(x)",
            "trino_format(f) AS replace(replace(replace(f, '%i', '%M'), '%s', '%S'), '%T', '%H:%M:%S')",
            "date_format(t, f) AS strftime(t, awsdatacatalog.main.trino_format(f))",
            "from_unixtime(x) AS to_timestamp(x)",
            "to_unixtime(t) AS epoch(t)",
            "json_extract_scalar(j, p) AS json_extract_string(j, p)",
            "regexp_like(s, p) AS regexp_matches(s, p)",
            // Trino's sequence(), with its limit of 10 000 entries (a list is built whole in memory).
            "sequence(a, b) AS CASE WHEN abs(b - a) >= 10000 THEN error('result of sequence function must not have "
                    + "more than 10000 entries') ELSE generate_series(a, b) END, (a, b, s) AS CASE WHEN s = 0 OR "
                    + "abs((b - a) / s) >= 10000 THEN error('result of sequence function must not have more than "
                    + "10000 entries') ELSE generate_series(a, b, s) END");

    private final LocalAwsSettings settings;
    private final SigV4 sigV4;
    private final ObjectMapper mapper = new ObjectMapper();
    private Vertx vertx;
    private HttpServer server;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile DuckDBConnection duck;
    private volatile LocalGlue glue;
    private volatile LocalAthena athena;

    public LocalAws(LocalAwsSettings settings) {
        this.settings = settings;
        this.sigV4 = new SigV4(settings.accessKey(), settings.secretKey());
    }

    /** Opens DuckDB, restores the catalog from the files on disk and starts listening on 127.0.0.1. */
    public LocalAws start() {
        listen();
        awaitReady();
        return this;
    }

    /**
     * Listens on 127.0.0.1 and returns; DuckDB opens and the catalog is restored from the files on disk meanwhile, on a
     * thread of its own (most of a start: DuckDB unpacks and loads its native library). A request that comes before
     * then waits for it; {@link #awaitReady()} waits too, and throws what failed.
     */
    public LocalAws listen() {
        try {
            vertx = Vertx.vertx();
            // HTTP/1.1 only, as the AWS SDK speaks to Glue and Athena: no h2c upgrade (see LocalGenesys.start).
            server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(settings.port())
                    .setHttp2ClearTextEnabled(false))
                    .requestHandler(this::serve);
            server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            ready.completeExceptionally(e);
            close();
            throw new IllegalStateException("Local Glue/Athena could not start on port " + settings.port(), e);
        }
        Thread t = new Thread(() -> {
            try {
                openCatalog();
                ready.complete(null);
                LOG.info("Local Glue/Athena listening on {} (database {}, crawler {}, workgroup {})", endpoint(),
                        settings.database(), settings.crawlerName(), settings.workGroup());
            } catch (Throwable e) { // an Error too: DuckDB's native library that cannot load
                ready.completeExceptionally(e);
            }
        }, "local-aws-start");
        t.setDaemon(true);
        t.start();
        return this;
    }

    /**
     * Returns once DuckDB is open and the catalog restored; if that failed, closes this stand-in and throws why (an
     * Error as it is, so a start that cannot load DuckDB ends as it did when this was done before listening).
     */
    public LocalAws awaitReady() {
        try {
            ready.join();
            return this;
        } catch (CompletionException e) {
            close();
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException("Local Glue/Athena could not start on port " + settings.port(), e.getCause());
        }
    }

    private void openCatalog() throws Exception {
        // Streamed results: a query's rows reach Java a chunk at a time instead of being materialised first.
        java.util.Properties properties = new java.util.Properties();
        properties.setProperty(DuckDBDriver.JDBC_STREAM_RESULTS, "true");
        duck = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:", properties);
        try (Statement st = duck.createStatement()) {
            st.execute("SET GLOBAL TimeZone = 'UTC'");
            // Trino divides integers as integers (7/2 = 3); DuckDB's default would give 3.5.
            st.execute("SET GLOBAL integer_division = true");
            st.execute("ATTACH ':memory:' AS " + CATALOG);
            st.execute("CREATE SCHEMA IF NOT EXISTS " + CATALOG + "." + quote(settings.database()));
            st.execute("CREATE SCHEMA IF NOT EXISTS " + CATALOG + "." + quote(DEFAULT_DATABASE));
            for (String macro : MACROS) {
                try (Statement m = duck.createStatement()) {
                    m.execute("CREATE OR REPLACE MACRO " + CATALOG + ".main." + macro);
                } catch (SQLException e) {
                    LOG.warn("Local Athena cannot define macro {}: {}", macro, e.getMessage());
                }
            }
            st.execute("USE " + CATALOG + "." + quote(settings.database()));
            // SQL arrives from the network: DuckDB may touch no file outside the lake (no read_text('/etc/..'),
            // no COPY to elsewhere, no INSTALL), and no statement may lift that. LocalAthena refuses the rest.
            Files.createDirectories(settings.s3Root());
            String lake = settings.s3Root().toAbsolutePath().normalize() + java.io.File.separator;
            st.execute("SET GLOBAL allowed_directories = [" + literal(lake) + "]");
            st.execute("SET GLOBAL autoinstall_known_extensions = false");
            st.execute("SET GLOBAL enable_external_access = false");
            st.execute("SET GLOBAL lock_configuration = true");
        }
        glue = new LocalGlue(settings, duck);
        athena = new LocalAthena(settings, duck, glue);
        glue.restoreCatalog();
    }

    public int port() {
        return server.actualPort();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port();
    }

    public LocalAwsSettings settings() {
        return settings;
    }

    /** A new connection to the sandboxed DuckDB, as each query gets one (tests show the sandbox beneath the checks). */
    java.sql.Connection connection() throws SQLException {
        return duck.duplicate();
    }

    private void serve(HttpServerRequest req) {
        req.body().onComplete(ar -> {
            if (ready.isDone()) {
                answer(req, ar);
            } else {
                // DuckDB is still opening: answer once it is, on this request's own event loop
                io.vertx.core.Context context = vertx.getOrCreateContext();
                ready.whenComplete((v, e) -> context.runOnContext(x -> answer(req, ar)));
            }
        });
    }

    private void answer(HttpServerRequest req, io.vertx.core.AsyncResult<Buffer> ar) {
        String requestId = UUID.randomUUID().toString();
        req.response().putHeader("x-amzn-RequestId", requestId).putHeader("Content-Type", JSON_11);
        if (ar.failed()) {
            req.response().setStatusCode(400).end();
            return;
        }
        if (ready.isCompletedExceptionally()) {
            error(req, 500, "InternalServerException", "the local Glue/Athena did not start: "
                    + ready.handle((v, e) -> String.valueOf(e)).join());
            return;
        }
        try {
            Buffer body = ar.result();
            sigV4.verify(req.method().name(), req.path(), req.query(), name -> {
                List<String> values = req.headers().getAll(name);
                return values.isEmpty() ? null : values;
            }, body.getBytes(), Instant.now());
            String target = req.getHeader("X-Amz-Target");
            if (req.method() != HttpMethod.POST || target == null) {
                throw new AwsServiceException("UnknownOperationException", "Expected POST with X-Amz-Target");
            }
            JsonNode in = body.length() == 0 ? mapper.createObjectNode() : mapper.readTree(body.getBytes());
            int dot = target.indexOf('.');
            String service = target.substring(0, Math.max(dot, 0));
            String op = target.substring(dot + 1);
            Object out = switch (service) {
                case "AWSGlue" -> glue.handle(op, in);
                case "AmazonAthena" -> athena.handle(op, in);
                default -> throw new AwsServiceException("UnknownOperationException", "Unknown target " + target);
            };
            req.response().setStatusCode(200).end(Buffer.buffer(mapper.writeValueAsBytes(out)));
        } catch (AwsServiceException e) {
            error(req, e.type().endsWith("SignatureException") || e.type().endsWith("TokenException")
                    || e.type().equals("UnrecognizedClientException") ? 403 : 400, e.type(), e.getMessage());
        } catch (Exception e) {
            LOG.warn("Local Glue/Athena failed on {}", req.getHeader("X-Amz-Target"), e);
            error(req, 500, "InternalServerException", String.valueOf(e.getMessage()));
        }
    }

    private void error(HttpServerRequest req, int status, String type, String message) {
        try {
            req.response().setStatusCode(status).putHeader("x-amzn-ErrorType", type)
                    .end(Buffer.buffer(mapper.writeValueAsBytes(Map.of("__type", type, "message", message))));
        } catch (Exception e) {
            req.response().setStatusCode(500).end();
        }
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (server != null) {
            server.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
        if (server != null) {
            // DuckDB may still be opening (a start that failed elsewhere): close it once it is open
            ready.handle((v, e) -> null).orTimeout(60, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
        if (athena != null) {
            athena.close();
        }
        if (glue != null) {
            glue.close();
        }
        if (duck != null) {
            try {
                duck.close();
            } catch (SQLException e) {
                LOG.debug("Closing DuckDB", e);
            }
        }
    }
}
