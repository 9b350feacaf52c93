package genesyslake.query;

import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;

/**
 * A half-open UTC interval [start, end) as Genesys takes it ("start/end", ISO-8601). Parses explicit intervals
 * (instants, dates, year-months as in the blueprint's "2021-01/2021-02") and relative ones resolved at run time:
 * "last full month", "last full week", "last full day" (alias "yesterday"), "today".
 */
public record Interval(Instant start, Instant end) {

    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    public Interval {
        if (!end.isAfter(start)) {
            throw new IllegalArgumentException("interval end " + end + " is not after its start " + start);
        }
    }

    public static Interval parse(String text, Clock clock) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("interval is empty");
        }
        String relative = text.trim().toLowerCase(Locale.ROOT).replace('-', ' ').replace('_', ' ').replaceAll("\\s+", " ");
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        switch (relative) {
            case "last full month" -> {
                YearMonth last = YearMonth.from(today).minusMonths(1);
                return of(last.atDay(1), last.plusMonths(1).atDay(1));
            }
            case "last full week" -> {
                // Genesys usage weeks start on Monday.
                LocalDate monday = today.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
                return of(monday.minusWeeks(1), monday);
            }
            case "last full day", "yesterday" -> {
                return of(today.minusDays(1), today);
            }
            case "today" -> {
                return of(today, today.plusDays(1));
            }
            default -> {
                // fall through to explicit forms
            }
        }
        String[] parts = text.trim().split("/");
        if (parts.length != 2) {
            throw new IllegalArgumentException("interval '" + text + "' is not 'start/end' (ISO-8601) nor one of: "
                    + "last full month, last full week, last full day, yesterday, today");
        }
        try {
            return new Interval(point(parts[0].trim()), point(parts[1].trim()));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("interval '" + text + "' does not parse: " + e.getParsedString()
                    + " is not an ISO-8601 date or time", e);
        }
    }

    public static Interval of(LocalDate startDay, LocalDate endDayExclusive) {
        return new Interval(startDay.atStartOfDay(ZoneOffset.UTC).toInstant(),
                endDayExclusive.atStartOfDay(ZoneOffset.UTC).toInstant());
    }

    private static Instant point(String s) {
        if (s.length() == 7) {
            return YearMonth.parse(s).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        }
        if (s.length() == 10) {
            return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
        }
        return OffsetDateTime.parse(s).toInstant();
    }

    public LocalDate startDate() {
        return LocalDate.ofInstant(start, ZoneOffset.UTC);
    }

    /** Last day touched by the interval (inclusive). */
    public LocalDate lastDate() {
        return LocalDate.ofInstant(end.minusMillis(1), ZoneOffset.UTC);
    }

    public boolean isWholeDays() {
        return start.truncatedTo(ChronoUnit.DAYS).equals(start) && end.truncatedTo(ChronoUnit.DAYS).equals(end);
    }

    public boolean contains(Instant t) {
        return !t.isBefore(start) && t.isBefore(end);
    }

    /** The form Genesys takes in query bodies. */
    public String toGenesys() {
        return ISO_MILLIS.format(start) + "/" + ISO_MILLIS.format(end);
    }

    /** A compact, file-name-safe label, e.g. 20261001T0000Z_20261101T0000Z. */
    public String label() {
        DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm'Z'").withZone(ZoneOffset.UTC);
        return f.format(start) + "_" + f.format(end);
    }

    @Override
    public String toString() {
        return toGenesys();
    }
}
