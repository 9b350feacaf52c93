package genesyslake.config;

import org.apache.camel.util.TimeUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Every setting checked at start-up against one table of keys and rules, so a typo refuses the start in one line
 * naming the key, the value and what is allowed, instead of a default taken silently ({@code glue.mode=crawlr}), a
 * run that fails later on every attempt ({@code details.page-size=5000}: Genesys answers 400), a negative figure
 * taken as it is, or a timer that fires once and never again (Camel reads "abc", "-5m" and "PT5M" as a period of 0).
 * The table follows application.properties block by block; a test keeps the two in step.
 */
public final class SettingChecks {

    private static final Logger LOG = LoggerFactory.getLogger(SettingChecks.class);

    /** What a value must be. */
    public record Rule(String allowed, Predicate<String> accepts) {
    }

    /** One row of the table: a blank value is refused when required (else the code's default applies). */
    record Check(String key, Rule rule, boolean required, boolean secret) {
    }

    private static final long MAX = Long.MAX_VALUE;

    static final Rule BOOLEAN = new Rule("true or false", v -> v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false"));
    static final Rule TEXT = new Rule("any text", v -> true);
    static final Rule PATH = new Rule("a file or folder path", v -> parses(() -> Path.of(v)));
    static final Rule PATHS = new Rule("a comma-separated list of file paths",
            v -> List.of(v.split(",")).stream().allMatch(f -> !f.isBlank() && parses(() -> Path.of(f.trim()))));
    static final Rule URL = new Rule("an http or https URL such as https://api.mypurecloud.com", SettingChecks::url);
    static final Rule PORT = wholeNumber(0, 65535, "a port from 0 to 65535 (0: any free one)");
    static final Rule TIMER_PERIOD = new Rule("a positive period such as 30s, 5m, 1h30m or 24h", SettingChecks::timerPeriod);
    static final Rule CRON = new Rule("a Quartz cron expression in UTC (seconds minutes hours day-of-month month "
            + "day-of-week), such as 0 0 2 * * ? (02:00 every day)", org.quartz.CronExpression::isValidExpression);
    static final Rule POSITIVE_DURATION = new Rule("a positive duration such as 500ms, 30s, 5m or 2h",
            v -> duration(v, d -> !d.isZero() && !d.isNegative()));
    static final Rule DURATION_OR_ZERO = new Rule("a duration, 0 or more, such as 0, 30s or 5m",
            v -> duration(v, d -> !d.isNegative()));
    static final Rule BUCKET = pattern("(?=.{3,63}$)[a-z0-9]([a-z0-9.-]*[a-z0-9])?",
            "an S3 bucket name (3 to 63 lower-case letters, digits, dots and hyphens)");
    static final Rule KEY_PREFIX = pattern("((?!\\.\\.?/)[A-Za-z0-9!_.*'()=-]+/)+",
            "an S3 key prefix that ends with /, such as archive/ (letters, digits, !_.*'()=- and /; no . or .. parts)");
    static final Rule REPORT_NAME = pattern("(?!\\.\\.?$)[A-Za-z0-9_.-]+",
            "a report name (a .sql file's name without .sql: letters, digits, _ . -)");

    /** The table, in the order of application.properties. Keys of the local stand-ins too. */
    static final List<Check> TABLE = List.of(
            optional("lake.mode", oneOf("local", "aws")),
            // Genesys Cloud org: GenesysEndpoints checks the region against the SDK's list where it is used (aws mode).
            optional("genesys.region", pattern("[A-Za-z0-9_.-]+",
                    "a Genesys Cloud region host such as mypurecloud.com, or an SDK region name such as eu_west_1")),
            optional("genesys.api-url", URL),
            optional("genesys.login-url", URL),
            optional("genesys.client-id", TEXT),
            secret("genesys.client-secret", TEXT),
            optional("genesys.rate-limit.requests-per-minute", wholeNumber(0, MAX, "a whole number, 0 (off) or more")),
            optional("genesys.retry.max-attempts", wholeNumber(1, MAX, null)),
            optional("genesys.retry.initial-backoff", POSITIVE_DURATION),
            optional("genesys.retry.max-backoff", POSITIVE_DURATION),
            optional("genesys.http.timeout", POSITIVE_DURATION),
            required("aws.region", pattern("[a-z]{2}(-[a-z]+)+-\\d+", "an AWS region such as us-east-1")),
            optional("aws.endpoint-override", URL),
            required("lake.source-bucket", BUCKET),
            required("lake.results-bucket", BUCKET),
            required("lake.work-dir", PATH),
            required("lake.dead-letter-dir", PATH),
            required("lake.state-dir", PATH),
            optional("lake.flat-format", oneOfAnyCase("parquet", "ndjson")),
            optional("lake.parquet.memory-limit", pattern("(?i)\\d+(\\.\\d+)?\\s*(B|KB|MB|GB|KIB|MIB|GIB)",
                    "a size such as 256MB or 2GB")),
            optional("lake.parquet.threads", wholeNumber(1, MAX, null)),
            required("lake.upload.redeliveries", wholeNumber(0, MAX, null)),
            required("lake.upload.redelivery-delay-ms", millis(0)),
            // S3 multipart parts: at least 5 MiB (but the last), at most 5 GiB.
            required("lake.upload.part-size", wholeNumber(5L << 20, 5L << 30,
                    "a whole number of bytes from 5242880 (5 MiB) to 5368709120 (5 GiB)")),
            required("lake.dead-letter.replay-period", TIMER_PERIOD),
            optional("lake.lock.wait", DURATION_OR_ZERO),
            optional("lake.lock.lease", POSITIVE_DURATION),
            optional("lake.shutdown.timeout", POSITIVE_DURATION),
            required("lake.schedule.enabled", BOOLEAN),
            required("lake.queries-dir", PATH),
            required("usage.query-files", PATHS),
            required("usage-daily.query-files", PATHS),
            required("usage.period", TIMER_PERIOD),
            optional("usage.schedule", CRON),
            required("usage.api", oneOf("query", "aggregates")),
            optional("usage.key-prefix", KEY_PREFIX),
            optional("usage-daily.key-prefix", KEY_PREFIX),
            optional("conversations.key-prefix", KEY_PREFIX),
            optional("users.key-prefix", KEY_PREFIX),
            // Genesys documents "Max is 1000" for GET /api/v2/usage/aggregates/query/jobs/{jobId}?pageSize=.
            required("usage.aggregates.page-size", wholeNumber(1, 1000, null)),
            required("usage.poll.delay", POSITIVE_DURATION),
            required("usage.poll.max-wait", POSITIVE_DURATION),
            required("usage.stamp-granularity", BOOLEAN),
            required("conversations.query-file", PATH),
            required("conversations.period", TIMER_PERIOD),
            optional("conversations.schedule", CRON),
            required("conversations.trailing-window", DURATION_OR_ZERO),
            required("users.query-file", PATH),
            required("users.period", TIMER_PERIOD),
            optional("users.schedule", CRON),
            required("users.trailing-window", DURATION_OR_ZERO),
            // Job results are paged by at most 1000; the synchronous query's 100 a page is fixed in the route.
            required("details.page-size", wholeNumber(1, 1000, null)),
            required("reference.period", TIMER_PERIOD),
            optional("reference.schedule", CRON),
            required("reference.page-size", wholeNumber(1, 500, null)),
            optional("reference.key-prefix", KEY_PREFIX),
            required("details.job.poll.delay", POSITIVE_DURATION),
            required("details.job.poll.max-wait", POSITIVE_DURATION),
            required("details.initial-lookback-days", wholeNumber(1, MAX, null)),
            required("details.max-days-per-run", wholeNumber(1, MAX, null)),
            required("details.jobs.max-in-flight", wholeNumber(1, MAX, null)),
            required("details.jobs.refused-max-wait", POSITIVE_DURATION),
            optional("lake.backfill.confirm-days", wholeNumber(1, MAX, null)),
            optional("lake.backfill.order", oneOf("newest-first", "oldest-first")),
            // Genesys pages at most 100 000 results of one synchronous query.
            required("details.query.max-results", wholeNumber(1, 100_000, null)),
            // Names that go into Athena DDL and SQL: only what Glue and Athena allow unquoted.
            required("glue.database", pattern("[a-z0-9_]{1,255}", "a Glue database name: lower-case letters, digits and _")),
            required("glue.crawler", pattern("[A-Za-z0-9 _.-]{1,255}", "a Glue crawler name (letters, digits, space, _ . -)")),
            required("glue.mode", oneOf("crawler", "projection")),
            required("glue.poll.delay", POSITIVE_DURATION),
            required("glue.max-wait", POSITIVE_DURATION),
            required("athena.workgroup", pattern("[A-Za-z0-9._-]{1,128}", "an Athena workgroup name (letters, digits, _ . -)")),
            required("athena.reports-dir", PATH),
            optional("athena.reports", pattern("[A-Za-z0-9_.-]+(\\s*,\\s*[A-Za-z0-9_.-]+)*",
                    "report names (the .sql files' names without .sql) separated by commas")),
            required("athena.wait-timeout", millis(1)),
            required("athena.delay", millis(1)),
            required("athena.max-attempts", wholeNumber(1, MAX, null)),
            required("lake.reports-dir", PATH),
            optional("alert.rate-limit-share", new Rule("a number from 0 to 1 (a share: 0.05 is 5 %)", v -> {
                double share = Double.parseDouble(v);
                return share >= 0 && share <= 1;
            })),
            optional("local.genesys.port", PORT),
            optional("local.s3.port", PORT),
            optional("local.aws.port", PORT),
            optional("local.s3.access-key", TEXT),
            secret("local.s3.secret-key", TEXT),
            required("local.data-dir", PATH),
            optional("local.genesys.client-id", TEXT),
            secret("local.genesys.client-secret", TEXT),
            optional("local.genesys.oauth-clients", wholeNumber(1, MAX, null)),
            optional("local.genesys.conversations-per-day", wholeNumber(1, MAX, null)),
            optional("local.genesys.users", wholeNumber(1, MAX, null)),
            optional("local.genesys.running-polls", wholeNumber(0, MAX, null)),
            optional("local.genesys.rate-limit.requests-per-minute", wholeNumber(0, MAX, "a whole number, 0 (off) or more")),
            optional("local.genesys.job-latency", DURATION_OR_ZERO),
            optional("local.genesys.max-running-jobs", wholeNumber(0, MAX, "a whole number, 0 (no limit) or more")),
            // The local Genesys' cap on one synchronous query's results; Genesys' own is 100 000.
            optional("local.genesys.query.max-results", wholeNumber(1, MAX, null)),
            optional("local.athena.query-timeout", POSITIVE_DURATION),
            optional("local.athena.max-result-mb", wholeNumber(1, Integer.MAX_VALUE, null)),
            // Camel's own: checked here too, so a typo is one line of ours rather than a binding error.
            optional("camel.main.name", TEXT),
            optional("camel.main.routes-include-pattern", TEXT),
            optional("camel.main.routes-reload-enabled", BOOLEAN),
            optional("camel.main.routes-reload-directory", PATH),
            optional("camel.main.routes-reload-pattern", TEXT),
            optional("camel.main.routes-reload-remove-all-routes", BOOLEAN),
            optional("camel.main.jmx-management-m-beans-level", oneOfAnyCase("ContextOnly", "RoutesOnly", "Default")),
            optional("lake.ha.enabled", BOOLEAN),
            optional("lake.ha.lock-dir", PATH),
            optional("lake.ha.instance-id", TEXT),
            optional("lake.ha.mode", oneOfAnyCase("file", "kubernetes")),
            optional("lake.ha.file.acquire-lock-interval", POSITIVE_DURATION),
            optional("lake.ha.kubernetes.master-url", URL),
            optional("lake.ha.kubernetes.namespace", pattern("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?", "a Kubernetes namespace name")),
            optional("lake.ha.kubernetes.lease-name", pattern("[a-z0-9]([a-z0-9.-]{0,200}[a-z0-9])?", "a Kubernetes object name")),
            // Parsed by HaCluster itself (name=value pairs; a bad one refuses the start naming this key).
            optional("lake.ha.kubernetes.pod-labels", TEXT),
            optional("lake.ha.kubernetes.lease-duration", POSITIVE_DURATION),
            optional("lake.ha.kubernetes.renew-deadline", POSITIVE_DURATION),
            optional("lake.ha.kubernetes.retry-period", POSITIVE_DURATION),
            optional("camel.management.enabled", BOOLEAN),
            optional("camel.management.host", pattern("[A-Za-z0-9.:\\[\\]-]+", "a host name or IP address such as 127.0.0.1")),
            optional("camel.management.port", PORT),
            optional("camel.management.health-check-enabled", BOOLEAN),
            optional("camel.management.jolokia-enabled", BOOLEAN),
            optional("camel.management.metrics-enabled", BOOLEAN),
            optional("camel.metrics.enabled", BOOLEAN),
            optional("camel.metrics.path", pattern("/[A-Za-z0-9/_.-]*", "a URL path that starts with /")),
            optional("lake.management.user", TEXT),
            secret("lake.management.password", TEXT),
            secret("lake.management.password-file", PATH),
            // Remote JMX (RemoteJmx): off while the port is blank; needs the operator's login above.
            optional("lake.jmx.port", PORT),
            optional("lake.jmx.host", pattern("[A-Za-z0-9.:\\[\\]-]+", "a host name or IP address such as 127.0.0.1")),
            optional("lake.jmx.ssl", BOOLEAN),
            optional("lake.jmx.key-store", PATH),
            secret("lake.jmx.key-store-password-file", PATH),
            // Host names checked by ManagementSecurity itself (a bad entry refuses the start naming this key).
            optional("lake.management.allowed-hosts", TEXT),
            optional("lake.management.run-threads", wholeNumber(1, MAX, null)),
            optional("lake.management.sync-timeout", POSITIVE_DURATION),
            optional("lake.status.refresh", DURATION_OR_ZERO),
            optional("lake.status.days", wholeNumber(1, MAX, null)),
            optional("lake.status.chart-report", REPORT_NAME),
            optional("lake.health.max-lag", POSITIVE_DURATION),
            // Set by the command line (daemon, once, backfill): named in the lake lock's holder record.
            optional("lake.run-mode", TEXT));

    /** Keys made of a prefix and a flow id: every key set with the prefix is checked. */
    static final List<Check> PATTERNS = List.of(optional("lake.health.max-lag.", POSITIVE_DURATION));

    /** Namespaces of ours: a key set in them that no row names is reported (a typo keeps the default). */
    private static final List<String> OURS = List.of("lake.", "genesys.", "usage.", "conversations.", "users.", "details.",
            "reference.",
            "glue.", "athena.", "alert.", "local.");

    private SettingChecks() {
    }

    /** @throws Settings.SettingsException naming the first bad key, what it holds (unless secret) and what is allowed */
    public static void check(Settings s) {
        for (Check c : TABLE) {
            check(s, c, c.key());
        }
        Set<String> names = new TreeSet<>(s.names());
        for (Check pattern : PATTERNS) {
            String envPrefix = pattern.key().toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
            for (String env : System.getenv().keySet()) {
                if (env.startsWith(envPrefix) && env.length() > envPrefix.length()) {
                    names.add(pattern.key() + env.substring(envPrefix.length()).toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
                }
            }
            for (String key : names) {
                if (key.startsWith(pattern.key()) && key.length() > pattern.key().length()) {
                    check(s, pattern, key);
                }
            }
        }
        List<String> unknown = names.stream().filter(k -> OURS.stream().anyMatch(k::startsWith))
                .filter(k -> TABLE.stream().noneMatch(c -> c.key().equals(k)))
                .filter(k -> PATTERNS.stream().noneMatch(p -> k.startsWith(p.key()))).toList();
        if (!unknown.isEmpty()) {
            LOG.warn("Settings genesys-lake does not know (a typo keeps the default; route files may use keys of their "
                    + "own): {}", unknown);
        }
    }

    private static void check(Settings s, Check c, String key) {
        String value = s.optional(key).orElse(null);
        if (value == null) {
            if (c.required()) {
                throw new Settings.SettingsException(key, "is required but not set (it must be " + c.rule().allowed() + ")");
            }
            return;
        }
        boolean ok;
        try {
            ok = c.rule().accepts().test(value);
        } catch (RuntimeException e) {
            ok = false;
        }
        if (!ok) {
            throw new Settings.SettingsException(key, "must be " + c.rule().allowed()
                    + (c.secret() ? " (its value is not shown)" : ", was '" + shown(value) + "'"));
        }
    }

    /** The value as the refusal shows it: one line, and short. */
    private static String shown(String value) {
        String v = value.replaceAll("\\p{Cntrl}", "?");
        return v.length() > 120 ? v.substring(0, 120) + "..." : v;
    }

    private static Check required(String key, Rule rule) {
        return new Check(key, rule, true, false);
    }

    private static Check optional(String key, Rule rule) {
        return new Check(key, rule, false, false);
    }

    private static Check secret(String key, Rule rule) {
        return new Check(key, rule, false, true);
    }

    static Rule oneOf(String... values) {
        List<String> allowed = List.of(values);
        return new Rule("one of " + String.join(", ", allowed), allowed::contains);
    }

    static Rule oneOfAnyCase(String... values) {
        List<String> allowed = List.of(values);
        return new Rule("one of " + String.join(", ", allowed) + " (any case)",
                v -> allowed.stream().anyMatch(a -> a.equalsIgnoreCase(v)));
    }

    /** @param allowed how the refusal says it, or null for "a whole number from min to max" / "min or more" */
    static Rule wholeNumber(long min, long max, String allowed) {
        String said = allowed != null ? allowed
                : max == MAX ? "a whole number, " + min + " or more" : "a whole number from " + min + " to " + max;
        return new Rule(said, v -> {
            long n = Long.parseLong(v);
            return n >= min && n <= max;
        });
    }

    static Rule millis(long min) {
        return new Rule(min > 0 ? "a whole number of milliseconds, " + min + " or more"
                : "a whole number of milliseconds, 0 or more", v -> Long.parseLong(v) >= min);
    }

    static Rule pattern(String regex, String allowed) {
        Pattern p = Pattern.compile(regex);
        return new Rule(allowed, v -> p.matcher(v).matches());
    }

    private static boolean timerPeriod(String v) {
        return TimeUtils.toMilliSeconds(v) > 0;
    }

    private static boolean duration(String v, Predicate<Duration> ok) {
        return ok.test(Durations.parse(v));
    }

    private static boolean url(String v) {
        URI u = URI.create(v);
        return ("http".equalsIgnoreCase(u.getScheme()) || "https".equalsIgnoreCase(u.getScheme())) && u.getHost() != null;
    }

    private static boolean parses(Runnable parse) {
        try {
            parse.run();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
