package genesyslake.bench;

import genesyslake.genesys.GenesysEndpoints;
import genesyslake.genesys.GenesysHttp;
import genesyslake.genesys.GenesysStats;
import genesyslake.genesys.RateGovernor;
import genesyslake.genesys.RetryPolicy;
import genesyslake.local.genesys.LocalGenesys;
import genesyslake.local.genesys.LocalGenesysSettings;
import genesyslake.local.genesys.RequestStats;
import genesyslake.management.FlowOutcome;
import genesyslake.testsupport.LocalDaemon;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Benchmark driver for bench/run (not a test; nothing is asserted): API-only paging time of a details job, API
 * efficiency of the real conversation-details flow against a rate-limited local Genesys, and storage figures of a
 * multi-day export. Prints one "key=value" line per figure for the script to collect.
 */
public final class LakeBench {

    private LakeBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: LakeBench paging <conversationsPerDay> | api <conversations> | storage <days> <perDay>");
            System.exit(2);
        }
        switch (args[0]) {
            case "paging" -> paging(Integer.parseInt(args[1]));
            case "api" -> api(Integer.parseInt(args[1]));
            case "storage" -> storage(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            default -> throw new IllegalArgumentException(args[0]);
        }
        System.exit(0); // server threads of the local stand-ins are not daemons
    }

    /**
     * The API side alone: the daemon's own HTTP client pages yesterday's job (pageSize 1000) from a local Genesys in
     * this JVM and drains every body without looking at it. Its time is what the end-to-end run would take with a
     * pipeline that costs nothing.
     */
    static void paging(int perDay) throws Exception {
        LocalGenesysSettings s = LocalGenesysSettings.defaults().withConversationsPerDay(perDay).withRunningPolls(0);
        try (LocalGenesys genesys = new LocalGenesys(s).start()) {
            URI url = URI.create(genesys.baseUrl());
            GenesysHttp http = new GenesysHttp(new GenesysEndpoints(url, url), s.clientId(), s.clientSecret(),
                    new RateGovernor(0), new RetryPolicy(8, Duration.ofMillis(50), Duration.ofSeconds(5)),
                    Duration.ofSeconds(60));
            LocalDate day = LocalDate.now(ZoneOffset.UTC).minusDays(1);
            String interval = day + "T00:00:00.000Z/" + day.plusDays(1) + "T00:00:00.000Z";
            String jobs = "/api/v2/analytics/conversations/details/jobs";
            long t0 = System.nanoTime();
            String id = http.postJson(jobs, ("{\"interval\":\"" + interval + "\"}").getBytes()).path("jobId").asText();
            while (!http.getJson(jobs + "/" + id, Map.of()).path("state").asText().equals("FULFILLED")) {
                Thread.sleep(50);
            }
            byte[] sink = new byte[64 * 1024];
            long bytes = 0;
            int pages = 0;
            String cursor = null;
            do {
                Map<String, String> q = new TreeMap<>();
                q.put("pageSize", "1000");
                if (cursor != null) {
                    q.put("cursor", cursor);
                }
                long[] n = {0};
                // The cursor is a top-level field; reading it needs the body, so keep only the tail's text.
                String tail = http.get(jobs + "/" + id + "/results", q, in -> drain(in, sink, n));
                bytes += n[0];
                pages++;
                cursor = cursor(tail);
            } while (cursor != null);
            double secs = (System.nanoTime() - t0) / 1e9;
            GenesysStats st = http.stats();
            System.out.printf("paging_seconds=%.2f%npaging_pages=%d%npaging_bytes=%d%npaging_requests=%d%n", secs, pages,
                    bytes, st.requests.get());
        }
    }

    private static String drain(InputStream in, byte[] buf, long[] n) throws IOException {
        byte[] tail = new byte[0];
        int r;
        while ((r = in.read(buf)) > 0) {
            n[0] += r;
            int keep = Math.min(r, 4096);
            byte[] t = new byte[Math.min(4096, tail.length + keep)];
            int fromOld = t.length - keep;
            System.arraycopy(tail, tail.length - fromOld, t, 0, fromOld);
            System.arraycopy(buf, r - keep, t, fromOld, keep);
            tail = t;
        }
        return new String(tail, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String cursor(String tail) {
        int i = tail.lastIndexOf("\"cursor\":\"");
        if (i < 0) {
            return null;
        }
        int start = i + 10;
        return tail.substring(start, tail.indexOf('"', start));
    }

    /**
     * The real conversation-details flow (in-process daemon, default governor 240/min, job polling every 2 s as
     * configured) against a local Genesys that enforces 300 requests/min: requests per 100 000 conversations,
     * 429s, and whether every conversation of the day landed (lost pages).
     */
    static void api(int conversations) throws Exception {
        Map<String, String> o = new TreeMap<>();
        o.put("local.genesys.conversations-per-day", String.valueOf(conversations));
        o.put("local.genesys.rate-limit.requests-per-minute", "300");
        o.put("details.job.poll.delay", "2s");
        o.put("genesys.retry.initial-backoff", "1s");
        LocalDaemon d = LocalDaemon.start(o);
        try {
            RequestStats server = d.local().genesys().stats();
            server.reset();
            long t0 = System.nanoTime();
            FlowOutcome out = d.run("conversation-details", Map.of());
            double secs = (System.nanoTime() - t0) / 1e9;
            long landed = countLines(d.dataDir().resolve("s3"), "conversations/");
            // The local org starts exactly conversations-per-day conversations on every UTC day.
            long expected = conversations;
            long requests = server.total() - server.count("POST /oauth/token");
            System.out.printf("api_ok=%s%napi_seconds=%.1f%napi_records=%d%napi_expected_records=%d%napi_landed_records=%d%n",
                    out.isSuccess(), secs, out.getRecords(), expected, landed);
            System.out.printf("api_requests=%d%napi_token_requests=%d%napi_429=%d%napi_5xx=%d%n", requests,
                    server.count("POST /oauth/token"), server.throttled(), server.serverErrors());
            System.out.printf("api_requests_per_100k=%.1f%napi_429_share=%.4f%n", requests * 100_000.0 / Math.max(1, landed),
                    (double) server.throttled() / Math.max(1, requests));
            server.perEndpoint().forEach((k, v) -> System.out.printf("api_endpoint %s=%d%n", k.replace(' ', '_'), v));
        } finally {
            d.closeAndDelete();
        }
    }

    /**
     * A multi-day export at a small daily volume: bytes per record gzip vs plain per table, and the share of a
     * table's objects that a {@code WHERE date = …} query reads (objects in one date= partition / all objects).
     */
    static void storage(int days, int perDay) throws Exception {
        Map<String, String> o = new TreeMap<>();
        o.put("local.genesys.conversations-per-day", String.valueOf(perDay));
        LocalDaemon d = LocalDaemon.start(o);
        try {
            LocalDate end = LocalDate.now(ZoneOffset.UTC);
            LocalDate start = end.minusDays(days);
            FlowOutcome out = d.run("conversation-details",
                    Map.of("lakeInterval", start + "T00:00:00Z/" + end + "T00:00:00Z"));
            System.out.printf("storage_ok=%s%nstorage_days=%d%nstorage_records=%d%n", out.isSuccess(), days, out.getRecords());
            Path bucket = d.dataDir().resolve("s3").resolve(d.context().resolvePropertyPlaceholders("{{lake.source-bucket}}"));
            for (String table : List.of("conversations", "conversation_segments")) {
                List<Path> objects = list(bucket.resolve(table));
                long gz = 0;
                long raw = 0;
                long lines = 0;
                Map<String, Integer> perDate = new TreeMap<>();
                boolean parquet = false;
                for (Path f : objects) {
                    gz += Files.size(f);
                    if (f.toString().endsWith(".parquet")) {
                        // Parquet (the curated default): rows counted by DuckDB; no plain size to compare with
                        parquet = true;
                        lines += genesyslake.testsupport.Parquet.rows(f, "1").size();
                    } else {
                        long[] c = gunzipCount(f);
                        raw += c[0];
                        lines += c[1];
                    }
                    perDate.merge(f.getParent().getFileName().toString(), 1, Integer::sum);
                }
                if (parquet) {
                    System.out.printf("storage %s format=parquet objects=%d partitions=%d rows=%d bytes=%d bytes_per_row=%.1f "
                                    + "bytes_per_conversation=%.0f%n", table, objects.size(), perDate.size(), lines, gz,
                            (double) gz / lines, (double) gz / out.getRecords());
                    continue;
                }
                String oneDate = "date=" + start.plusDays(days / 2);
                System.out.printf("storage %s objects=%d partitions=%d records=%d gz_bytes=%d raw_bytes=%d gz_per_record=%.0f "
                                + "raw_per_record=%.0f gz_ratio=%.3f where_date_objects=%d where_date_share=%.3f%n",
                        table, objects.size(), perDate.size(), lines, gz, raw, (double) gz / lines, (double) raw / lines,
                        (double) gz / raw, perDate.getOrDefault(oneDate, 0),
                        (double) perDate.getOrDefault(oneDate, 0) / objects.size());
            }
        } finally {
            d.closeAndDelete();
        }
    }

    private static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return new ArrayList<>(s.filter(Files::isRegularFile).sorted().toList());
        }
    }

    /** Lines of every object under the prefix of every bucket in the local S3 root. */
    private static long countLines(Path s3Root, String prefix) throws IOException {
        long n = 0;
        try (Stream<Path> buckets = Files.list(s3Root)) {
            for (Path b : buckets.toList()) {
                for (Path f : list(b.resolve(prefix))) {
                    n += gunzipCount(f)[1];
                }
            }
        }
        return n;
    }

    /** {uncompressed bytes, lines} of a gzip file. */
    private static long[] gunzipCount(Path f) throws IOException {
        long bytes = 0;
        long lines = 0;
        byte[] buf = new byte[1 << 16];
        try (InputStream in = new GZIPInputStream(Files.newInputStream(f), 1 << 16)) {
            int r;
            while ((r = in.read(buf)) > 0) {
                bytes += r;
                for (int i = 0; i < r; i++) {
                    if (buf[i] == '\n') {
                        lines++;
                    }
                }
            }
        }
        return new long[] {bytes, lines};
    }
}
