package genesyslake.ops;

import genesyslake.testsupport.FlowTest;
import genesyslake.testsupport.LocalDaemon;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Map;

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
        // Every minute at one second, in this UTC hour (or the next): the second is 15 s from now, well after start-up
        // (about 1.5 s in this JVM) and the timer's first tick (5 s after the route starts) would be. Every minute
        // rather than once a day: a start-up slowed past that second by a loaded machine (2 min at load 20 here) gets a
        // late firing (Quartz fires a trigger missed by under a minute when the route starts) or the next minute's,
        // never none. Either way the run must not come before the second's first time.
        ZonedDateTime at = ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(15).withNano(0);
        String cron = at.getSecond() + " * " + at.getHour() + "," + (at.getHour() + 1) % 24 + " * * ?";
        daemon = LocalDaemon.start(Map.of("conversations.schedule", cron, "conversations.period", "1h",
                "details.initial-lookback-days", "1", "conversations.trailing-window", "0h",
                "local.genesys.conversations-per-day", "20"));
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
