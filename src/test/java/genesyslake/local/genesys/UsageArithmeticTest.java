package genesyslake.local.genesys;

import com.fasterxml.jackson.databind.node.ObjectNode;
import genesyslake.testsupport.UnitTest;
import org.junit.jupiter.api.Test;

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

    @Test
    void statusCountsAddUpToRequestsAnd429IsPartOf400() {
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
                List<ObjectNode> result = dataset.usageRecords(query);
                assertTrue(!result.isEmpty(), query);
                for (ObjectNode r : result) {
                    long s200 = r.path("status200").asLong(-1);
                    long s300 = r.path("status300").asLong(-1);
                    long s400 = r.path("status400").asLong(-1);
                    long s500 = r.path("status500").asLong(-1);
                    long s429 = r.path("status429").asLong(-1);
                    long requests = r.path("requests").asLong(-1);
                    if (s200 < 0 || s300 < 0 || s400 < 0 || s500 < 0 || s429 < 0 || requests <= 0) {
                        fail("missing or negative count in " + r + " for " + query);
                    }
                    assertEquals(requests, s200 + s300 + s400 + s500, () -> "200+300+400+500 = requests: " + r);
                    assertTrue(s429 <= s400, () -> "429 within 400: " + r);
                    rows++;
                    rowsWith429 += s429 > 0 ? 1 : 0;
                    rowsWithOther4xx += s400 > s429 ? 1 : 0;
                    rowsWith500 += s500 > 0 ? 1 : 0;
                    rowsWith300 += s300 > 0 ? 1 : 0;
                }
            }
        }
        assertTrue(rows > 50_000, "rows checked: " + rows);
        // The invariant is not met vacuously: every kind of status occurs.
        assertTrue(rowsWith429 > 1000 && rowsWithOther4xx > 1000 && rowsWith500 > 1000 && rowsWith300 > 100,
                "429 " + rowsWith429 + ", other 4xx " + rowsWithOther4xx + ", 5xx " + rowsWith500 + ", 3xx "
                        + rowsWith300);
    }
}
