package genesyslake.config;

import genesyslake.testsupport.UnitTest;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ensures {{schedule:...}} yields a timer for a period and a UTC quartz trigger for a cron, and cron settings are checked. */
@UnitTest
class ScheduleFunctionTest {

    @Test
    void aPeriodIsATimerAndACronIsAQuartzTriggerInUtc() {
        assertEquals("timer:usage-export?period=24h&delay=1000", ScheduleFunction.uri("usage-export", null, "24h", "1000"));
        assertEquals("quartz:genesys-lake/usage-export?cron=0+0+2+*+*+%3F&trigger.timeZone=UTC",
                ScheduleFunction.uri("usage-export", "0 0 2 * * ?", null, "1000"));
    }

    @Test
    void aCronSettingIsCheckedAsQuartzCron() {
        assertTrue(SettingChecks.CRON.accepts().test("0 0 2 * * ?"));
        assertFalse(SettingChecks.CRON.accepts().test("0 0 25 * * ?"), "hour 25");
        assertFalse(SettingChecks.CRON.accepts().test("every night"));
    }
}
