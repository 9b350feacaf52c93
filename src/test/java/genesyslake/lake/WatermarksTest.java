package genesyslake.lake;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ensures a watermark in the future is reported once, naming its state file, and ignored; one near now is kept. */
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

    @Test
    void advanceNeverWritesAWatermarkPastNow() {
        watermarks.advance("usage-export", Instant.parse("2026-12-01T00:00:00Z")); // a month that has not ended
        assertEquals(Optional.of(NOW), watermarks.watermark("usage-export"));
        assertEquals(List.of(), warnings());
    }
}
