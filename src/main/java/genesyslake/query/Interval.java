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

    // uuuu (proleptic year), not yyyy (year of era): with yyyy year 0 prints as 0001, so a day of year 0 would be
    // asked of Genesys and written to the lake as a day of year 1.
    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter LABEL = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmm'Z'").withZone(ZoneOffset.UTC);
    /** The years an interval given by a user may touch: ISO-8601's four-digit years, as Genesys and the lake's keys take them. */
    public static final int MIN_YEAR = 1;
    public static final int MAX_YEAR = 9999;

    public Interval {
        if (!end.isAfter(start)) {
            throw new IllegalArgumentException("interval end " + end + " is not after its start " + start);
        }
    }

    public static Interval parse(String text, Clock clock) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("interval '" + (text == null ? "" : text) + "' is empty");
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
        Instant start;
        Instant end;
        try {
            start = point(text, parts[0].trim());
            end = point(text, parts[1].trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("interval '" + text + "' does not parse: " + e.getParsedString()
                    + " is not an ISO-8601 date or time", e);
        }
        if (!end.isAfter(start)) {
            throw new IllegalArgumentException("interval '" + text + "': its end is not after its start");
        }
        return new Interval(start, end);
    }

    public static Interval of(LocalDate startDay, LocalDate endDayExclusive) {
        return new Interval(startDay.atStartOfDay(ZoneOffset.UTC).toInstant(),
                endDayExclusive.atStartOfDay(ZoneOffset.UTC).toInstant());
    }

    /** One end of an explicit interval; its UTC year must be one of 1 to 9999 (ISO-8601 parses years 0 and +10000). */
    private static Instant point(String text, String s) {
        Instant at;
        if (s.indexOf('T') >= 0 || s.indexOf('t') >= 0) { // ISO-8601 parses the T in either case
            at = OffsetDateTime.parse(s).toInstant();
        } else if (s.matches("[+-]?\\d+-\\d\\d")) {
            at = YearMonth.parse(s).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        } else {
            at = LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
        }
        int year = at.atZone(ZoneOffset.UTC).getYear();
        if (year < MIN_YEAR || year > MAX_YEAR) {
            throw new IllegalArgumentException("interval '" + text + "': " + s + " is in year " + year + "; only years "
                    + MIN_YEAR + " to " + MAX_YEAR + " are exported");
        }
        return at;
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
        return LABEL.format(start) + "_" + LABEL.format(end);
    }

    @Override
    public String toString() {
        return toGenesys();
    }
}
