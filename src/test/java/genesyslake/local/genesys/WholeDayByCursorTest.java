package genesyslake.local.genesys;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import genesyslake.testsupport.ScaleTest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A whole day of conversations is paged by cursor, each generated as it is served (nothing stored): every conversation
 * starting in the day once, plus the few still running at midnight; prints the records/s served. The default run pages
 * a day of 100 000 (cursor, scan and overlap are the same code at any volume; the million took 30 to 70 s of a core);
 * {@code -Dscale.conversations-per-day=1000000} pages the million-conversation day, which ServeBench also serves and
 * bench/run exports end to end.
 */
@ScaleTest
class WholeDayByCursorTest {

    private static final int PER_DAY = Integer.getInteger("scale.conversations-per-day", 100_000);

    @Test
    void pagesAWholeDayOfConversationsByCursor() throws Exception {
        LocalGenesysSettings s = LocalGenesysSettings.defaults().withConversationsPerDay(PER_DAY).withRunningPolls(0);
        try (LocalGenesys genesys = new LocalGenesys(s).start()) {
            GenesysHttpTestClient client = new GenesysHttpTestClient(genesys);
            String interval = "2026-10-05T00:00:00.000Z/2026-10-06T00:00:00.000Z";
            String jobs = "/api/v2/analytics/conversations/details/jobs";
            String id = client.json("POST", jobs, "{\"interval\":\"" + interval + "\"}").path("jobId").asText();
            client.json("GET", jobs + "/" + id, null);
            HttpClient http = HttpClient.newHttpClient();
            long count = 0;
            long started = System.nanoTime();
            String cursor = null;
            do {
                String url = genesys.baseUrl() + jobs + "/" + id + "/results?pageSize=1000"
                        + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
                HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url))
                        .header("Authorization", "Bearer " + client.token).build(), HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, r.statusCode());
                cursor = null;
                try (JsonParser p = GenesysHttpTestClient.MAPPER.getFactory().createParser(r.body())) {
                    p.nextToken();
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String field = p.currentName();
                        p.nextToken();
                        if (field.equals("conversations")) {
                            while (p.nextToken() == JsonToken.START_OBJECT) {
                                p.skipChildren();
                                count++;
                            }
                        } else if (field.equals("cursor")) {
                            cursor = p.getText();
                        } else {
                            p.skipChildren();
                        }
                    }
                }
            } while (cursor != null);
            double seconds = (System.nanoTime() - started) / 1e9;
            long startInDay = countStartingIn(genesys, interval);
            System.out.printf("local Genesys served %d job records in %.2f s: %.0f records/s%n", count, seconds,
                    count / seconds);
            // Overlap matching: every call starting in the day, plus the few still running at midnight.
            assertEquals(PER_DAY, startInDay);
            assertEquals(true, count > startInDay && count < startInDay * 101 / 100, count + " vs " + startInDay);
        }
    }

    private static long countStartingIn(LocalGenesys g, String interval) throws Exception {
        String q = "{\"interval\":\"" + interval + "\",\"paging\":{\"pageSize\":1}}";
        return new GenesysHttpTestClient(g).json("POST", "/api/v2/analytics/conversations/details/query", q)
                .path("totalHits").asLong();
    }
}
