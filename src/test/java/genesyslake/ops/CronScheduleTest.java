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
        // A time 60 s from now, in UTC: well after start-up and the timer's first tick (5 s after start) would be.
        ZonedDateTime at = ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(60).withNano(0);
        String cron = at.getSecond() + " " + at.getMinute() + " " + at.getHour() + " * * ?";
        daemon = LocalDaemon.start(Map.of("conversations.schedule", cron, "conversations.period", "1h",
                "details.initial-lookback-days", "1", "conversations.trailing-window", "0h",
                "local.genesys.conversations-per-day", "20"));
        String from = daemon.context().getRoute("conversation-details-schedule").getEndpoint().getEndpointUri();
        assertTrue(from.startsWith("quartz:"), "the schedule is a cron trigger: " + from);
        daemon.context().getRouteController().startRoute("conversation-details-schedule");
        long deadline = System.currentTimeMillis() + 90_000;
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
