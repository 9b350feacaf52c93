package genesyslake.management;

import genesyslake.testsupport.UnitTest;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures each flow's next run comes from the schedule routes themselves: a timer's next tick (its start + delay, then
 * its last tick + period), a cron schedule's next fire time from Quartz in UTC, a flow later in a schedule's chain
 * marked as following its flows, the branch a settings choice does not take never scheduled, a stopped schedule and an
 * unscheduled flow said as such; that the cron trigger the schedule function makes fires at 02:00 UTC asked at fixed
 * instants (a test clock) whatever the JVM's zone; and that the page shows them.
 */
@UnitTest
class FlowSchedulesTest {

    private final CamelContext context = new DefaultCamelContext();
    private final FlowSchedules schedules = new FlowSchedules(Clock.systemUTC());

    @AfterEach
    void stop() {
        context.stop();
    }

    private void start(long delay) throws Exception {
        context.addRoutePolicyFactory(schedules);
        // The shipped schedule function makes the cron trigger, as the daemon does: usage.schedule in UTC.
        context.getPropertiesComponent().addPropertiesFunction(new genesyslake.config.ScheduleFunction(context));
        context.getPropertiesComponent().addInitialProperty("usage.schedule", "0 0 2 * * ?");
        context.getPropertiesComponent().addInitialProperty("usage.period", "24h");
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("timer:hourly?period=3600000&delay=" + delay).routeId("hourly-schedule")
                        .to("direct:hourly").to("direct:catalog-when-free");
                // As the usage schedule: through a route with a choice on a setting, 02:00 UTC every day.
                from("{{schedule:daily:usage:1000}}").routeId("daily-schedule")
                        .to("direct:usage-api").to("direct:catalog-when-free").to("direct:report");
                from("direct:usage-api").routeId("usage-api").choice()
                        .when(simple("'query' == 'aggregates'")).to("direct:aggregates")
                        .otherwise().to("direct:usage").end();
                from("direct:catalog-when-free").routeId("catalog-when-free").to("direct:catalog");
                from("timer:off?period=60000").routeId("off-schedule").autoStartup(false).to("direct:rare");
                from("direct:hourly").routeId("hourly").routeGroup("export").log("hourly");
                from("direct:usage").routeId("usage").routeGroup("export").log("usage");
                from("direct:aggregates").routeId("aggregates").routeGroup("export").log("aggregates");
                from("direct:rare").routeId("rare").routeGroup("export").log("rare");
                from("direct:manual").routeId("manual").routeGroup("export").log("manual");
                from("direct:catalog").routeId("catalog").routeGroup("catalog").log("catalog");
                from("direct:report").routeId("report").routeGroup("report").log("report");
            }
        });
        context.start();
    }

    private Map<String, FlowSchedules.Next> next() {
        return schedules.next(context, List.of("hourly", "usage", "aggregates", "rare", "manual", "catalog", "report"));
    }

    @Test
    void aTimersNextRunIsItsStartPlusDelayThenItsLastTickPlusPeriod() throws Exception {
        Instant before = Instant.now();
        start(3_600_000);
        Instant after = Instant.now();
        FlowSchedules.Next hourly = next().get("hourly");
        assertEquals("hourly-schedule", hourly.schedule());
        assertEquals("every 1h", hourly.rule());
        assertTrue(hourly.first());
        assertFalse(hourly.at().isBefore(before.plusSeconds(3600).minusSeconds(1)), hourly.toString());
        assertFalse(hourly.at().isAfter(after.plusSeconds(3600)), hourly.toString());
        context.stop();
    }

    @Test
    void aTickMovesTheTimersNextRunToThatTickPlusItsPeriod() throws Exception {
        start(0);
        long deadline = System.currentTimeMillis() + 10_000;
        Instant at = null;
        while (System.currentTimeMillis() < deadline) {
            at = next().get("hourly").at();
            if (at.isAfter(Instant.now().plusSeconds(3000))) {
                break;
            }
            Thread.sleep(20);
        }
        assertTrue(at.isAfter(Instant.now().plusSeconds(3000)), "after the first tick (delay 0) the next is an hour on: " + at);
    }

    @Test
    void aCronsNextRunIsQuartzsNextFireTimeInUtcAndTheChainAndChoicesAreFollowed() throws Exception {
        start(3_600_000);
        Map<String, FlowSchedules.Next> next = next();
        FlowSchedules.Next usage = next.get("usage");
        Instant now = Instant.now();
        Instant today2 = LocalDate.now(ZoneOffset.UTC).atTime(2, 0).toInstant(ZoneOffset.UTC);
        assertEquals(now.isBefore(today2) ? today2 : today2.plusSeconds(86_400), usage.at(), "02:00 UTC next: " + usage);
        assertEquals("daily-schedule", usage.schedule());
        assertEquals("cron 0 0 2 * * ? UTC", usage.rule());
        assertTrue(usage.first());
        FlowSchedules.Next report = next.get("report");
        assertEquals(usage.at(), report.at());
        assertFalse(report.first(), "the report follows the usage flow and the catalog in that schedule");
        FlowSchedules.Next catalog = next.get("catalog");
        assertEquals(next.get("hourly").at().isBefore(usage.at()) ? "hourly-schedule" : "daily-schedule",
                catalog.schedule(), "the catalog runs after both schedules: the earlier one is its next run");
        assertNull(next.get("aggregates").at(), "the branch usage.api does not take: " + next.get("aggregates"));
        assertNull(next.get("aggregates").schedule());
        assertNull(next.get("rare").at());
        assertTrue(next.get("rare").why().contains("stopped"), next.get("rare").toString());
        assertTrue(next.get("manual").why().contains("when triggered"), next.get("manual").toString());

        StatusPage page = new StatusPage(() -> List.of("usage", "manual"), new FlowHistory(5, Clock.systemUTC()),
                new genesyslake.lake.Watermarks(java.nio.file.Files.createTempDirectory("fs"), Clock.systemUTC()),
                from -> List.of(), java.nio.file.Path.of("no-reports"), "x", 2, 5, Clock.systemUTC())
                .withSchedules(names -> schedules.next(context, names));
        String html = StatusHtml.render(page.build());
        assertTrue(html.contains("<td class=\"next\" data-at=\"" + usage.at() + "\" data-schedule=\"daily-schedule\""), html);
        assertTrue(html.contains("cron 0 0 2 * * ? UTC (daily-schedule)"), html);
    }

    @Test
    void theCronTriggerTheScheduleFunctionMakesFiresAt0200UtcWhateverTheMachinesZoneOnATestClock() throws Exception {
        java.util.TimeZone zone = java.util.TimeZone.getDefault();
        java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone("America/New_York"));
        try {
            start(3_600_000);
            org.apache.camel.component.quartz.QuartzEndpoint quartz =
                    (org.apache.camel.component.quartz.QuartzEndpoint) context.getRoute("daily-schedule").getEndpoint();
            org.quartz.Trigger trigger = ((org.apache.camel.component.quartz.QuartzComponent) quartz.getComponent())
                    .getScheduler().getTrigger(quartz.getTriggerKey());
            // The trigger asked about fixed instants (a test clock), not the wall clock.
            assertEquals(Instant.parse("2027-01-10T02:00:00Z"),
                    trigger.getFireTimeAfter(java.util.Date.from(Instant.parse("2027-01-10T01:59:59Z"))).toInstant());
            assertEquals(Instant.parse("2027-01-11T02:00:00Z"),
                    trigger.getFireTimeAfter(java.util.Date.from(Instant.parse("2027-01-10T02:00:00Z"))).toInstant());
            // Across New York's DST change (2027-03-14) the UTC time stays 02:00.
            assertEquals(Instant.parse("2027-03-15T02:00:00Z"),
                    trigger.getFireTimeAfter(java.util.Date.from(Instant.parse("2027-03-14T12:00:00Z"))).toInstant());
        } finally {
            java.util.TimeZone.setDefault(zone);
        }
    }
}
