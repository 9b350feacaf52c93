package genesyslake.config;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesFunction;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * {@code {{schedule:usage-export:usage:1000}}} (name : settings prefix : first delay in ms): the {@code from} uri of a
 * flow's schedule, from its settings. {@code usage.schedule}
 * (a Quartz cron expression in UTC, e.g. {@code 0 0 2 * * ?}: 02:00 every day) wins when set: a camel-quartz trigger;
 * else {@code usage.period}: a timer every period, first after the given delay in milliseconds (as before). One
 * function so a schedule route (or its template) changes only its {@code from} uri.
 */
public final class ScheduleFunction implements PropertiesFunction {

    private final CamelContext context;

    public ScheduleFunction(CamelContext context) {
        this.context = context;
    }

    @Override
    public String getName() {
        return "schedule";
    }

    @Override
    public String apply(String remainder) {
        String[] parts = remainder.split(":", 3);
        if (parts.length < 2) {
            throw new IllegalArgumentException("{{schedule:" + remainder + "}}: expected {{schedule:NAME:PREFIX[:DELAY_MS]}}");
        }
        String name = parts[0].trim();
        String prefix = parts[1].trim();
        String delay = parts.length > 2 ? parts[2].trim() : "1000";
        var properties = context.getPropertiesComponent();
        String cron = properties.resolveProperty(prefix + ".schedule").map(String::trim).orElse("");
        if (!cron.isEmpty()) {
            return uri(name, cron, null, delay);
        }
        String period = properties.resolveProperty(prefix + ".period").map(String::trim).filter(p -> !p.isEmpty())
                .orElseThrow(() -> new IllegalArgumentException("{{schedule:" + remainder + "}}: set " + prefix
                        + ".period (e.g. 1h) or " + prefix + ".schedule (a cron expression in UTC, e.g. 0 0 2 * * ?)"));
        return uri(name, null, period, delay);
    }

    /** The uri: quartz with a UTC cron when {@code cron} is given, else a timer every {@code period}. */
    static String uri(String name, String cron, String period, String delay) {
        if (cron != null) {
            return "quartz:genesys-lake/" + name + "?cron=" + URLEncoder.encode(cron, StandardCharsets.UTF_8)
                    + "&trigger.timeZone=UTC";
        }
        return "timer:" + name + "?period=" + period + "&delay=" + delay;
    }
}
