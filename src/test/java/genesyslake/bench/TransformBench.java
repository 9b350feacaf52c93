package genesyslake.bench;

import genesyslake.lake.PartitionSpool;
import genesyslake.lake.RawJsonScanner;
import genesyslake.lake.RawRecords;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Benchmark driver for bench/transform.sh (not a test): generates a Genesys usage result document of a given size,
 * and runs the streaming transform on it in this JVM so the script can measure time and peak RSS from outside.
 */
public final class TransformBench {

    private TransformBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            usage();
        }
        switch (args[0]) {
            case "generate" -> generate(Path.of(args[1]), Long.parseLong(args[2]));
            case "transform" -> {
                transform(Path.of(args[1]), Path.of(args[2]), "transform");
                // The daemon is long-running: later exports run in a warm JVM. Time that too, as separate passes.
                int warm = args.length > 3 ? Integer.parseInt(args[3]) : 0;
                for (int i = 0; i < warm; i++) {
                    transform(Path.of(args[1]), Path.of(args[2]), "warm");
                }
            }
            case "spool" -> spool(Path.of(args[1]), Path.of(args[2]), args.length > 3 ? Integer.parseInt(args[3]) : 1);
            default -> usage();
        }
    }

    private static void usage() {
        System.err.println("usage: TransformBench generate <file> <bytes> | transform <in.json> <out.ndjson> [warm passes]"
                + " | spool <in.json> <runDir> [deflaterLevel]");
        System.exit(2);
    }

    /** Streams out {"results":[...],"queryStatus":"Complete"} with compact seed-like usage rows up to ~bytes. */
    static void generate(Path file, long bytes) throws IOException {
        Random random = new Random(7);
        String[] clients = new String[200];
        for (int i = 0; i < clients.length; i++) {
            clients[i] = new UUID(random.nextLong(), random.nextLong()).toString();
        }
        String[] uris = {"api/v2/analytics/conversations/details/query", "api/v2/users/{userId}",
                "api/v2/routing/queues/{queueId}/members", "api/v2/usage/query/{executionId}/results",
                "api/v2/conversations/calls/{conversationId}/participants/{participantId}"};
        String[] methods = {"GET", "POST", "PUT", "PATCH", "DELETE"};
        long rows = 0;
        long written = 0;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            byte[] head = "{\"results\":[".getBytes(StandardCharsets.UTF_8);
            out.write(head);
            written += head.length;
            StringBuilder sb = new StringBuilder(400);
            while (written < bytes) {
                int c = random.nextInt(clients.length);
                int s200 = random.nextInt(100_000);
                int s429 = random.nextInt(50);
                int s400 = random.nextInt(200);
                int day = 1 + random.nextInt(28);
                sb.setLength(0);
                sb.append(rows == 0 ? "" : ",")
                        .append("{\"clientId\":\"").append(clients[c])
                        .append("\",\"clientName\":\"Client \\\"").append(c).append("\\\" é\"")
                        .append(",\"organizationId\":\"\",\"userId\":\"\",\"templateUri\":\"")
                        .append(uris[random.nextInt(uris.length)]).append("\",\"httpMethod\":\"")
                        .append(methods[random.nextInt(methods.length)])
                        .append("\",\"status200\":").append(s200).append(",\"status300\":0,\"status400\":").append(s400)
                        .append(",\"status500\":").append(random.nextInt(3)).append(",\"status429\":").append(s429)
                        .append(",\"requests\":").append(s200 + s400 + s429)
                        .append(",\"date\":\"2026-11-").append(day < 10 ? "0" : "").append(day).append("T00:00:00Z\"}");
                byte[] row = sb.toString().getBytes(StandardCharsets.UTF_8);
                out.write(row);
                written += row.length;
                rows++;
            }
            byte[] tail = "],\"queryStatus\":\"Complete\"}".getBytes(StandardCharsets.UTF_8);
            out.write(tail);
            written += tail.length;
        }
        System.out.printf("generated rows=%d bytes=%d%n", rows, written);
    }

    /** RawJsonScanner → one NDJSON line per element, as jq -c '.results[]' does. */
    static void transform(Path in, Path out, String label) throws IOException {
        long t0 = System.nanoTime();
        RawJsonScanner.Result result;
        try (InputStream input = Files.newInputStream(in);
             OutputStream output = new BufferedOutputStream(Files.newOutputStream(out), 1 << 16)) {
            result = RawJsonScanner.of("results").scan(input, (buf, off, len) -> {
                output.write(buf, off, len);
                output.write('\n');
            });
        }
        report(label, result.records("results"), System.nanoTime() - t0);
    }

    /** The fuller pipeline: scan, stamp granularity, spool per date partition, gzip at the given level. */
    static void spool(Path in, Path runDir, int level) throws IOException {
        long t0 = System.nanoTime();
        RawJsonScanner.Result result;
        List<PartitionSpool.LakeObject> objects;
        try (InputStream input = Files.newInputStream(in);
             PartitionSpool spool = new PartitionSpool(runDir, level, 64, 1 << 16)) {
            result = RawJsonScanner.of("results").scan(input, (buf, off, len) -> {
                String date = RawRecords.topLevelString(buf, off, len, "date").substring(0, 10);
                byte[] stamped = RawRecords.stampField(buf, off, len, "granularity", "Day");
                spool.append("usage/date=" + date + "/usage_" + date + ".json.gz", stamped, 0, stamped.length);
            });
            long t1 = System.nanoTime();
            objects = spool.finish();
            long t2 = System.nanoTime();
            long gz = objects.stream().mapToLong(PartitionSpool.LakeObject::bytes).sum();
            long raw = objects.stream().mapToLong(PartitionSpool.LakeObject::rawBytes).sum();
            System.out.printf("spool-phase seconds=%.3f gzip-phase(level %d) seconds=%.3f objects=%d raw=%d gz=%d ratio=%.3f%n",
                    (t1 - t0) / 1e9, level, (t2 - t1) / 1e9, objects.size(), raw, gz, (double) gz / raw);
        }
        report("spool", result.records("results"), System.nanoTime() - t0);
    }

    private static void report(String what, long rows, long nanos) {
        double s = nanos / 1e9;
        System.out.printf("%s rows=%d seconds=%.3f rows_per_s=%.0f%n", what, rows, s, rows / s);
    }
}
