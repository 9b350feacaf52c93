package genesyslake.catalog;

import java.time.Duration;

/** How a crawler run ended: crawler name, Glue's LastCrawl status and message, and how long the refresh took. */
public record CrawlOutcome(String crawler, String status, Duration duration, String message) {

    @Override
    public String toString() {
        return "crawler " + crawler + " " + status + " in " + duration.toMillis() + " ms"
                + (message == null || message.isBlank() ? "" : ": " + message);
    }
}
