package genesyslake.config;

import org.apache.camel.util.TimeUtils;

import java.time.Duration;
import java.util.List;

/**
 * Every duration setting checked at start-up, so a typo refuses the start with the key named instead of, say, a
 * timer that fires once and never again (Camel reads "abc", "-5m", "0" and even "PT5M" as a period of 0).
 */
public final class DurationChecks {

    /** Periods the routes hand to Camel timers as they are: checked with Camel's own parser. */
    static final List<String> TIMER_PERIODS = List.of("usage.period", "conversations.period", "users.period",
            "lake.dead-letter.replay-period");
    /** Durations the Java beans read with {@link Durations}: must be positive. */
    static final List<String> POSITIVE = List.of("usage.poll.delay", "usage.poll.max-wait", "details.job.poll.delay",
            "details.job.poll.max-wait", "glue.poll.delay", "glue.max-wait", "genesys.retry.initial-backoff",
            "genesys.retry.max-backoff", "genesys.http.timeout", "lake.management.sync-timeout", "lake.health.max-lag",
            "lake.lock.lease",
            // The shipped per-flow ones; another lake.health.max-lag.<flow> that is not a duration makes that flow's
            // health check DOWN naming it (flows are known only once the routes are loaded).
            "lake.health.max-lag.usage-export", "lake.health.max-lag.usage-aggregates");
    /** Durations where zero means "none": must not be negative. */
    static final List<String> NOT_NEGATIVE = List.of("conversations.trailing-window", "users.trailing-window",
            "lake.lock.wait", "lake.status.refresh");
    /** Plain milliseconds handed to Camel endpoints. */
    static final List<String> POSITIVE_MILLIS = List.of("athena.wait-timeout", "athena.delay");
    static final List<String> NOT_NEGATIVE_MILLIS = List.of("lake.upload.redelivery-delay-ms");

    private DurationChecks() {
    }

    /** @throws Settings.SettingsException naming the first bad key and its value */
    public static void check(Settings s) {
        for (String key : TIMER_PERIODS) {
            s.optional(key).ifPresent(v -> {
                long ms;
                try {
                    ms = TimeUtils.toMilliSeconds(v);
                } catch (RuntimeException e) {
                    ms = 0;
                }
                if (ms <= 0) {
                    throw new Settings.SettingsException(key, "must be a positive period such as 30s, 5m, 1h30m or 24h, was '"
                            + v + "'");
                }
            });
        }
        for (String key : POSITIVE) {
            Duration d = s.duration(key, Duration.ofSeconds(1));
            if (d.isZero() || d.isNegative()) {
                throw new Settings.SettingsException(key, "must be a positive duration such as 500ms, 30s or 5m, was '"
                        + s.optional(key).orElse("") + "'");
            }
        }
        for (String key : NOT_NEGATIVE) {
            if (s.duration(key, Duration.ZERO).isNegative()) {
                throw new Settings.SettingsException(key, "must not be negative, was '" + s.optional(key).orElse("") + "'");
            }
        }
        for (String key : POSITIVE_MILLIS) {
            millis(s, key, 1);
        }
        for (String key : NOT_NEGATIVE_MILLIS) {
            millis(s, key, 0);
        }
    }

    private static void millis(Settings s, String key, long min) {
        s.optional(key).ifPresent(v -> {
            long ms;
            try {
                ms = Long.parseLong(v);
            } catch (NumberFormatException e) {
                ms = Long.MIN_VALUE;
            }
            if (ms < min) {
                throw new Settings.SettingsException(key, "must be a whole number of milliseconds"
                        + (min > 0 ? " above 0" : ", 0 or more") + ", was '" + v + "'");
            }
        });
    }
}
