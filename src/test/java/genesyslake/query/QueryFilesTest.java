package genesyslake.query;

import com.fasterxml.jackson.databind.ObjectMapper;
import genesyslake.testsupport.UnitTest;
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

/**
 * Ensures query files are accepted as users write them and rejected with the file, the field and where it is named,
 * never a value the file holds (failure messages reach health and the status page); and that only files inside the
 * query folder are read.
 */
@UnitTest
class QueryFilesTest {

    @TempDir
    Path dir;

    private QueryFiles folder() {
        return new QueryFiles(dir);
    }

    private Path write(String name, String json) throws IOException {
        return Files.writeString(dir.resolve(name), json);
    }

    private static QueryFileException assertRejected(Runnable load, String... mustMention) {
        var e = assertThrows(QueryFileException.class, load::run);
        for (String m : mustMention) {
            assertTrue(e.getMessage().contains(m), "'" + e.getMessage() + "' should mention " + m);
        }
        assertTrue(e.getCause() == null, "no cause: a parser's exception would quote the file");
        return e;
    }

    private static void assertNotShown(QueryFileException e, String... fromTheFile) {
        for (String v : fromTheFile) {
            assertFalse(e.getMessage().contains(v), "'" + e.getMessage() + "' shows " + v + " from the file");
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
    void usageQueryValuesAreCheckedFieldByFieldNamingWhatIsAllowedNeverWhatTheFileHolds() throws IOException {
        Clock clock = Clock.systemUTC();
        QueryFiles q = folder();
        Path badGranularity = write("g.json", "{\"interval\":\"last full month\",\"granularity\":\"Hour\"}");
        assertNotShown(assertRejected(() -> q.usage(badGranularity, clock), "g.json", "field 'granularity' (line 1, column 31)",
                "must be one of [Day, Month, Week]"), "Hour");
        Path badMetric = write("m.json", "{\"interval\":\"last full month\",\n \"metrics\":[\"Status200\", \"Status418\"]}");
        assertNotShown(assertRejected(() -> q.usage(badMetric, clock), "m.json", "field 'metrics[1]' (line 2, column 26)",
                "Status429"), "Status418");
        Path badGroup = write("b.json", "{\"interval\":\"last full month\",\"groupBy\":[\"Queue\"]}");
        assertNotShown(assertRejected(() -> q.usage(badGroup, clock), "field 'groupBy[0]'", "OAuthClientId"), "Queue");
        Path badInterval = write("i.json", "{\"interval\":\"2021-01-99/2021-02-01\"}");
        assertNotShown(assertRejected(() -> q.usage(badInterval, clock), "i.json", "field 'interval' (line 1, column 2)",
                "is not an interval"), "2021-01-99");
        Path unknown = write("x.json", "{\"interval\":\"last full month\",\n  \"ghp_5eCr3t\": 1}");
        assertNotShown(assertRejected(() -> q.usage(unknown, clock), "x.json, line 2, column 3: a field that is not one of"),
                "ghp_5eCr3t");
        Path yearZero = write("y0.json", "{\"interval\":\"0000-01/0000-02\"}");
        assertNotShown(assertRejected(() -> q.usage(yearZero, clock), "y0.json", "field 'interval'"), "0000-01");
        Path notJson = write("n.json", "{\"interval\": ");
        assertRejected(() -> q.usage(notJson, clock), "n.json: is not valid JSON at line 1, column 14 (the file ends before");
        assertRejected(() -> q.usage(dir.resolve("missing.json"), clock), "missing.json", "not found");
    }

    @Test
    void aFileThatIsNotJsonIsNamedWithLineColumnAndWhatWasExpectedNeverItsText() throws IOException {
        Clock clock = Clock.systemUTC();
        QueryFiles q = folder();
        String[][] cases = {
                {"{\n  \"interval\": hunter2secret\n}", "line 2, column 29 (expected a value"},
                {"{\"interval\" \"x\"}", "line 1, column 13 (expected a colon after the field name)"},
                {"{\"interval\":\"a\" \"granularity\":\"Day\"}", "(expected a comma or } after a field)"},
                {"{'interval':1}", "(expected a field name in double quotes)"},
                {"{\"interval\":\"last full month\"} trailing", "(expected a value"},
                {"{\"interval\":\"last full month\"} {}", "(expected nothing after the JSON object)"},
                {"{\"groupBy\":[\"a\"}", "(a closing bracket does not match the one it closes)"},
                {"{\"interval\":\"x\ny\"}", "(a control character"},
                {"{\"interval\":-x}", "(an invalid number)"},
                {"[\"secretvalue\"]", "must hold a JSON object like"}};
        for (int i = 0; i < cases.length; i++) {
            Path f = write("bad" + i + ".json", cases[i][0]);
            QueryFileException e = assertRejected(() -> q.usage(f, clock), "bad" + i + ".json: ", cases[i][1]);
            assertNotShown(e, "hunter2", "trailing", "secretvalue");
        }
        Path huge = Files.write(dir.resolve("huge.json"), new byte[QueryFiles.MAX_BYTES + 1]);
        assertRejected(() -> q.usage(huge, clock), "huge.json: is larger than 1 MiB");
        Path folderNotFile = Files.createDirectories(dir.resolve("d.json"));
        assertRejected(() -> q.usage(folderNotFile, clock), "d.json: is not a regular file");
    }

    @Test
    void onlyFilesInsideTheQueryFolderAreReadLinksAndDotDotResolved(@TempDir Path elsewhere) throws IOException {
        Clock clock = Clock.systemUTC();
        Path root = Files.createDirectories(dir.resolve("queries"));
        QueryFiles q = new QueryFiles(root);
        Path outside = Files.writeString(elsewhere.resolve("u.json"), "{\"interval\":\"last full month\"}");
        String refusal = "outside the query folder " + root.toRealPath() + " (lake.queries-dir), so not read";
        assertRejected(() -> q.usage(outside, clock), "Query file " + outside + ": " + refusal);
        Path link = Files.createSymbolicLink(root.resolve("link.json"), outside);
        assertRejected(() -> q.usage(link, clock), refusal);
        Path dotDot = root.resolve("../x.json");
        Files.writeString(dir.resolve("x.json"), "{\"interval\":\"last full month\"}");
        assertRejected(() -> q.usage(dotDot, clock), refusal);
        assertRejected(() -> q.usage(elsewhere.resolve("missing.json"), clock), refusal);
        Path inside = Files.copy(outside, root.resolve("u.json"));
        assertEquals("Month", q.usage(inside, clock).granularity());
        Path innerLink = Files.createSymbolicLink(Files.createDirectories(root.resolve("sub")).resolve("l.json"), inside);
        assertEquals("Month", q.usage(innerLink, clock).granularity(), "a link that stays inside is fine");
        assertRejected(() -> new QueryFiles(dir.resolve("nope")).usage(inside, clock),
                "the query folder " + dir.resolve("nope") + " (lake.queries-dir) does not exist");
    }

    @Test
    void usageObjectKeysAreDeterministicAndPartitioned() throws IOException {
        Clock clock = Clock.systemUTC();
        Path f = write("u.json", "{\"interval\":\"2026-10-01/2026-11-01\",\"granularity\":\"day\",\"groupBy\":[\"oauthclientid\"]}");
        UsageQuery q = folder().usage(f, clock);
        assertEquals("Day", q.granularity());
        assertEquals(q.objectKey(q.resolve(clock)), folder().usage(f, clock).objectKey(q.resolve(clock)));
        assertTrue(q.objectKey(q.resolve(clock)).startsWith("granularity=day/usage_20261001T0000Z_20261101T0000Z_"));
        var body = new ObjectMapper().readTree(q.body(q.resolve(clock)));
        assertEquals("OAuthClientId", body.get("groupBy").get(0).asText());
    }

    @Test
    void detailsQueriesAreCheckedAgainstTheirKind() throws IOException {
        Path op = write("op.json", """
                {"segmentFilters":[{"type":"and","predicates":[{"type":"dimension","dimension":"direction","operator":"like","value":"in"}]}]}""");
        QueryFiles q = folder();
        assertNotShown(assertRejected(() -> q.details(op, DetailsQuery.Kind.CONVERSATIONS), "op.json",
                "field 'segmentFilters[0].predicates[0].operator' (line 1, column 92)", "[exists, matches, notExists]"),
                "like");
        Path users = write("users.json", "{\"presenceFilters\":[]}");
        assertRejected(() -> q.details(users, DetailsQuery.Kind.CONVERSATIONS), "presenceFilters", "users");
        Path aggregate = write("agg.json", "{\"interval\":\"2021-04-26/2021-04-27\",\"groupBy\":[\"queueId\"],\"metrics\":[\"tHandle\"]}");
        assertNotShown(assertRejected(() -> q.details(aggregate, DetailsQuery.Kind.CONVERSATIONS), "agg.json", "groupBy"),
                "queueId", "tHandle");
        Path interval = write("int.json", "{\"interval\":\"yesterday-ish\"}");
        assertNotShown(assertRejected(() -> q.details(interval, DetailsQuery.Kind.USERS), "int.json", "field 'interval'"),
                "yesterday-ish");
        Path filter = write("f.json", "{\"userFilters\":[{\"type\":\"xor\",\"predicates\":[]}],\"order\":\"sideways\"}");
        assertNotShown(assertRejected(() -> q.details(filter, DetailsQuery.Kind.USERS), "field 'order'",
                "must be asc, desc or unordered"), "sideways");
        Path unknown = write("u.json", "{\"555-0100\":{}}");
        assertNotShown(assertRejected(() -> q.details(unknown, DetailsQuery.Kind.USERS), "u.json, line 1, column 2: "
                + "a field that is not one of a users detail query"), "555-0100");
        Path year10000 = write("y10k.json", "{\"interval\":\"9999-12-31T00:00:00Z/+10000-01-01T00:00:00Z\"}");
        assertNotShown(assertRejected(() -> q.details(year10000, DetailsQuery.Kind.CONVERSATIONS), "y10k.json",
                "field 'interval'"), "+10000");
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
