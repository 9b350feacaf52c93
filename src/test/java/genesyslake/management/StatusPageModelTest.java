package genesyslake.management;

import genesyslake.lake.Watermarks;
import genesyslake.management.StatusPage.Manifest;
import genesyslake.management.StatusPage.Status;
import genesyslake.report.Tables;
import genesyslake.testsupport.UnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures the status page's model sums manifests by flow and UTC day over the window, reads each report's latest.csv,
 * turns the chart report into bars (a client without a name shows its id), reports an unreadable state file instead of
 * failing, and that the HTML escapes everything from data.
 */
@UnitTest
class StatusPageModelTest {

    private static final Instant NOW = Instant.parse("2026-11-28T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @TempDir
    Path dir;

    private StatusPage page(List<Manifest> manifests, int days) {
        return new StatusPage(() -> List.of("usage-export", "conversation-details"), new FlowHistory(10, CLOCK),
                new Watermarks(dir.resolve("state"), CLOCK), from -> manifests.stream()
                .filter(m -> !m.finished().isBefore(from)).toList(), dir.resolve("reports"), "top10", days, 5, CLOCK);
    }

    @Test
    void recordsPerDayAreTheManifestsSummedByFlowAndUtcDayFinishedOverTheWindow() {
        Status s = page(List.of(
                new Manifest("usage-export", Instant.parse("2026-11-28T00:10:00Z"), 5),
                new Manifest("usage-export", Instant.parse("2026-11-28T09:00:00Z"), 7),
                new Manifest("usage-export", Instant.parse("2026-11-26T23:59:59Z"), 3),
                new Manifest("conversation-details", Instant.parse("2026-11-27T12:00:00Z"), 100),
                new Manifest("old-flow", Instant.parse("2026-11-27T12:00:00Z"), 1),
                new Manifest("usage-export", Instant.parse("2026-11-25T23:59:59Z"), 1000)), 3).build();
        assertEquals(List.of(LocalDate.parse("2026-11-26"), LocalDate.parse("2026-11-27"), LocalDate.parse("2026-11-28")),
                s.recordsPerDay().days());
        assertEquals(List.of(3L, 0L, 12L), s.recordsPerDay().records().get("usage-export"), "the day before the window is out");
        assertEquals(List.of(0L, 100L, 0L), s.recordsPerDay().records().get("conversation-details"));
        assertEquals(List.of("usage-export", "conversation-details", "old-flow"),
                List.copyOf(s.recordsPerDay().records().keySet()), "flows in pipeline order, then a removed flow's manifests");
    }

    @Test
    void theChartReportsLatestCsvBecomesBarsInItsOrder() throws Exception {
        Path top10 = Files.createDirectories(dir.resolve("reports").resolve("top10"));
        Files.writeString(top10.resolve("latest.csv"), Tables.csvLine(List.of("clientId", "clientName", "status429"))
                + Tables.csvLine(List.of("id-1", "WFM, Sync", "120")) + Tables.csvLine(List.of("id-2", "", "7")));
        Files.writeString(top10.resolve("20261128T000000.000Z.csv"), "not read\r\n");
        Status s = page(List.of(), 14).build();
        assertEquals(List.of(new StatusPage.Bar("WFM, Sync", 120), new StatusPage.Bar("id-2", 7)), s.rateLimited().bars());
        assertEquals("clientName", s.rateLimited().labelColumn());
        assertEquals(1, s.reports().size());
        assertEquals(2, s.reports().get(0).totalRows());
        assertNull(s.rateLimited().problem());
    }

    @Test
    void withoutTheReportTheChartSaysWhyAndABigCsvIsNotRead() throws Exception {
        Path big = Files.createDirectories(dir.resolve("reports").resolve("everything"));
        Files.writeString(big.resolve("latest.csv"), "a\r\n" + "x\r\n".repeat((int) (StatusPage.MAX_CSV_BYTES / 3) + 1));
        Status s = page(List.of(), 14).build();
        assertTrue(s.rateLimited().problem().contains("has not run"), s.rateLimited().toString());
        assertTrue(s.reports().get(0).problem().contains("too big"), s.reports().get(0).toString());
        assertTrue(s.reports().get(0).rows().isEmpty());
    }

    @Test
    void anUnreadableStateFileIsShownForItsFlowAndTheOthersStillRender() throws Exception {
        Files.createDirectories(dir.resolve("state"));
        Files.writeString(dir.resolve("state").resolve("usage-export.json"), "{ not json");
        new Watermarks(dir.resolve("state"), CLOCK).advance("conversation-details", NOW.minusSeconds(7200));
        Status s = page(List.of(), 14).build();
        assertTrue(s.flows().get(0).watermarkProblem().contains("unreadable"), s.flows().get(0).toString());
        assertEquals(7200L, s.flows().get(1).lagSeconds());
        assertTrue(StatusHtml.render(s).contains("2 h 0 min"));
    }

    @Test
    void eachFlowShowsItsHealthVerdictAndItsLagAgainstItsOwnMaxLag() throws Exception {
        Watermarks w = new Watermarks(dir.resolve("state"), CLOCK);
        w.advance("usage-export", NOW.minus(java.time.Duration.ofDays(3)));
        w.advance("conversation-details", NOW.minus(java.time.Duration.ofDays(3)));
        java.util.Map<String, String> settings = java.util.Map.of("lake.health.max-lag", "48h",
                "lake.health.max-lag.usage-export", "9d");
        FlowHealth health = new FlowHealth(new FlowHistory(10, CLOCK), w,
                key -> java.util.Optional.ofNullable(settings.get(key)), CLOCK::instant);
        Status s = page(List.of(), 14).withHealth(health).build();
        StatusPage.Health usage = s.flows().get(0).health();
        StatusPage.Health details = s.flows().get(1).health();
        assertTrue(usage.up(), usage.toString());
        assertEquals(9 * 86_400L, usage.maxLagSeconds());
        assertEquals("lake.health.max-lag.usage-export", usage.maxLagKey());
        assertFalse(details.up(), details.toString());
        assertEquals(48 * 3600L, details.maxLagSeconds());
        assertTrue(details.message().contains("more than lake.health.max-lag"), details.message());
        String html = StatusHtml.render(s);
        String usageRow = html.substring(html.indexOf("data-flow=\"usage-export\""));
        usageRow = usageRow.substring(0, usageRow.indexOf("</tr>"));
        String detailsRow = html.substring(html.indexOf("data-flow=\"conversation-details\""));
        detailsRow = detailsRow.substring(0, detailsRow.indexOf("</tr>"));
        assertTrue(usageRow.contains("class=\"health up\"") && usageRow.contains(">UP<"), usageRow);
        assertTrue(usageRow.contains("<td class=\"lag num\" data-seconds"), "3 d of 9 d is normal: " + usageRow);
        assertTrue(usageRow.contains("of 9 d"), usageRow);
        assertTrue(detailsRow.contains("class=\"health down\"") && detailsRow.contains(">DOWN<"), detailsRow);
        assertTrue(detailsRow.contains("<td class=\"lag num over\""), "3 d of 2 d is late: " + detailsRow);
        assertTrue(detailsRow.contains("of 2 d"), detailsRow);
    }

    @Test
    void everythingFromDataIsEscapedInTheHtml() throws Exception {
        String evil = "<script>alert('x')</script>\"&";
        Path top10 = Files.createDirectories(dir.resolve("reports").resolve("top10"));
        Files.writeString(top10.resolve("latest.csv"), Tables.csvLine(List.of("clientname", "status429", evil))
                + Tables.csvLine(List.of(evil, "3", evil)));
        AtomicReference<String> flow = new AtomicReference<>("a\"b<c>");
        StatusPage p = new StatusPage(() -> List.of(flow.get()), new FlowHistory(10, CLOCK),
                new Watermarks(dir.resolve("state"), CLOCK), from -> List.of(new Manifest(flow.get(), NOW, 1)),
                dir.resolve("reports"), "top10", 2, 5, CLOCK);
        String html = StatusHtml.render(p.build());
        assertFalse(html.contains("<script>alert"), html);
        assertFalse(html.contains("a\"b<c>"), html);
        assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&amp;"), html);
        assertTrue(html.contains("data-flow=\"a&quot;b&lt;c&gt;\""), html);
        assertEquals(1, html.split("<script", -1).length - 1, "only the page's own script tag");
    }

    @Test
    void durationsAndLagsReadAsPeopleSayThem() {
        assertEquals("850 ms", StatusHtml.duration(850));
        assertEquals("12.3 s", StatusHtml.duration(12_300));
        assertEquals("3 min 4 s", StatusHtml.duration(184_000));
        assertEquals("2 h 5 min", StatusHtml.duration(7_500_000));
        assertEquals("42 s", StatusHtml.lag(42));
        assertEquals("6 d 1 h", StatusHtml.lag(6 * 86_400 + 3_700));
    }

    @Test
    void recordsPerDayGoByTheDaysOfTheDataAMonthSpreadOverItsDaysAndPartitionsByTheirOwnCounts() throws Exception {
        // November's usage, finished on 11-28: over the month's days in the window, all 30 000 records kept whole.
        Manifest month = new Manifest("usage-export", Instant.parse("2026-11-28T00:10:00Z"), 30_001,
                Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z"), java.util.Map.of());
        java.util.Map<LocalDate, Long> days = month.byDataDay();
        assertEquals(30, days.size());
        assertEquals(30_001L, days.values().stream().mapToLong(Long::longValue).sum(), "no record lost to rounding");
        assertTrue(days.values().stream().allMatch(v -> v == 1000 || v == 1001), days.toString());
        // A details run of two days, its raw folder's date= objects holding all its records (segments count apart).
        var objects = new com.fasterxml.jackson.databind.ObjectMapper().readTree("""
                [{"key":"conversations/date=2026-11-26/a.json.gz","records":40},
                 {"key":"conversations/date=2026-11-27/a.json.gz","records":60},
                 {"key":"conversation_segments/date=2026-11-26/a.parquet","records":400}]""");
        java.util.Map<LocalDate, Long> partitions = StatusPage.S3Manifests.partitionDays(objects, 100);
        assertEquals(java.util.Map.of(LocalDate.parse("2026-11-26"), 40L, LocalDate.parse("2026-11-27"), 60L), partitions);
        Manifest details = new Manifest("conversation-details", Instant.parse("2026-11-28T09:00:00Z"), 100,
                Instant.parse("2026-11-26T00:00:00Z"), Instant.parse("2026-11-28T00:00:00Z"), partitions);
        Status s = page(List.of(month, details), 3).build();
        assertEquals(List.of(1000L, 1000L, 1000L), s.recordsPerDay().records().get("usage-export").stream()
                .map(v -> v / 10 * 10).toList(), "11-26..11-28 of the month, not 30 001 on 11-28");
        assertEquals(List.of(40L, 60L, 0L), s.recordsPerDay().records().get("conversation-details"),
                "by the data's day, nothing on 11-28 when it finished");
        // An hour-long interval across midnight goes to both days by their share.
        Manifest hour = new Manifest("user-details", NOW, 60, Instant.parse("2026-11-27T23:30:00Z"),
                Instant.parse("2026-11-28T00:30:00Z"), java.util.Map.of());
        assertEquals(java.util.Map.of(LocalDate.parse("2026-11-27"), 30L, LocalDate.parse("2026-11-28"), 30L), hour.byDataDay());
        // Each flow on its own scale: the small flow's top is its own largest day, not the month's.
        String html = StatusHtml.render(s);
        assertTrue(html.contains("data-flow=\"conversation-details\" data-max=\"60\""), html);
        assertTrue(html.contains("data-flow=\"usage-export\" data-max=\"100"), html);
    }
}
