package genesyslake.lake;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import genesyslake.testsupport.UnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures a dead letter whose meta.json is empty or not JSON (a full disk) does not fail every replay: it is kept, not
 * replayed, and reported once, naming the letter and where its records are.
 */
@UnitTest
class DeadLettersTest {

    @Test
    void aLetterWithAnUnreadableMetaIsKeptAndReportedOnce(@TempDir Path dir) throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(DeadLetters.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            Path empty = Files.createDirectories(dir.resolve("1700000000000-a"));
            Files.writeString(empty.resolve("object"), "records");
            Files.writeString(empty.resolve("meta.json"), "");
            Path notJson = Files.createDirectories(dir.resolve("1700000000000-b"));
            Files.writeString(notJson.resolve("object"), "records");
            Files.writeString(notJson.resolve("meta.json"), "{\"key\": \"conversations/");
            for (Path letter : List.of(empty, notJson)) {
                Files.setLastModifiedTime(letter, FileTime.from(Instant.now().minusSeconds(3600)));
            }
            // No S3 client: nothing may be asked of S3 for a letter that cannot be replayed.
            DeadLetters letters = new DeadLetters(dir, null, "gc-usage-api-source");

            assertEquals(List.of(), letters.pending());
            assertEquals(List.of(), letters.pending());
            List<String> warnings = appender.list.stream().filter(e -> e.getLevel() == Level.WARN)
                    .map(ILoggingEvent::getFormattedMessage).toList();
            assertEquals(2, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).contains(empty.toString()) && warnings.get(0).contains("no readable meta.json")
                    && warnings.get(0).contains(empty.resolve("object").toString()), warnings.get(0));
            assertTrue(Files.exists(empty.resolve("object")) && Files.exists(notJson.resolve("object")), "kept");
        } finally {
            logger.detachAppender(appender);
        }
    }
}
