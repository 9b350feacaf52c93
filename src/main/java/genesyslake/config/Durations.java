package genesyslake.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the durations used in settings: "500ms", "30s", "5m", "2h", "1d", ISO-8601 "PT5M", or plain milliseconds. */
public final class Durations {

    private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private Durations() {
    }

    public static Duration parse(String text) {
        String t = text.trim().toLowerCase();
        if (t.startsWith("p")) {
            return Duration.parse(text.trim().toUpperCase());
        }
        if (t.chars().allMatch(Character::isDigit)) {
            return Duration.ofMillis(Long.parseLong(t));
        }
        Matcher m = SHORT.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration: " + text);
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }
}
