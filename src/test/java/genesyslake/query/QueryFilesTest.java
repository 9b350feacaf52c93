package genesyslake.query;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ensures query files are accepted as users write them and rejected with the file and field named. */
class QueryFilesTest {

    @TempDir
    Path dir;

    private Path write(String name, String json) throws IOException {
        return Files.writeString(dir.resolve(name), json);
    }

    private static void assertRejected(Runnable load, String... mustMention) {
        var e = assertThrows(QueryFileException.class, load::run);
        for (String m : mustMention) {
            assertTrue(e.getMessage().contains(m), "'" + e.getMessage() + "' should mention " + m);
        }
    }

    @Test
    void shippedQueryFilesAreValid() {
        Clock clock = Clock.systemUTC();
        UsageQuery usage = UsageQuery.load(Path.of("queries/usage-query.json"), clock);
        assertEquals("month", usage.partition());
        DetailsQuery.load(Path.of("queries/conversation-details.json"), DetailsQuery.Kind.CONVERSATIONS);
        DetailsQuery.load(Path.of("queries/user-details.json"), DetailsQuery.Kind.USERS);
        DetailsQuery.load(Path.of("queries/examples/inbound-voice-conversations.json"), DetailsQuery.Kind.CONVERSATIONS);
        DetailsQuery.load(Path.of("queries/examples/available-interacting-users.json"), DetailsQuery.Kind.USERS);
    }

    @Test
    void usageQueryValuesAreCheckedFieldByField() throws IOException {
        Clock clock = Clock.systemUTC();
        Path badGranularity = write("g.json", "{\"interval\":\"last full month\",\"granularity\":\"Hour\"}");
        assertRejected(() -> UsageQuery.load(badGranularity, clock), "g.json", "granularity", "Hour");
        Path badMetric = write("m.json", "{\"interval\":\"last full month\",\"metrics\":[\"Status418\"]}");
        assertRejected(() -> UsageQuery.load(badMetric, clock), "m.json", "metrics", "Status418");
        Path badGroup = write("b.json", "{\"interval\":\"last full month\",\"groupBy\":[\"Queue\"]}");
        assertRejected(() -> UsageQuery.load(badGroup, clock), "groupBy", "Queue");
        Path badInterval = write("i.json", "{\"interval\":\"2021-01-99/2021-02-01\"}");
        assertRejected(() -> UsageQuery.load(badInterval, clock), "i.json", "interval");
        Path yearZero = write("y0.json", "{\"interval\":\"0000-01/0000-02\"}");
        assertRejected(() -> UsageQuery.load(yearZero, clock), "y0.json", "interval", "0000-01 is in year 0");
        Path notJson = write("n.json", "{\"interval\": ");
        assertRejected(() -> UsageQuery.load(notJson, clock), "n.json", "not valid JSON");
        assertRejected(() -> UsageQuery.load(dir.resolve("missing.json"), clock), "missing.json", "not found");
    }

    @Test
    void usageObjectKeysAreDeterministicAndPartitioned() throws IOException {
        Clock clock = Clock.systemUTC();
        Path f = write("u.json", "{\"interval\":\"2026-10-01/2026-11-01\",\"granularity\":\"day\",\"groupBy\":[\"oauthclientid\"]}");
        UsageQuery q = UsageQuery.load(f, clock);
        assertEquals("Day", q.granularity());
        assertEquals(q.objectKey(q.resolve(clock)), UsageQuery.load(f, clock).objectKey(q.resolve(clock)));
        assertTrue(q.objectKey(q.resolve(clock)).startsWith("granularity=day/usage_20261001T0000Z_20261101T0000Z_"));
        var body = new ObjectMapper().readTree(q.body(q.resolve(clock)));
        assertEquals("OAuthClientId", body.get("groupBy").get(0).asText());
    }

    @Test
    void detailsQueriesAreCheckedAgainstTheirKind() throws IOException {
        Path op = write("op.json", """
                {"segmentFilters":[{"type":"and","predicates":[{"type":"dimension","dimension":"direction","operator":"like","value":"in"}]}]}""");
        assertRejected(() -> DetailsQuery.load(op, DetailsQuery.Kind.CONVERSATIONS), "op.json",
                "segmentFilters[0].predicates[0].operator", "like");
        Path users = write("users.json", "{\"presenceFilters\":[]}");
        assertRejected(() -> DetailsQuery.load(users, DetailsQuery.Kind.CONVERSATIONS), "presenceFilters", "users");
        Path aggregate = write("agg.json", "{\"interval\":\"2021-04-26/2021-04-27\",\"groupBy\":[\"queueId\"],\"metrics\":[\"tHandle\"]}");
        assertRejected(() -> DetailsQuery.load(aggregate, DetailsQuery.Kind.CONVERSATIONS), "agg.json", "groupBy");
        Path interval = write("int.json", "{\"interval\":\"yesterday-ish\"}");
        assertRejected(() -> DetailsQuery.load(interval, DetailsQuery.Kind.USERS), "int.json", "interval");
        Path year10000 = write("y10k.json", "{\"interval\":\"9999-12-31T00:00:00Z/+10000-01-01T00:00:00Z\"}");
        assertRejected(() -> DetailsQuery.load(year10000, DetailsQuery.Kind.CONVERSATIONS), "y10k.json", "interval",
                "is in year 10000");
    }

    @Test
    void detailsBodiesKeepTheUsersQueryAndReplaceOnlyIntervalAndPaging() throws IOException {
        DetailsQuery q = DetailsQuery.load(Path.of("queries/examples/inbound-voice-conversations.json"), DetailsQuery.Kind.CONVERSATIONS);
        Interval day = Interval.parse("2026-11-20/2026-11-21", Clock.systemUTC());
        var job = new ObjectMapper().readTree(q.jobBody(day));
        assertEquals("2026-11-20T00:00:00.000Z/2026-11-21T00:00:00.000Z", job.get("interval").asText());
        assertFalse(job.has("paging"));
        assertEquals(q.body().get("segmentFilters"), job.get("segmentFilters"));
        var page = new ObjectMapper().readTree(q.pageBody(day, 100, 3));
        assertEquals(3, page.get("paging").get("pageNumber").asInt());
    }
}
