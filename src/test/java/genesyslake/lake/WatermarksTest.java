package genesyslake.lake;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import genesyslake.testsupport.UnitTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures a watermark in the future is reported once, naming its state file, and ignored; one near now is kept; and an
 * empty or corrupt state file is refused in one line naming it and what to do, never quoting it, never overwritten.
 */
@UnitTest
class WatermarksTest {

    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    private final Logger logger = (Logger) LoggerFactory.getLogger(Watermarks.class);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    @TempDir
    Path state;

    private Watermarks watermarks;

    @BeforeEach
    void setUp() {
        appender.start();
        logger.addAppender(appender);
        watermarks = new Watermarks(state, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterEach
    void tearDown() {
        logger.detachAppender(appender);
    }

    private List<String> warnings() {
        return appender.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
    }

    private void stateFile(String flow, Instant watermark) throws Exception {
        Files.writeString(state.resolve(flow + ".json"), "{\"watermark\":\"" + watermark + "\"}");
    }

    @Test
    void aWatermarkInTheFutureIsReportedOnceAndTreatedAsAbsent() throws Exception {
        Instant future = NOW.plus(Duration.ofDays(30));
        stateFile("conversation-details", future);

        assertEquals(Optional.empty(), watermarks.watermark("conversation-details"));
        assertEquals(Optional.empty(), watermarks.watermark("conversation-details"));
        List<String> warnings = warnings();
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains(state.resolve("conversation-details.json").toString()), warnings.get(0));
        assertTrue(warnings.get(0).contains(future.toString()), warnings.get(0));

        // The next complete run replaces it, although it is "before" the bogus value.
        Instant yesterday = Instant.parse("2026-11-27T00:00:00Z");
        watermarks.advance("conversation-details", yesterday);
        assertEquals(Optional.of(yesterday), watermarks.watermark("conversation-details"));
        assertEquals(1, warnings().size());
    }

    @Test
    void aWatermarkWithinTheClockSkewIsTrusted() throws Exception {
        Instant soon = NOW.plus(Duration.ofMinutes(2));
        stateFile("usage-export", soon);
        assertEquals(Optional.of(soon), watermarks.watermark("usage-export"));
        assertEquals(List.of(), warnings());
    }

    /** The one-line refusal of a state file with this content, for the flow (state key) named. */
    private String refusalOf(String key, String content) throws Exception {
        Files.writeString(state.resolve(key + ".json"), content);
        Watermarks.StateFileException e = org.junit.jupiter.api.Assertions.assertThrows(Watermarks.StateFileException.class,
                () -> watermarks.watermark(key));
        String why = e.getMessage();
        assertTrue(why.startsWith("State file " + state.resolve(key + ".json") + " "), why);
        assertFalse(why.contains("ClassCast") || why.contains("MissingNode") || why.contains("jackson"), why);
        assertFalse(why.contains("\n"), "one line: " + why);
        assertTrue(why.contains("restore it from a backup, or delete it"), why);
        return why;
    }

    @Test
    void anEmptyStateFileIsRefusedNamingItAndWhatToDoWithoutAClassCastException() throws Exception {
        String why = refusalOf("conversation-details", "");
        assertTrue(why.contains(" is unreadable (it is empty; was the disk full"), why);
        assertTrue(why.contains("flow conversation-details then starts over as on its first run (the details flows from "
                + "details.initial-lookback-days back), and a job it had in flight is submitted again"), why);
        assertTrue(refusalOf("usage-export", "  \n").contains("(it is empty;"), "blank is empty too");
    }

    @Test
    void aStateFileThatIsNotJsonIsRefusedSayingWhereNeverQuotingIt() throws Exception {
        String why = refusalOf("user-details", "{\"watermark\": secret-token-1234");
        assertTrue(why.contains(" is unreadable (it is not valid JSON at line 1, column "), why);
        assertFalse(why.contains("secret-token"), "the file's content is never echoed: " + why);
        assertTrue(refusalOf("user-details", "[1, 2]").contains("(it is not a JSON object;"));
        String time = refusalOf("user-details", "{\"watermark\": \"yesterday-secret\"}");
        assertTrue(time.contains(" is unreadable (its watermark is not a UTC time"), time);
        assertFalse(time.contains("yesterday-secret"), time);
    }

    @Test
    void backfillStateFilesSayWhatDeletingThemDoes() throws Exception {
        assertTrue(refusalOf("conversation-details-backfill-2026-11-01_2026-11-08", "")
                .contains("that backfill of conversation-details then starts again from its first chunk"));
        assertTrue(refusalOf("user-details-backfill", "{").contains("a run of user-details with an interval of its own"));
    }

    @Test
    void aCorruptStateFileIsNeverOverwritten() throws Exception {
        Path f = state.resolve("usage-export.json");
        Files.writeString(f, "");
        org.junit.jupiter.api.Assertions.assertThrows(Watermarks.StateFileException.class,
                () -> watermarks.advance("usage-export", NOW.minus(Duration.ofDays(1))));
        org.junit.jupiter.api.Assertions.assertThrows(Watermarks.StateFileException.class,
                () -> watermarks.saveInFlight("usage-export", RunState.details("r", "2026-11-01T00:00:00Z/2026-11-02T00:00:00Z", "/tmp/r", "2026-11-01", null, null, 0, false, 0, 0, null, null, null)));
        assertEquals("", Files.readString(f), "kept as it was, for a restore");
    }

    @Test
    void advanceNeverWritesAWatermarkPastNow() {
        watermarks.advance("usage-export", Instant.parse("2026-12-01T00:00:00Z")); // a month that has not ended
        assertEquals(Optional.of(NOW), watermarks.watermark("usage-export"));
        assertEquals(List.of(), warnings());
    }
}
