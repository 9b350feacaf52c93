package genesyslake.management;

import genesyslake.management.StatusPage.Bar;
import genesyslake.management.StatusPage.BarChart;
import genesyslake.management.StatusPage.FlowStatus;
import genesyslake.management.StatusPage.RecordsPerDay;
import genesyslake.management.StatusPage.ReportTable;
import genesyslake.management.StatusPage.Status;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * Renders the status page as one HTML document: tables and charts (inline SVG) are all server-side, so the page reads
 * the same with JavaScript off; status.js only fetches the page again and swaps in its {@code #status} element.
 * Everything from data (client names come from Genesys, report cells from SQL) goes through {@link #esc}.
 */
public final class StatusHtml {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    /** Colours of the series, in status.css (s0..s5). */
    private static final int SERIES_COLOURS = 6;
    static final int LABEL_CHARS = 40;

    private StatusHtml() {
    }

    public static String render(Status s) {
        StringBuilder b = new StringBuilder(16 * 1024);
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>genesys-lake status</title>\n")
                .append("<link rel=\"stylesheet\" href=\"/status/status.css\">\n")
                .append("<script src=\"/status/status.js\" defer></script>\n</head>\n")
                .append("<body data-refresh=\"").append(s.refreshSeconds()).append("\">\n")
                .append("<header><h1>genesys-lake</h1><nav><a href=\"/status.json\">status.json</a> · ")
                .append("<a href=\"/observe/health\">health</a> · <a href=\"/metrics\">metrics</a></nav>")
                .append("<p id=\"stale\" class=\"problem\" hidden></p></header>\n");
        b.append("<main id=\"status\">\n<p class=\"meta\">Updated <time id=\"updated\" datetime=\"").append(s.generated())
                .append("\">").append(TIME.format(s.generated())).append("</time>")
                .append(s.refreshSeconds() > 0 ? "; refreshes every " + s.refreshSeconds() + " s" : "").append("</p>\n");
        flows(b, s.flows());
        recordsPerDay(b, s.recordsPerDay());
        bars(b, s.rateLimited());
        reports(b, s.reports());
        b.append("</main>\n</body>\n</html>\n");
        return b.toString();
    }

    private static void flows(StringBuilder b, List<FlowStatus> flows) {
        b.append("<section id=\"flows\"><h2>Flows</h2>\n<table id=\"flows-table\">\n<thead><tr><th scope=\"col\">Flow</th>")
                .append("<th scope=\"col\">Last run started</th><th scope=\"col\">Outcome</th><th scope=\"col\">Records</th>")
                .append("<th scope=\"col\">Duration</th><th scope=\"col\">Health</th><th scope=\"col\">Watermark</th>")
                .append("<th scope=\"col\">Lag (of max)</th><th scope=\"col\">Next run (UTC)</th>")
                .append("<th scope=\"col\">Earlier runs</th></tr></thead>\n<tbody>\n");
        for (FlowStatus f : flows) {
            b.append("<tr class=\"flow\" data-flow=\"").append(esc(f.flow())).append("\"><th scope=\"row\">")
                    .append(esc(f.flow())).append("</th>");
            if (f.runs().isEmpty()) {
                b.append("<td class=\"started\">—</td><td class=\"outcome none\">no run since start-up</td>")
                        .append("<td class=\"records num\"></td><td class=\"duration num\"></td>");
            } else {
                FlowHistory.Run last = f.runs().get(0);
                b.append("<td class=\"started\">").append(time(last.started())).append("</td>")
                        .append("<td class=\"outcome ").append(esc(last.outcome())).append("\" title=\"")
                        .append(esc(last.summary())).append("\">").append(esc(last.outcome()));
                if (last.refusals() > 0) {
                    b.append("<div class=\"wait\" data-refusals=\"").append(last.refusals()).append("\" data-waited-ms=\"")
                            .append(last.waitedMillis()).append("\">").append(waitNote(last)).append("</div>");
                }
                if (!last.outcome().equals(FlowHistory.Run.SUCCEEDED) && !last.summary().isEmpty()) {
                    b.append("<div class=\"summary\">").append(esc(last.summary())).append("</div>");
                }
                b.append("</td><td class=\"records num\">").append(last.records() == null ? "" : last.records())
                        .append("</td><td class=\"duration num\">").append(duration(last.millis())).append("</td>");
            }
            if (f.health() == null) {
                b.append("<td class=\"health\"></td>");
            } else {
                b.append("<td class=\"health ").append(f.health().up() ? "up" : "down").append("\" title=\"")
                        .append(esc(f.health().message())).append("\">").append(f.health().up() ? "UP" : "DOWN");
                if (!f.health().up()) {
                    b.append("<div class=\"summary\">").append(esc(f.health().message())).append("</div>");
                }
                b.append("</td>");
            }
            if (f.watermarkProblem() != null) {
                b.append("<td class=\"watermark problem\" colspan=\"2\">").append(esc(f.watermarkProblem())).append("</td>");
            } else if (f.watermark() == null) {
                b.append("<td class=\"watermark\">none yet</td><td class=\"lag num\"></td>");
            } else {
                b.append("<td class=\"watermark\">").append(time(f.watermark())).append("</td><td class=\"lag num")
                        .append(overMaxLag(f) ? " over" : "").append("\" data-seconds=\"").append(f.lagSeconds()).append("\"");
                if (f.health() != null && f.health().maxLagSeconds() >= 0) {
                    b.append(" title=\"").append(esc(f.health().maxLagKey())).append("\">").append(lag(f.lagSeconds()))
                            .append(" <span class=\"max-lag\">of ").append(lag(f.health().maxLagSeconds())).append("</span>");
                } else {
                    b.append(">").append(lag(f.lagSeconds()));
                }
                b.append("</td>");
            }
            next(b, f.next());
            b.append("<td class=\"earlier\">");
            if (f.runs().size() > 1) {
                b.append("<ol>");
                for (FlowHistory.Run r : f.runs().subList(1, f.runs().size())) {
                    b.append("<li class=\"").append(esc(r.outcome())).append("\" title=\"").append(esc(r.summary()))
                            .append("\">").append(time(r.started())).append(' ').append(esc(r.outcome()))
                            .append(r.records() == null ? "" : ", " + r.records() + " records").append(", ")
                            .append(duration(r.millis())).append(r.refusals() > 0 ? "; " + waitNote(r) : "").append("</li>");
                }
                b.append("</ol>");
            }
            b.append("</td></tr>\n");
        }
        b.append("</tbody>\n</table>\n<p class=\"note\">Runs since the daemon started (schedule, --once, JMX), newest ")
                .append("first; a caller that waited for a run in progress and tried again is one run with its wait. ")
                .append("Health: the flow's readiness check (/observe/health). Lag: how far the end of the last completely exported ")
                .append("interval is behind now, of the flow's max-lag (lake.health.max-lag.&lt;flow&gt;).</p></section>\n");
    }

    private static void recordsPerDay(StringBuilder b, RecordsPerDay r) {
        b.append("<section id=\"records-per-day\"><h2>Records exported per day of data</h2>\n");
        if (r.problem() != null) {
            b.append("<p class=\"problem\">").append(esc(r.problem())).append("</p>");
        }
        // One panel per flow, each on its own scale: a month's usage export does not flatten the hourly flows.
        int w = 760;
        int panel = 64;
        int gap = 14;
        int left = 170;
        int right = 20;
        int top = 10;
        int bottom = 28;
        int n = r.days().size();
        int flows = Math.max(1, r.records().size());
        int h = top + flows * (panel + gap) + bottom;
        double step = n > 1 ? (double) (w - left - right) / (n - 1) : 0;
        b.append("<svg id=\"records-chart\" class=\"chart\" viewBox=\"0 0 ").append(w).append(' ').append(h)
                .append("\" width=\"").append(w).append("\" height=\"").append(h)
                .append("\" role=\"img\" aria-label=\"Records exported per day of data, one panel and scale per flow\">\n");
        int i = 0;
        for (Map.Entry<String, List<Long>> e : r.records().entrySet()) {
            int ptop = top + i * (panel + gap);
            int base = ptop + panel;
            long max = Math.max(1, e.getValue().stream().mapToLong(Long::longValue).max().orElse(1));
            String cls = "series s" + (i++ % SERIES_COLOURS);
            b.append("<g class=\"").append(cls).append("\" data-flow=\"").append(esc(e.getKey())).append("\" data-max=\"")
                    .append(max).append("\">")
                    .append("<text class=\"panel-label\" x=\"4\" y=\"").append(ptop + 14).append("\">").append(esc(e.getKey()))
                    .append("</text>")
                    .append("<line class=\"axis\" x1=\"").append(left).append("\" y1=\"").append(base).append("\" x2=\"")
                    .append(w - right).append("\" y2=\"").append(base).append("\"/>")
                    .append("<line class=\"axis\" x1=\"").append(left).append("\" y1=\"").append(ptop).append("\" x2=\"")
                    .append(left).append("\" y2=\"").append(base).append("\"/>")
                    .append("<text class=\"tick scale\" x=\"").append(left - 6).append("\" y=\"").append(ptop + 8)
                    .append("\" text-anchor=\"end\">").append(max).append("</text>")
                    .append("<text class=\"tick\" x=\"").append(left - 6).append("\" y=\"").append(base + 4)
                    .append("\" text-anchor=\"end\">0</text><polyline points=\"");
            StringBuilder dots = new StringBuilder();
            for (int d = 0; d < n; d++) {
                long v = e.getValue().get(d);
                String x = fmt(left + d * step);
                String y = fmt(base - (double) v / max * panel);
                b.append(d == 0 ? "" : " ").append(x).append(',').append(y);
                LocalDate day = r.days().get(d);
                dots.append("<circle class=\"point\" cx=\"").append(x).append("\" cy=\"").append(y)
                        .append("\" r=\"3.5\" data-day=\"").append(day).append("\" data-records=\"").append(v)
                        .append("\"><title>").append(esc(e.getKey())).append(' ').append(day).append(": ").append(v)
                        .append(" records</title></circle>");
            }
            b.append("\"/>").append(dots).append("</g>\n");
        }
        int axis = h - bottom;
        // At most about seven dates, counted back from today so the newest day is always labelled.
        for (int d = n - 1; d >= 0; d -= Math.max(1, (n + 6) / 7)) {
            b.append("<text class=\"tick\" x=\"").append(fmt(left + d * step)).append("\" y=\"").append(axis + 4)
                    .append("\" text-anchor=\"middle\">").append(r.days().get(d).toString().substring(5)).append("</text>");
        }
        if (r.records().isEmpty()) {
            b.append("<text x=\"10\" y=\"").append(top + 30).append("\">no run manifests in these ").append(n)
                    .append(" days</text>");
        }
        b.append("\n</svg>\n<p class=\"note\">From the run manifests (<code>_manifests/&lt;flow&gt;/</code>), by the UTC ")
                .append("day of the data each run exported: its <code>date=</code> partitions' counts, else its interval's ")
                .append("records spread over the interval's days (a month's usage over the month). Each flow on its own ")
                .append("scale (its largest day at the top); a re-exported interval replaces its manifest.</p></section>\n");
    }

    private static void bars(StringBuilder b, BarChart c) {
        b.append("<section id=\"rate-limited\"><h2>Top rate-limited OAuth clients</h2>\n<p class=\"meta\">Report <code>")
                .append(esc(c.report())).append("</code>").append(c.updated() == null ? "" : ", " + time(c.updated()))
                .append(c.valueColumn() == null ? "" : "; " + esc(c.valueColumn()) + " by " + esc(c.labelColumn()))
                .append("</p>\n");
        if (c.problem() != null) {
            b.append("<p class=\"problem\">").append(esc(c.problem())).append("</p></section>\n");
            return;
        }
        int row = 26;
        int labelW = 300;
        int barW = 380;
        int w = labelW + barW + 90;
        int h = Math.max(row, c.bars().size() * row) + 4;
        long max = Math.max(1, c.bars().stream().mapToLong(Bar::value).max().orElse(1));
        b.append("<svg id=\"rate-limited-chart\" class=\"chart\" viewBox=\"0 0 ").append(w).append(' ').append(h)
                .append("\" width=\"").append(w).append("\" height=\"").append(h)
                .append("\" role=\"img\" aria-label=\"429 answers per OAuth client\">\n");
        int y = 2;
        for (Bar bar : c.bars()) {
            String label = bar.label().length() > LABEL_CHARS ? bar.label().substring(0, LABEL_CHARS - 1) + "…" : bar.label();
            double len = Math.max(bar.value() > 0 ? 1 : 0, (double) bar.value() / max * barW);
            b.append("<g class=\"bar\" data-label=\"").append(esc(bar.label())).append("\" data-value=\"").append(bar.value())
                    .append("\"><title>").append(esc(bar.label())).append(": ").append(bar.value()).append("</title>")
                    .append("<text class=\"label\" x=\"").append(labelW - 8).append("\" y=\"").append(y + 17)
                    .append("\" text-anchor=\"end\">").append(esc(label)).append("</text>")
                    .append("<rect x=\"").append(labelW).append("\" y=\"").append(y + 4).append("\" width=\"").append(fmt(len))
                    .append("\" height=\"").append(row - 8).append("\"/>")
                    .append("<text class=\"value\" x=\"").append(fmt(labelW + len + 6)).append("\" y=\"").append(y + 17)
                    .append("\">").append(bar.value()).append("</text></g>\n");
            y += row;
        }
        if (c.bars().isEmpty()) {
            b.append("<text x=\"10\" y=\"18\">the report has no rows</text>");
        }
        b.append("</svg></section>\n");
    }

    private static void reports(StringBuilder b, List<ReportTable> reports) {
        b.append("<section id=\"reports\"><h2>Reports</h2>\n");
        if (reports.isEmpty()) {
            b.append("<p>No report has run yet.</p>");
        }
        for (ReportTable t : reports) {
            b.append("<section class=\"report\" data-report=\"").append(esc(t.name())).append("\"><h3>").append(esc(t.name()))
                    .append("</h3><p class=\"meta\">latest.csv").append(t.updated() == null ? "" : ", " + time(t.updated()))
                    .append(t.problem() == null ? ", " + t.totalRows() + " rows" : "").append("</p>");
            if (t.problem() != null) {
                b.append("<p class=\"problem\">").append(esc(t.problem())).append("</p></section>\n");
                continue;
            }
            b.append("<div class=\"scroll\"><table class=\"report-table\"><thead><tr>");
            t.columns().forEach(c -> b.append("<th scope=\"col\">").append(esc(c)).append("</th>"));
            b.append("</tr></thead><tbody>");
            for (List<String> r : t.rows()) {
                b.append("<tr>");
                r.forEach(v -> b.append("<td>").append(esc(v)).append("</td>"));
                b.append("</tr>");
            }
            b.append("</tbody></table></div>");
            if (t.totalRows() > t.rows().size()) {
                b.append("<p class=\"note\">First ").append(t.rows().size()).append(" of ").append(t.totalRows())
                        .append(" rows.</p>");
            }
            b.append("</section>\n");
        }
        b.append("</section>\n");
    }

    private static void next(StringBuilder b, FlowSchedules.Next n) {
        if (n == null) {
            b.append("<td class=\"next\"></td>");
            return;
        }
        // Short in the cell, the whole reason in its title: the flows table stays one line a flow.
        b.append("<td class=\"next\"").append(n.at() == null ? "" : " data-at=\"" + n.at() + "\"")
                .append(n.schedule() == null ? "" : " data-schedule=\"" + esc(n.schedule()) + "\"")
                .append(" title=\"").append(esc(n.why() != null ? n.why() : n.rule())).append("\">");
        if (n.at() != null) {
            b.append(time(n.at())).append("<div class=\"summary\">").append(esc(n.rule())).append(" (")
                    .append(esc(n.schedule())).append(n.first() ? "" : ", after its chain").append(")</div>");
            if (n.why() != null) {
                b.append("<div class=\"summary\">").append(esc(n.why())).append("</div>");
            }
        } else if (n.schedule() != null) {
            b.append("—<div class=\"summary\">stopped: ").append(esc(n.schedule())).append("</div>");
        } else {
            b.append("—<div class=\"summary\">on trigger only</div>");
        }
        b.append("</td>");
    }

    /** A run's wait for the flow to be free: a caller that tried again shows once, with its tries and wait. */
    static String waitNote(FlowHistory.Run r) {
        String tries = r.refusals() == 1 ? "1 try" : r.refusals() + " tries";
        return FlowHistory.Run.REFUSED.equals(r.outcome())
                ? "refused " + tries + " over " + duration(r.waitedMillis()) + ": the flow was running"
                : "waited " + duration(r.waitedMillis()) + " for the run in progress (" + tries + " refused)";
    }

    /** Escapes text for HTML element content and quoted attribute values. */
    public static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static String time(Instant t) {
        return "<time datetime=\"" + t + "\">" + TIME.format(t) + "</time>";
    }

    static String duration(long millis) {
        if (millis < 1000) {
            return millis + " ms";
        }
        if (millis < 60_000) {
            return String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
        }
        long s = millis / 1000;
        return s < 3600 ? s / 60 + " min " + s % 60 + " s" : s / 3600 + " h " + s % 3600 / 60 + " min";
    }

    static String lag(long seconds) {
        if (seconds < 0) {
            return "ahead by " + lag(-seconds);
        }
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return seconds / 60 + " min";
        }
        if (seconds < 86_400) {
            return seconds / 3600 + " h " + seconds % 3600 / 60 + " min";
        }
        return seconds / 86_400 + " d " + seconds % 86_400 / 3600 + " h";
    }

    private static String fmt(double v) {
        return String.format(java.util.Locale.ROOT, "%.1f", v);
    }

    /** True when the flow's lag passes its own max-lag (the cell is marked, as the health check would say DOWN). */
    static boolean overMaxLag(StatusPage.FlowStatus f) {
        return f.lagSeconds() != null && f.health() != null && f.health().maxLagSeconds() >= 0
                && f.lagSeconds() > f.health().maxLagSeconds();
    }
}
