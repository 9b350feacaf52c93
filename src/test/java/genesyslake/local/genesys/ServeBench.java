package genesyslake.local.genesys;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * Benchmark (a main program, not a test): pages one conversation-details job over a whole day of a million
 * conversations with a client that only reads bytes, and prints records/s, MB/s and requests made.
 * Arguments (optional): conversations per day, page size, day.
 */
public final class ServeBench {

    private static final byte[] CURSOR = "\"cursor\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RECORD = "{\"conversationEnd\":".getBytes(StandardCharsets.US_ASCII);

    private ServeBench() {
    }

    public static void main(String[] args) throws Exception {
        int perDay = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int pageSize = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        String day = args.length > 2 ? args[2] : "2026-10-05";
        LocalGenesysSettings s = LocalGenesysSettings.defaults().withConversationsPerDay(perDay).withRunningPolls(0);
        try (LocalGenesys genesys = new LocalGenesys(s).start()) {
            GenesysHttpTestClient client = new GenesysHttpTestClient(genesys);
            String interval = day + "T00:00:00.000Z/" + java.time.LocalDate.parse(day).plusDays(1) + "T00:00:00.000Z";
            String jobs = "/api/v2/analytics/conversations/details/jobs";
            String id = client.json("POST", jobs, "{\"interval\":\"" + interval + "\"}").path("jobId").asText();
            client.json("GET", jobs + "/" + id, null);
            HttpClient http = HttpClient.newHttpClient();
            long bytes = 0;
            long records = 0;
            int requests = 0;
            long started = System.nanoTime();
            String cursor = null;
            do {
                String url = genesys.baseUrl() + jobs + "/" + id + "/results?pageSize=" + pageSize
                        + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
                HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(url))
                        .header("Authorization", "Bearer " + client.token).build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                requests++;
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("HTTP " + r.statusCode());
                }
                Page page = read(r.body());
                bytes += page.bytes;
                records += page.records;
                cursor = page.cursor;
            } while (cursor != null);
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("HTTP: %d records, %d requests, %.1f MB in %.2f s: %.0f records/s, %.1f MB/s%n",
                    records, requests, bytes / 1e6, seconds, records / seconds, bytes / 1e6 / seconds);
            generateOnly(genesys.dataset(), interval);
        }
    }

    /** The same job's records generated in-process without HTTP: the server's own cost. */
    private static void generateOnly(GenesysDataset dataset, String interval) {
        DetailsRequest q = DetailsRequest.conversations(
                GenesysHttpTestClient.MAPPER.createObjectNode().put("interval", interval), true);
        long started = System.nanoTime();
        GenesysDataset.ConversationScan scan = dataset.conversationScan(q, true, null);
        long records = 0;
        long bytes = 0;
        for (byte[] b = scan.next(); b != null; b = scan.next()) {
            records++;
            bytes += b.length;
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("In-process: %d records, %.1f MB in %.2f s: %.0f records/s, %.1f MB/s%n", records,
                bytes / 1e6, seconds, records / seconds, bytes / 1e6 / seconds);
    }

    private record Page(long bytes, long records, String cursor) {
    }

    /**
     * Reads a page as bytes: counts records by the text every record (and nothing else) starts with, since the
     * server writes conversationEnd first, and takes the cursor from the tail of the document.
     */
    private static Page read(InputStream in) throws IOException {
        byte[] buf = new byte[256 * 1024];
        byte[] tail = new byte[512];
        int tailLen = 0;
        long total = 0;
        long records = 0;
        int matched = 0; // '{' occurs only first in the marker, so a mismatch restarts the match at that byte
        try (in) {
            for (int n; (n = in.read(buf)) > 0; ) {
                total += n;
                for (int i = 0; i < n; i++) {
                    byte b = buf[i];
                    if (b == RECORD[matched]) {
                        if (++matched == RECORD.length) {
                            records++;
                            matched = 0;
                        }
                    } else {
                        matched = b == '{' ? 1 : 0;
                    }
                }
                // keep the last bytes: the cursor sits near the end of the document
                if (n >= tail.length) {
                    System.arraycopy(buf, n - tail.length, tail, 0, tail.length);
                    tailLen = tail.length;
                } else {
                    int keep = Math.min(tailLen, tail.length - n);
                    System.arraycopy(tail, tailLen - keep, tail, 0, keep);
                    System.arraycopy(buf, 0, tail, keep, n);
                    tailLen = keep + n;
                }
            }
        }
        return new Page(total, records, cursor(tail, tailLen));
    }

    private static String cursor(byte[] tail, int len) {
        outer:
        for (int i = len - CURSOR.length; i >= 0; i--) {
            for (int k = 0; k < CURSOR.length; k++) {
                if (tail[i + k] != CURSOR[k]) {
                    continue outer;
                }
            }
            int start = i + CURSOR.length;
            int end = start;
            while (end < len && tail[end] != '"') {
                end++;
            }
            return new String(tail, start, end - start, StandardCharsets.US_ASCII);
        }
        return null;
    }
}
