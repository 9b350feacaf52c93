package genesyslake.lake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import genesyslake.testsupport.UnitTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Ensures field stamping and top-level lookups work on raw bytes, including slices of a larger buffer. */
@UnitTest
class RawRecordsTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static String stamp(String record, String name, String value) throws IOException {
        byte[] framed = ("XX" + record + "YY").getBytes(StandardCharsets.UTF_8);
        int len = record.getBytes(StandardCharsets.UTF_8).length;
        return new String(RawRecords.stampField(framed, 2, len, name, value), StandardCharsets.UTF_8);
    }

    @Test
    void stampsBeforeTheFinalBraceKeepingTheRestByteIdentical() throws IOException {
        assertEquals("{\"a\":1,\"b\":{\"c\":\"}\"},\"granularity\":\"Day\"}",
                stamp("{\"a\":1,\"b\":{\"c\":\"}\"}}", "granularity", "Day"));
        assertEquals("{\"granularity\":\"Month\"}", stamp("{}", "granularity", "Month"));
        assertEquals("{ \n\"granularity\":\"Month\"}", stamp("{ \n}", "granularity", "Month"));
        assertEquals("{\"a\":1 ,\"g\":\"x\"}\n", stamp("{\"a\":1 }\n", "g", "x"));
    }

    @Test
    void stampedNameAndValueAreEscaped() throws IOException {
        String out = stamp("{\"a\":\"é\"}", "we\"ird", "quote\" back\\ nl\n é €");
        JsonNode node = MAPPER.readTree(out);
        assertEquals("quote\" back\\ nl\n é €", node.get("we\"ird").asText());
        assertEquals("é", node.get("a").asText());
    }

    @Test
    void stampingANonObjectFails() {
        assertThrows(IOException.class, () -> stamp("[1,2]", "g", "x"));
        assertThrows(IOException.class, () -> stamp("   ", "g", "x"));
        assertThrows(IOException.class, () -> stamp("}", "g", "x"));
    }

    @Test
    void topLevelStringIgnoresNestedFieldsOfTheSameName() throws IOException {
        String rec = "{\"participants\":[{\"conversationStart\":\"nested\"}],\"x\":{\"conversationStart\":\"deep\"},"
                + "\"conversationStart\":\"2026-11-20T23:59:59.999Z\",\"n\":5}";
        byte[] framed = ("[" + rec + "]").getBytes(StandardCharsets.UTF_8);
        assertEquals("2026-11-20T23:59:59.999Z",
                RawRecords.topLevelString(framed, 1, framed.length - 2, "conversationStart"));
        assertNull(RawRecords.topLevelString(framed, 1, framed.length - 2, "n"));
        assertNull(RawRecords.topLevelString(framed, 1, framed.length - 2, "absent"));
        assertNull(RawRecords.topLevelString(framed, 0, framed.length, "conversationStart"));
    }

    @Test
    void utcDateConvertsOffsetsToUtc() {
        assertEquals("2026-11-20", RawRecords.utcDate("2026-11-20T23:59:59.999Z"));
        assertEquals("2026-11-21", RawRecords.utcDate("2026-11-20T23:30:00-01:00"));
        assertEquals("2026-11-19", RawRecords.utcDate("2026-11-20T00:30:00+01:00"));
    }

    @org.junit.jupiter.api.Test
    void epochMillisReadsGenesysTimestampsLikeInstantParse() {
        for (String t : java.util.List.of("2026-11-20T00:00:00Z", "2026-11-20T23:59:59.999Z", "2021-04-26T15:55:52.163Z",
                "1999-12-31T23:59:59.5Z", "2026-11-20T10:15:30+02:00")) {
            org.junit.jupiter.api.Assertions.assertEquals(java.time.OffsetDateTime.parse(t).toInstant().toEpochMilli(),
                    RawRecords.epochMillis(t), t);
        }
    }
}
