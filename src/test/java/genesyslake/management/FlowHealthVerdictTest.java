package genesyslake.management;

import genesyslake.lake.Watermarks;
import genesyslake.testsupport.UnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ensures the rules of a flow's health: a failed last run, then a lagging watermark, make it DOWN; nothing run is UP. */
@UnitTest
class FlowHealthVerdictTest {

    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    private static final Duration DAY2 = Duration.ofHours(48);

    private static FlowHistory.LastRun run(String failure) {
        return new FlowHistory.LastRun("f", NOW.minusSeconds(60), failure);
    }

    @Test
    void neverRunAndNoWatermarkIsUpWithNoRunYet() {
        var v = FlowHealth.verdict("f", Optional.empty(), Optional.empty(), DAY2, "k", NOW);
        assertTrue(v.up());
        assertEquals("f: no run yet", v.message());
    }

    @Test
    void aFailedLastRunIsDownWithTimeAndReasonOnOneLineEvenWithAFreshWatermark() {
        var v = FlowHealth.verdict("f", Optional.of(run("bad file\n  at line 1")), Optional.of(NOW.minusSeconds(5)), DAY2,
                "k", NOW);
        assertFalse(v.up());
        assertEquals("f: last run failed at 2026-11-28T11:59:00Z: bad file at line 1", v.message());
        assertEquals("bad file\n  at line 1", v.details().get("last.run.failure"));
        assertEquals("failed", v.details().get("last.run.outcome"));
    }

    @Test
    void aGoodRunIsUpUnlessTheWatermarkLagsBeyondTheMaximumNamingTheSetting() {
        assertTrue(FlowHealth.verdict("f", Optional.of(run(null)), Optional.of(NOW.minus(DAY2)), DAY2, "k", NOW).up(),
                "exactly the maximum is still UP");
        var v = FlowHealth.verdict("f", Optional.of(run(null)), Optional.of(NOW.minus(DAY2).minusSeconds(1)), DAY2,
                "lake.health.max-lag.f", NOW);
        assertFalse(v.up());
        assertEquals("f: watermark 2026-11-26T11:59:59Z is 48h1s old, more than lake.health.max-lag.f (48h): data after "
                + "it has not been exported", v.message());
        assertEquals("PT48H1S", v.details().get("watermark.lag"));
    }

    @Test
    void aPerFlowSettingWinsOverTheDefaultAndABadOneIsDownNamingIt(@TempDir Path state) throws Exception {
        Files.writeString(state.resolve("f.json"), "{\"watermark\":\"" + NOW.minus(Duration.ofHours(3)) + "\"}");
        Files.writeString(state.resolve("g.json"), "{\"watermark\":\"" + NOW.minus(Duration.ofHours(3)) + "\"}");
        Watermarks watermarks = new Watermarks(state, Clock.fixed(NOW, ZoneOffset.UTC));
        Map<String, String> settings = Map.of("lake.health.max-lag", "2h", "lake.health.max-lag.g", "4h",
                "lake.health.max-lag.h", "soon");
        FlowHealth health = new FlowHealth(new FlowHistory(10, Clock.fixed(NOW, ZoneOffset.UTC)), watermarks, k -> Optional.ofNullable(settings.get(k)),
                () -> NOW);
        assertTrue(health.verdict("f").message().contains("more than lake.health.max-lag (2h)"), health.verdict("f").message());
        assertTrue(health.verdict("g").up(), health.verdict("g").message());
        assertFalse(health.verdict("h").up());
        assertEquals("lake.health.max-lag.h is not a duration (such as 48h or 9d): soon", health.verdict("h").message());
    }
}
