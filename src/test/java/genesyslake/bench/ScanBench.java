package genesyslake.bench;

import genesyslake.catalog.FlowCatalog;
import genesyslake.catalog.LakeTables;
import genesyslake.testsupport.ShippedFlows;
import genesyslake.management.FlowOutcome;
import genesyslake.testsupport.LocalDaemon;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Benchmark driver for bench/run's "bytes scanned" section (not a test; nothing is asserted). Builds the same lake
 * twice, once with {@code lake.flat-format=ndjson} (the lake as it was: every table gzip NDJSON) and once with the
 * default Parquet curated tables, then prints for each shipped report the bytes Athena would scan in each (see
 * {@link ScanBytes}). A report with a row-level form in {@code queries/examples/<name>.row-level.sql} (it reads a
 * summary table now) is compared with what that row-level form read in the NDJSON lake. Prints "scan …" lines for the
 * script.
 */
public final class ScanBench {

    private ScanBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: ScanBench <days> <conversationsPerDay>");
            System.exit(2);
        }
        int days = Integer.parseInt(args[0]);
        int perDay = Integer.parseInt(args[1]);
        Path ndjson = Files.createTempDirectory("genesys-lake-scan-ndjson");
        Path parquet = Files.createTempDirectory("genesys-lake-scan-parquet");
        String bucket = build(ndjson, "ndjson", days, perDay);
        build(parquet, "parquet", days, perDay);
        // Every table the shipped flows declare, where they place it (the catalog the daemon derives from routes/).
        List<LakeTables.LakeTable> tables = ShippedFlows.catalog(bucket).tables().stream()
                .map(FlowCatalog.FlowTable::table).distinct().toList();
        Path ndBucket = ndjson.resolve("s3").resolve(bucket);
        Path pqBucket = parquet.resolve("s3").resolve(bucket);
        List<Path> reports;
        try (Stream<Path> s = Files.list(Path.of("queries/sql"))) {
            reports = s.filter(p -> p.toString().endsWith(".sql")).sorted().toList();
        }
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
            for (Path report : reports) {
                String name = report.getFileName().toString().replaceFirst("\\.sql$", "");
                long nd = 0;
                long pq = 0;
                for (ScanBytes.TableRead read : ScanBytes.reads(Files.readString(report), tables)) {
                    long n = ScanBytes.ndjsonBytes(ndBucket, read);
                    // A raw table stays NDJSON in the Parquet lake too; a curated one is read by column.
                    boolean curated = !ScanBytes.objects(pqBucket, read, ".parquet").isEmpty();
                    long p = curated ? ScanBytes.parquetBytes(duck, pqBucket, read) : ScanBytes.ndjsonBytes(pqBucket, read);
                    System.out.printf("scan_table %s %s format=%s partition=%s columns=%s ndjson_bytes=%d now_bytes=%d%n",
                            name, read.table().name(), curated ? "parquet" : "ndjson",
                            read.partitionValue() == null ? "all" : read.partitionValue(),
                            String.join(",", read.columns()), n, p);
                    nd += n;
                    pq += p;
                }
                // A report that now reads a summary table is measured against what its row-level form read in the
                // NDJSON lake (the lake as it was), not against the summary's own NDJSON.
                Path rowLevel = Path.of("queries/examples", name + ".row-level.sql");
                String baseline = "same-sql";
                if (Files.exists(rowLevel)) {
                    baseline = "row-level";
                    long before = 0;
                    long rowLevelParquet = 0;
                    for (ScanBytes.TableRead read : ScanBytes.reads(Files.readString(rowLevel), tables)) {
                        before += ScanBytes.ndjsonBytes(ndBucket, read);
                        rowLevelParquet += ScanBytes.parquetBytes(duck, pqBucket, read);
                    }
                    System.out.printf("scan_row_level %s ndjson_bytes=%d parquet_bytes=%d share=1/%.0f%n", name, before,
                            rowLevelParquet, (double) before / rowLevelParquet);
                    nd = before;
                }
                System.out.printf("scan_report %s ndjson_bytes=%d now_bytes=%d share=%s baseline=%s%n", name, nd, pq,
                        pq == 0 ? "n/a" : String.format("1/%.0f", (double) nd / pq), baseline);
            }
        }
        storage(ndBucket, pqBucket, tables);
        System.exit(0); // server threads of the local stand-ins are not daemons
    }

    /** Exports days x perDay conversations, the same days of user details, and the usage flow, in one format. */
    private static String build(Path dataDir, String format, int days, int perDay) {
        Map<String, String> o = new TreeMap<>();
        o.put("local.genesys.conversations-per-day", String.valueOf(perDay));
        // Staffed like a real org of that size: about 100 conversations per agent and day (the local default of 40
        // agents would give 100 000 conversations a day to 40 people, and presence tables of a few kilobytes).
        o.put("local.genesys.users", String.valueOf(Math.max(40, perDay / 100)));
        o.put("lake.flat-format", format);
        LocalDaemon d = LocalDaemon.start(dataDir, o);
        try {
            LocalDate end = LocalDate.now(ZoneOffset.UTC);
            String interval = end.minusDays(days) + "T00:00:00Z/" + end + "T00:00:00Z";
            long t0 = System.nanoTime();
            FlowOutcome c = d.run("conversation-details", Map.of("lakeInterval", interval));
            FlowOutcome u = d.run("user-details", Map.of("lakeInterval", interval));
            FlowOutcome g = d.run("usage-export", Map.of());
            // The per-day usage reports read usage-daily's table (a flow of its own since the flows became templates).
            FlowOutcome gd = d.run("usage-daily", Map.of());
            // The names the reports join beside their ids (dim_users, dim_queues).
            for (String flow : List.of("reference-users", "reference-queues")) {
                if (!d.run(flow, Map.of()).isSuccess()) {
                    System.out.println("scan_lake " + flow + " FAILED");
                }
            }
            System.out.printf("scan_lake format=%s conversations=%s user_details=%s usage=%s seconds=%.1f%n", format,
                    c.isSuccess() ? c.getRecords() : "FAILED", u.isSuccess() ? u.getRecords() : "FAILED",
                    g.isSuccess() && gd.isSuccess() ? g.getRecords() + gd.getRecords() : "FAILED", (System.nanoTime() - t0) / 1e9);
            return d.context().resolvePropertyPlaceholders("{{lake.source-bucket}}");
        } finally {
            d.close();
        }
    }

    /** Bytes per row of each table in both lakes (rows counted in the NDJSON lake; both hold the same rows). */
    private static void storage(Path ndBucket, Path pqBucket, List<LakeTables.LakeTable> tables) throws Exception {
        for (LakeTables.LakeTable t : tables) {
            ScanBytes.TableRead all = new ScanBytes.TableRead(t, java.util.Set.of(), null);
            long rows = countLines(ScanBytes.objects(ndBucket, all, ".json.gz"));
            if (rows == 0) {
                continue;
            }
            long ndBytes = ScanBytes.ndjsonBytes(ndBucket, all);
            long pqBytes = ScanBytes.parquetFileBytes(pqBucket, all);
            System.out.printf("scan_storage %s rows=%d ndjson_gz_bytes=%d (%.1f B/row) parquet_bytes=%d (%s)%n",
                    t.name(), rows, ndBytes, (double) ndBytes / rows, pqBytes,
                    pqBytes == 0 ? "stays ndjson" : String.format("%.1f B/row", (double) pqBytes / rows));
        }
    }

    private static long countLines(List<Path> files) throws java.io.IOException {
        long n = 0;
        byte[] buf = new byte[1 << 16];
        for (Path f : files) {
            try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(f), 1 << 16)) {
                int r;
                while ((r = in.read(buf)) > 0) {
                    for (int i = 0; i < r; i++) {
                        if (buf[i] == '\n') {
                            n++;
                        }
                    }
                }
            }
        }
        return n;
    }
}
