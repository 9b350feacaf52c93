package genesyslake.local.genesys;

import com.fasterxml.jackson.core.JsonGenerator;
import genesyslake.testsupport.UnitTest;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fast record path (byte writer, cheap end times, job scan) gives what the straightforward way gives. */
@UnitTest
class RecordWritingTest {

    @Test
    void byteWriterMatchesJacksonIncludingEscapes() throws Exception {
        String[] values = {"plain", "", "quote \" and \\ backslash", "tab\tnew\nline\r\u0001\u001f", "Zoë Müller",
            "日本語", "emoji \uD83D\uDE00", "del\u007f", "slash / ok"};
        long[] times = {0L, 1_790_000_000_123L, 1_790_000_000_123L + Det.DAY_MS * 400, 951_782_400_000L - 1};
        double[] doubles = {4.1234, 70.0, 92.5001, 3.6};
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        try (JsonGenerator g = GenesysDataset.JSON.createGenerator(expected)) {
            g.writeStartObject();
            for (int i = 0; i < values.length; i++) {
                g.writeStringField("k" + i, values[i]);
            }
            g.writeArrayFieldStart("times");
            for (long t : times) {
                g.writeString(Det.iso(t));
            }
            g.writeEndArray();
            g.writeArrayFieldStart("numbers");
            for (double d : doubles) {
                g.writeNumber(d);
            }
            g.writeNumber(-12L);
            g.writeNumber(Long.MAX_VALUE);
            g.writeStartObject();
            g.writeEndObject();
            g.writeEndArray();
            g.writeEndObject();
        }
        JsonBytes w = JsonBytes.local();
        w.startObject();
        for (int i = 0; i < values.length; i++) {
            w.stringField(JsonBytes.key("k" + i), values[i]);
        }
        w.field(JsonBytes.key("times"));
        w.startArray();
        for (long t : times) {
            w.iso(t);
        }
        w.endArray();
        w.field(JsonBytes.key("numbers"));
        w.startArray();
        for (double d : doubles) {
            w.number(d);
        }
        w.number(-12L);
        w.number(Long.MAX_VALUE);
        w.startObject();
        w.endObject();
        w.endArray();
        w.endObject();
        assertEquals(expected.toString(java.nio.charset.StandardCharsets.UTF_8),
                new String(w.toByteArray(), java.nio.charset.StandardCharsets.UTF_8));
        assertArrayEquals(expected.toByteArray(), w.toByteArray());
    }

    @Test
    void cheapEndTimeIsTheGeneratedEnd() {
        Conversations conversations = new Conversations(new Org(LocalGenesysSettings.defaults()), 5000);
        for (long day : new long[] {LocalDate.parse("2026-10-04").toEpochDay(), 0}) {
            for (int i = 0; i < 5000; i++) {
                assertEquals(conversations.generate(day, i).end, conversations.endMs(day, i), day + "/" + i);
            }
        }
    }

    @Test
    void jobReturnsExactlyTheConversationsOverlappingItsInterval() {
        int perDay = 3000;
        GenesysDataset dataset = new GenesysDataset(LocalGenesysSettings.defaults().withConversationsPerDay(perDay));
        Conversations conversations = new Conversations(new Org(LocalGenesysSettings.defaults()), perDay);
        long from = LocalDate.parse("2026-10-05").toEpochDay() * Det.DAY_MS + 90 * 60_000; // 01:30, reaches back
        long to = from + 5 * 3_600_000L;
        List<byte[]> expected = new ArrayList<>();
        for (long day = from / Det.DAY_MS - 1; day <= from / Det.DAY_MS; day++) {
            for (int i = 0; i < perDay; i++) {
                Conversations.Conv c = conversations.generate(day, i);
                if (c.start < to && c.end > from) {
                    expected.add(GenesysDataset.conversationBytes(c));
                }
            }
        }
        List<byte[]> got = dataset.conversationsForJob(GenesysHttpTestClient.MAPPER.createObjectNode()
                .put("interval", Det.iso(from) + "/" + Det.iso(to)));
        assertTrue(expected.size() > 100, "enough conversations to compare: " + expected.size());
        assertEquals(expected.size(), got.size());
        for (int i = 0; i < got.size(); i++) {
            assertArrayEquals(expected.get(i), got.get(i), "record " + i);
        }
    }
}
