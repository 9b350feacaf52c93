package genesyslake.ops;

import genesyslake.testsupport.FlowTest;
import genesyslake.testsupport.LocalDaemon;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures a flow's schedule can be a cron expression in UTC (conversations.schedule beside conversations.period): the
 * flow runs at that time, not at start-up or after the period's first delay.
 */
@FlowTest
class CronScheduleTest {

    private LocalDaemon daemon;

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.closeAndDelete();
        }
    }

    @Test
    void aCronScheduleFiresAtItsTimeInUtc() throws Exception {
        // Every minute at five seconds, in this UTC hour (or the next): the first is 6 s from now, well after start-up
        // (about 1.5 s in this JVM) and after the first tick a timer would give (the period's, were the cron ignored:
        // 100 ms after the route starts here, FIRST_TICK_MS, rather than the route's 5 s, so the second can be nearer).
        // The others 12, 20, 30 and 45 s from now: a start-up slowed past the first by a loaded machine gets the next
        // (or a late firing: Quartz fires a trigger missed by under a minute when the route starts), never none, and
        // waits seconds for it rather than the next minute. None of the five falls between now and the first (their
        // other times are a minute away), so either way the run must not come before the first.
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC).withNano(0);
        ZonedDateTime at = now.plusSeconds(6);
        String seconds = IntStream.of(6, 12, 20, 30, 45).mapToObj(s -> String.valueOf(now.plusSeconds(s).getSecond()))
                .collect(Collectors.joining(","));
        String cron = seconds + " * " + at.getHour() + "," + (at.getHour() + 1) % 24 + " * * ?";
        daemon = LocalDaemon.start(Map.of("conversations.schedule", cron, "conversations.period", "1h",
                "details.initial-lookback-days", "1", "conversations.trailing-window", "0h",
                "local.genesys.conversations-per-day", "20", LocalDaemon.FIRST_TICK_MS, "100"));
        String from = daemon.context().getRoute("conversation-details-schedule").getEndpoint().getEndpointUri();
        assertTrue(from.startsWith("quartz:"), "the schedule is a cron trigger: " + from);
        daemon.context().getRouteController().startRoute("conversation-details-schedule");
        long deadline = Math.max(System.currentTimeMillis(), at.toInstant().toEpochMilli()) + 90_000;
        long ranAt = 0;
        while (System.currentTimeMillis() < deadline) {
            if (daemon.watermarks().watermark("conversation-details").isPresent()) {
                ranAt = System.currentTimeMillis();
                break;
            }
            Thread.sleep(50);
        }
        assertTrue(ranAt > 0, "the cron schedule fired");
        assertFalse(ranAt < at.toInstant().toEpochMilli(), "it did not run before " + at + " (" + cron + ")");
    }
}
