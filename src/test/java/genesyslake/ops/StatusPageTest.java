package genesyslake.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import genesyslake.management.FlowOutcome;
import genesyslake.report.Tables;
import genesyslake.testsupport.BrowserTest;
import genesyslake.testsupport.LocalDaemon;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Ensures the status page at / on the management port shows what the lake and the daemon hold, in a real browser
 * (Debian's headless Chromium driven by Selenium): every flow with its last run's outcome, the top rate-limited
 * clients as bars equal to the report's latest.csv and to the lake, records per day equal to the run manifests by the days of their data,
 * data from Genesys shown as text, never markup, and a refresh that brings a new run without reloading the page.
 * The flows table is in the served HTML itself (read here without a browser too).
 */
@BrowserTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StatusPageTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final List<String> RUN_FIRST = List.of("usage-export", "catalog-refresh", "athena-report");
    private static final LocalDate DAY = LocalDate.now(ZoneOffset.UTC).minusDays(2);

    private LocalDaemon daemon;
    private String base;
    private ChromeDriver browser;
    private Path profile;

    @BeforeAll
    void start() throws Exception {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            // The project installs what its tests need: the same script .ci/run uses.
            Process install = new ProcessBuilder(".ci/install-browser").inheritIO().start();
            install.waitFor();
        }
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            fail("The status page test needs Debian's chromium and chromium-driver (" + CHROMIUM + ", " + CHROMEDRIVER
                    + ") and .ci/install-browser could not install them (needs root or passwordless sudo): "
                    + "apt-get install -y chromium chromium-driver");
        }

        int port = Ops.freePort();
        daemon = LocalDaemon.start(Map.of("camel.management.enabled", "true", "camel.management.port", String.valueOf(port),
                "lake.status.refresh", "1s"));
        base = "http://127.0.0.1:" + port;
        for (String flow : RUN_FIRST) {
            FlowOutcome outcome = daemon.run(flow, Map.of());
            assertTrue(outcome.success(), outcome.toString());
        }

        profile = Files.createTempDirectory("status-page-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // As our machines' notes say: without the background-networking flags Chromium keeps dialling out.
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--window-size=1280,1000");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
    }

    @AfterAll
    void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (daemon != null) {
            daemon.closeAndDelete();
        }
        if (profile != null) {
            try (var files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    @Order(1)
    void theServedHtmlHasTheFlowsTableWithEveryFlowAndItsOutcomeWithoutJavaScript() throws Exception {
        HttpResponse<String> res = Ops.get(base + "/");
        assertEquals(200, res.statusCode(), res.body());
        assertTrue(res.headers().firstValue("Content-Type").orElse("").startsWith("text/html"), res.headers().toString());
        assertTrue(res.headers().firstValue("Content-Security-Policy").orElse("").contains("script-src 'self'"),
                "no inline script may run: " + res.headers());
        String html = res.body();
        List<String> flows = daemon.flows().flows();
        assertTrue(flows.size() >= 5, "flows: " + flows);
        for (String flow : flows) {
            Matcher row = Pattern.compile("<tr class=\"flow\" data-flow=\"" + Pattern.quote(flow) + "\">(.*?)</tr>",
                    Pattern.DOTALL).matcher(html);
            assertTrue(row.find(), "no row for " + flow + " in\n" + html);
            String expected = RUN_FIRST.contains(flow) ? "<td class=\"outcome succeeded\"" : "<td class=\"outcome none\"";
            assertTrue(row.group(1).contains(expected), flow + ": " + row.group(1));
        }
        JsonNode json = JSON.readTree(Ops.get(base + "/status.json").body());
        List<String> jsonFlows = new ArrayList<>();
        json.path("flows").forEach(f -> jsonFlows.add(f.path("flow").asText()));
        assertEquals(flows, jsonFlows);
        assertEquals("succeeded", json.path("flows").get(flows.indexOf("usage-export")).path("runs").get(0).path("outcome").asText());
    }

    @Test
    @Order(2)
    void aRequestNamingAnotherHostIsRefusedAsJolokiaIs() throws Exception {
        // DNS rebinding: a page of evil.example resolved to 127.0.0.1 sends its own name as Host.
        assertTrue(rawGet("/", "evil.example").startsWith("HTTP/1.1 403"), "foreign Host refused");
        assertTrue(rawGet("/", "127.0.0.1").startsWith("HTTP/1.1 200"), "the management host is served");
        assertTrue(rawGet("/status.json", "evil.example").startsWith("HTTP/1.1 403"));
        // The status page does not open Jolokia: an operation without credentials is still refused.
        HttpResponse<String> exec = Ops.post(base + "/observe/jolokia/", "{\"type\":\"exec\",\"mbean\":"
                + "\"genesyslake:type=Flows\",\"operation\":\"startFlow\",\"arguments\":[\"usage-export\"]}", "Origin", base);
        assertEquals(403, exec.statusCode(), exec.body());
    }

    @Test
    @Order(3)
    void theFlowsTableInTheBrowserListsEveryFlowWithItsLastRunsOutcome() {
        browser.get(base + "/");
        Map<String, String> outcomes = new LinkedHashMap<>();
        for (List<String> row : rows("#flows-table tbody tr.flow", "td.outcome")) {
            outcomes.put(row.get(0), row.get(1));
        }
        assertEquals(daemon.flows().flows(), List.copyOf(outcomes.keySet()));
        for (String flow : RUN_FIRST) {
            assertTrue(outcomes.get(flow).startsWith("succeeded"), flow + ": " + outcomes);
        }
        assertEquals("no run since start-up", outcomes.get("user-details"), outcomes.toString());
        String records = cell("usage-export", "td.records");
        assertTrue(Long.parseLong(records) > 0, "usage-export's records: " + records);
        assertFalse(cell("usage-export", "td.lag").isBlank(), "a complete scheduled run sets a watermark, so a lag");
        // Schedules are off in this daemon (lake.schedule.enabled=false): the page says so rather than a time.
        String next = cell("usage-export", "td.next");
        assertTrue(next.contains("usage-export-schedule") && next.contains("stopped"), "usage-export's next run: " + next);
        assertTrue(cell("athena-report", "td.next").contains("usage-export-schedule"), cell("athena-report", "td.next"));
    }

    @Test
    @Order(4)
    void theBarsAreTheReportsLatestCsvRowsWhichAreTheLakesTopRateLimitedClients() throws Exception {
        browser.get(base + "/");
        List<String> labels = new ArrayList<>();
        List<Long> values = new ArrayList<>();
        // One snapshot per read: the page swaps its content every second.
        for (List<String> bar : snapshot("return Array.from(document.querySelectorAll('#rate-limited-chart g.bar'))"
                + ".map(g => [g.dataset.label, g.dataset.value, g.querySelector('text.label').textContent,"
                + " g.querySelector('text.value').textContent]);")) {
            labels.add(bar.get(0));
            values.add(Long.parseLong(bar.get(1)));
            assertEquals(bar.get(1), bar.get(3), "the value written beside the bar");
            assertTrue(bar.get(0).startsWith(bar.get(2).replaceFirst("…$", "")), "the label shown: " + bar);
        }
        List<List<String>> csv = Tables.parseCsv(Files.readString(daemon.dataDir().resolve("reports")
                .resolve("top10-rate-limited-clients").resolve("latest.csv")));
        List<String> header = csv.get(0);
        int name = header.indexOf("clientname");
        int id = header.indexOf("clientid");
        int status429 = header.indexOf("status429");
        assertTrue(name >= 0 && id >= 0 && status429 >= 0, "columns: " + header);
        List<List<String>> rows = csv.subList(1, csv.size());
        assertEquals(10, rows.size(), "the seed's query is a top 10");
        assertEquals(rows.size(), labels.size(), "one bar per row");
        for (int i = 0; i < rows.size(); i++) {
            String label = rows.get(i).get(name).isBlank() ? rows.get(i).get(id) : rows.get(i).get(name);
            assertEquals(label, labels.get(i), "bar " + i);
            assertEquals(Long.parseLong(rows.get(i).get(status429)), values.get(i), "bar " + i);
        }
        // And the report is the lake's truth: the 10 highest 429 counts of the monthly usage rows, same clients.
        List<JsonNode> lake = new ArrayList<>();
        for (String line : daemon.lake().lines("granularity=month/")) {
            lake.add(JSON.readTree(line));
        }
        lake.sort(Comparator.comparingLong((JsonNode n) -> n.path("status429").asLong()).reversed());
        assertEquals(lake.subList(0, 10).stream().map(n -> n.path("status429").asLong()).toList(), values);
        for (List<String> row : rows) {
            assertTrue(lake.stream().anyMatch(n -> n.path("clientId").asText().equals(row.get(id))
                    && n.path("status429").asText().equals(row.get(status429))), "in the lake: " + row);
        }
        assertTrue(values.get(0) > 0, "the local org has rate-limited clients");
    }

    @Test
    @Order(5)
    void theRecordsPerDayPointsAreTheManifestsRecordsByTheDaysOfTheirData() throws Exception {
        browser.get(base + "/");
        Map<String, Long> shown = points();
        List<JsonNode> manifests = manifests();
        assertTrue(manifests.stream().anyMatch(m -> m.path("flow").asText().equals("usage-export")), "manifests: " + manifests);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        LocalDate first = today.minusDays(13);
        // Each flow's records in the window: each manifest's share of its interval that falls in the window.
        Map<String, Double> inWindow = new HashMap<>();
        for (JsonNode m : manifests) {
            String[] interval = m.path("interval").asText().split("/");
            Instant start = Instant.parse(interval[0]);
            Instant end = Instant.parse(interval[1]);
            Instant from = first.atStartOfDay(ZoneOffset.UTC).toInstant();
            double share = Math.max(0, Duration.between(start.isBefore(from) ? from : start, end).toMillis())
                    / (double) Duration.between(start, end).toMillis();
            inWindow.merge(m.path("flow").asText(), m.path("records").asLong() * Math.min(1, share), Double::sum);
        }
        // Every point with records is a day of the data some manifest of its flow exported.
        shown.forEach((k, v) -> {
            if (v > 0) {
                String flow = k.substring(0, k.indexOf(' '));
                LocalDate day = LocalDate.parse(k.substring(k.indexOf(' ') + 1));
                assertTrue(manifests.stream().filter(m -> m.path("flow").asText().equals(flow)).anyMatch(m -> {
                    String[] iv = m.path("interval").asText().split("/");
                    return !day.isBefore(LocalDate.ofInstant(Instant.parse(iv[0]), ZoneOffset.UTC))
                            && !day.isAfter(LocalDate.ofInstant(Instant.parse(iv[1]).minusMillis(1), ZoneOffset.UTC));
                }), "point " + k + " is not a day of " + flow + "'s data: " + manifests);
            }
        });
        // November's usage, exported today, is spread over November's days: the window shows its share of them (whole
        // records: at most one off per day), and nothing on today or yesterday when it finished.
        inWindow.forEach((flow, records) -> {
            long sum = shown.entrySet().stream().filter(e -> e.getKey().startsWith(flow + " ")).mapToLong(Map.Entry::getValue).sum();
            assertTrue(Math.abs(sum - records) <= 14, flow + ": " + sum + " shown, " + records + " expected; " + shown);
        });
        assertTrue(inWindow.get("usage-export") > 0, "the usage month overlaps the window: " + manifests);
        assertEquals(14, shown.keySet().stream().filter(k -> k.startsWith("usage-export ")).count(),
                "one point per day of lake.status.days");
    }

    @Test
    @Order(6)
    void dataFromGenesysAndReportsIsShownAsTextNeverAsMarkup() throws Exception {
        String evil = "<img src=x onerror=\"window.pwned=1\">Acme & \"Co\" 'x'";
        Path probe = daemon.dataDir().resolve("reports").resolve("zz-escape-probe");
        Files.createDirectories(probe);
        Files.writeString(probe.resolve("latest.csv"), Tables.csvLine(List.of("clientname", "note"))
                + Tables.csvLine(List.of(evil, "</td></tr></table><script>window.pwned=2</script>")));
        try {
            browser.get(base + "/");
            List<List<String>> cells = snapshot("return Array.from(document.querySelectorAll("
                    + "\"section.report[data-report='zz-escape-probe'] td\")).map(td => [td.textContent]);");
            assertEquals(List.of(List.of(evil), List.of("</td></tr></table><script>window.pwned=2</script>")), cells);
            JavascriptExecutor js = browser;
            assertEquals(0L, js.executeScript("return document.querySelectorAll('main img, main script').length;"));
            assertEquals(null, js.executeScript("return window.pwned === undefined ? null : window.pwned;"));
        } finally {
            Files.delete(probe.resolve("latest.csv"));
            Files.delete(probe);
        }
    }

    @Test
    @Order(7)
    void anotherRunShowsUpWithoutReloadingThePage() throws Exception {
        browser.get(base + "/");
        JavascriptExecutor js = browser;
        js.executeScript("window.loadedOnce = 'still the same page';");
        String updated = updated();
        assertEquals("no run since start-up", cell("user-details", "td.outcome"));

        FlowOutcome outcome = daemon.run("user-details", Map.of("lakeInterval", DAY + "/" + DAY.plusDays(1)));
        assertTrue(outcome.success(), outcome.toString());

        new WebDriverWait(browser, Duration.ofSeconds(20)).withMessage("the user-details row shows its run")
                .until(d -> cell("user-details", "td.outcome").startsWith("succeeded"));
        assertEquals("still the same page", js.executeScript("return window.loadedOnce;"), "refreshed in place, not reloaded");
        assertNotEquals(updated, updated());
        assertEquals(String.valueOf(outcome.getRecords()), cell("user-details", "td.records"));
        // Its manifest is a new point of the chart at the day it exported (two days ago), not today when it finished.
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        new WebDriverWait(browser, Duration.ofSeconds(10)).withMessage("user-details' point of its data day")
                .until(d -> points().getOrDefault("user-details " + DAY, 0L) > 0);
        JsonNode manifest = manifests().stream().filter(m -> m.path("flow").asText().equals("user-details")).findFirst()
                .orElseThrow();
        assertTrue(manifest.path("finished").asText().startsWith(today), "it finished today: " + manifest);
        assertEquals(manifest.path("records").asLong(), points().get("user-details " + DAY));
        assertEquals(0L, points().get("user-details " + today), "nothing on the day it finished");
        screenshot();
    }

    /** The chart's points: "flow day" → records. */
    private Map<String, Long> points() {
        Map<String, Long> out = new HashMap<>();
        for (List<String> p : snapshot("return Array.from(document.querySelectorAll('#records-chart g.series circle.point'))"
                + ".map(c => [c.parentNode.dataset.flow + ' ' + c.dataset.day, c.dataset.records]);")) {
            out.put(p.get(0), Long.parseLong(p.get(1)));
        }
        return out;
    }

    /** For each element matching {@code rows}: its data-flow, then the rendered text of {@code cell} in it. */
    private List<List<String>> rows(String rows, String cell) {
        return snapshot("return Array.from(document.querySelectorAll(arguments[0]))"
                + ".map(r => [r.dataset.flow, r.querySelector(arguments[1]).innerText]);", rows, cell);
    }

    /** The rendered text of a cell of a flow's row. */
    private String cell(String flow, String cell) {
        return (String) ((JavascriptExecutor) browser).executeScript("return document.querySelector("
                + "'tr.flow[data-flow=\"' + arguments[0] + '\"] ' + arguments[1]).innerText;", flow, cell);
    }

    private String updated() {
        return (String) ((JavascriptExecutor) browser).executeScript(
                "return document.getElementById('updated').getAttribute('datetime');");
    }

    /** Runs a script answering an array of arrays of strings, read in one go (the page may swap its content). */
    @SuppressWarnings("unchecked")
    private List<List<String>> snapshot(String script, Object... args) {
        List<List<String>> out = new ArrayList<>();
        for (Object row : (List<Object>) ((JavascriptExecutor) browser).executeScript(script, args)) {
            out.add(((List<Object>) row).stream().map(String::valueOf).toList());
        }
        return out;
    }

    /** The lake's run manifests, as written. */
    private List<JsonNode> manifests() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String key : daemon.lake().keys("_manifests/")) {
            if (key.endsWith(".json")) {
                out.add(JSON.readTree(String.join("\n", daemon.lake().lines(key, false))));
            }
        }
        return out;
    }

    /** The whole page, for the build's record (target/status-page.png; docs/status-page.png is a copy of one). */
    private void screenshot() throws Exception {
        long height = (Long) ((JavascriptExecutor) browser).executeScript("return document.documentElement.scrollHeight;");
        browser.manage().window().setSize(new Dimension(1280, (int) Math.min(6000, height + 40)));
        File png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Path target = Path.of(System.getProperty("build.dir", "target"));
        Files.createDirectories(target);
        Files.copy(png.toPath(), target.resolve("status-page.png"), StandardCopyOption.REPLACE_EXISTING);
    }

    /** A GET with the Host header given (the JDK's HttpClient will not send a Host of one's choosing). */
    private String rawGet(String path, String host) throws Exception {
        try (Socket s = new Socket("127.0.0.1", Integer.parseInt(base.substring(base.lastIndexOf(':') + 1)))) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
