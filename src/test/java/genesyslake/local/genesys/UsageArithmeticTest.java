package genesyslake.local.genesys;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import genesyslake.testsupport.UnitTest;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Usage rows add up as Genesys documents them: status429 is a subset of status400, and
 * status200 + status300 + status400 + status500 = requests, on every row of every granularity and grouping.
 */
@UnitTest
class UsageArithmeticTest {

    private static final String[] GRANULARITIES = {"Day", "Week", "Month", null};
    private static final JsonFactory JSON = new JsonFactory();

    @Test
    void statusCountsAddUpToRequestsAnd429IsPartOf400() throws IOException {
        // 60 clients: several heavy, rate-limited ones; an interval with partial weeks and months at both ends.
        GenesysDataset dataset = new GenesysDataset(LocalGenesysSettings.defaults().withOauthClients(60));
        long rows = 0;
        long rowsWith429 = 0;
        long rowsWithOther4xx = 0;
        long rowsWith500 = 0;
        long rowsWith300 = 0;
        for (String granularity : GRANULARITIES) {
            for (int mask = 0; mask < 1 << Usage.GROUP_BY.size(); mask++) {
                List<String> groupBy = new ArrayList<>();
                for (int i = 0; i < Usage.GROUP_BY.size(); i++) {
                    if ((mask & 1 << i) != 0) {
                        groupBy.add("\"" + Usage.GROUP_BY.get(i) + "\"");
                    }
                }
                String query = "{\"interval\":\"2026-01-27T00:00:00Z/2026-03-04T00:00:00Z\""
                        + (granularity == null ? "" : ",\"granularity\":\"" + granularity + "\"")
                        + ",\"groupBy\":" + groupBy + "}";
                // The result document as served, read as a stream: a tree per row cost more than the rows themselves.
                ByteArrayOutputStream served = new ByteArrayOutputStream();
                dataset.writeUsageResult(query, served);
                long queryRows = 0;
                byte[] document = served.toByteArray();
                try (JsonParser p = JSON.createParser(document)) {
                    assertEquals(JsonToken.START_OBJECT, p.nextToken());
                    assertEquals("results", p.nextFieldName(), query);
                    assertEquals(JsonToken.START_ARRAY, p.nextToken());
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        int from = (int) p.currentTokenLocation().getByteOffset();
                        long[] counts = {-1, -1, -1, -1, -1, -1};
                        for (String field; (field = p.nextFieldName()) != null; ) {
                            p.nextToken();
                            int i = switch (field) {
                                case "status200" -> 0;
                                case "status300" -> 1;
                                case "status400" -> 2;
                                case "status500" -> 3;
                                case "status429" -> 4;
                                case "requests" -> 5;
                                default -> -1;
                            };
                            if (i >= 0) {
                                counts[i] = p.getValueAsLong(-1);
                            }
                        }
                        int to = (int) p.currentLocation().getByteOffset();
                        // The row as served, for a message.
                        Object r = new Object() {
                            @Override
                            public String toString() {
                                return new String(document, from, to - from, StandardCharsets.UTF_8);
                            }
                        };
                        long s200 = counts[0];
                        long s300 = counts[1];
                        long s400 = counts[2];
                        long s500 = counts[3];
                        long s429 = counts[4];
                        long requests = counts[5];
                        if (s200 < 0 || s300 < 0 || s400 < 0 || s500 < 0 || s429 < 0 || requests <= 0) {
                            fail("missing or negative count in " + r + " for " + query);
                        }
                        assertEquals(requests, s200 + s300 + s400 + s500, () -> "200+300+400+500 = requests: " + r);
                        assertTrue(s429 <= s400, () -> "429 within 400: " + r);
                        queryRows++;
                        rowsWith429 += s429 > 0 ? 1 : 0;
                        rowsWithOther4xx += s400 > s429 ? 1 : 0;
                        rowsWith500 += s500 > 0 ? 1 : 0;
                        rowsWith300 += s300 > 0 ? 1 : 0;
                    }
                    assertEquals(JsonToken.END_ARRAY, p.currentToken(), query);
                    assertEquals("queryStatus", p.nextFieldName(), query);
                    assertEquals("Complete", p.nextTextValue(), query);
                }
                assertTrue(queryRows > 0, query);
                rows += queryRows;
            }
        }
        assertTrue(rows > 50_000, "rows checked: " + rows);
        // The invariant is not met vacuously: every kind of status occurs.
        assertTrue(rowsWith429 > 1000 && rowsWithOther4xx > 1000 && rowsWith500 > 1000 && rowsWith300 > 100,
                "429 " + rowsWith429 + ", other 4xx " + rowsWithOther4xx + ", 5xx " + rowsWith500 + ", 3xx "
                        + rowsWith300);
    }
}
