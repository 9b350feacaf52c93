package genesyslake.local.genesys;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** ISO-8601 intervals as Genesys accepts them: instants, offsets, local date-times (UTC), dates and months. */
final class Intervals {

    /** [startMs, endMs) in epoch milliseconds. */
    record Span(long startMs, long endMs) {
        long firstDay() {
            return Math.floorDiv(startMs, Det.DAY_MS);
        }

        /** Last epoch day with any instant in the span. */
        long lastDay() {
            return Math.floorDiv(endMs - 1, Det.DAY_MS);
        }
    }

    private Intervals() {
    }

    static Span parse(String text, String field) {
        if (text == null || text.isBlank()) {
            throw new BadRequest(field + " is required");
        }
        int slash = text.indexOf('/');
        if (slash < 0 || text.indexOf('/', slash + 1) >= 0) {
            throw new BadRequest("Invalid " + field + " '" + text + "': expected start/end");
        }
        long start = point(text.substring(0, slash).trim(), text, field);
        long end = point(text.substring(slash + 1).trim(), text, field);
        if (end <= start) {
            throw new BadRequest("Invalid " + field + " '" + text + "': end must be after start");
        }
        return new Span(start, end);
    }

    private static long point(String s, String whole, String field) {
        try {
            if (s.length() == 7) {
                return YearMonth.parse(s).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
            }
            if (s.length() == 10) {
                return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
            }
            if (s.endsWith("Z") || s.endsWith("z")) {
                return Instant.parse(s.toUpperCase()).toEpochMilli();
            }
            try {
                return OffsetDateTime.parse(s).toInstant().toEpochMilli();
            } catch (DateTimeParseException e) {
                return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC).toEpochMilli();
            }
        } catch (DateTimeParseException e) {
            throw new BadRequest("Invalid " + field + " '" + whole + "': '" + s + "' is not an ISO-8601 date or time");
        }
    }
}
