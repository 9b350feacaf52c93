package genesyslake.query;

import genesyslake.testsupport.UnitTest;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ensures explicit and relative intervals resolve to the UTC ranges Genesys expects. */
@UnitTest
class IntervalTest {

    private final Clock clock = Clock.fixed(Instant.parse("2026-11-23T11:00:00Z"), ZoneOffset.UTC);

    @Test
    void relativeIntervalsResolveAgainstTheClock() {
        assertEquals("2026-10-01T00:00:00.000Z/2026-11-01T00:00:00.000Z", Interval.parse("last full month", clock).toGenesys());
        assertEquals("2026-11-16T00:00:00.000Z/2026-11-23T00:00:00.000Z", Interval.parse("last-full-week", clock).toGenesys());
        assertEquals("2026-11-22T00:00:00.000Z/2026-11-23T00:00:00.000Z", Interval.parse("yesterday", clock).toGenesys());
    }

    @Test
    void blueprintFormsParse() {
        assertEquals("2021-01-01T00:00:00.000Z/2021-02-01T00:00:00.000Z", Interval.parse("2021-01/2021-02", clock).toGenesys());
        assertEquals("2020-01-25T00:00:00.000Z/2020-03-10T00:00:00.000Z", Interval.parse("2020-01-25/2020-03-10", clock).toGenesys());
        Interval i = Interval.parse("2021-04-26T15:55:52.163Z/2021-04-27T00:00:00Z", clock);
        assertEquals(Instant.parse("2021-04-26T15:55:52.163Z"), i.start());
        assertTrue(!i.isWholeDays());
    }

    @Test
    void badIntervalsAreRejectedWithTheText() {
        var e = assertThrows(IllegalArgumentException.class, () -> Interval.parse("2021-13-01/2021-14-01", clock));
        assertTrue(e.getMessage().contains("2021-13-01"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Interval.parse("last fortnight", clock));
        assertThrows(IllegalArgumentException.class, () -> Interval.parse("2021-02-01/2021-01-01", clock));
    }

    @Test
    void yearsBeforeOneAndAfter9999AreRefusedNamingTheInputNeverRunAsAnotherYear() {
        for (String text : new String[] {"0000-01-01/0000-01-02", "0000-12/0001-01", "0000-12-31T00:00:00Z/0001-01-02T00:00:00Z",
                "0001-01-01T00:30:00+01:00/0001-01-02", "9999-12-31/+10000-01-02", "9999-12-01T00:00:00Z/+10000-01-01T00:00:00Z"}) {
            var e = assertThrows(IllegalArgumentException.class, () -> Interval.parse(text, clock), text);
            assertTrue(e.getMessage().contains("'" + text + "'") && e.getMessage().matches(".* is in year (0|10000); .*"),
                    e.getMessage());
        }
        // The first and last days there are: written with four digits, as Genesys and the lake's keys take them.
        assertEquals("0001-01-01T00:00:00.000Z/0001-01-02T00:00:00.000Z", Interval.parse("0001-01-01/0001-01-02", clock).toGenesys());
        assertEquals("99991231T0000Z_99991231T2359Z", Interval.parse("9999-12-31/9999-12-31T23:59:00Z", clock).label());
    }
}
