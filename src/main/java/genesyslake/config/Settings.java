package genesyslake.config;

import org.apache.camel.spi.PropertiesComponent;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;

/** Typed, validated access to the application properties; a bad value fails with the key named. */
public final class Settings {

    private final Function<String, Optional<String>> source;
    private final Supplier<Set<String>> names;

    public Settings(Function<String, Optional<String>> source) {
        this(source, Set::of);
    }

    /** @param names the keys that are set (so that keys made of a prefix and a flow id can be checked) */
    public Settings(Function<String, Optional<String>> source, Supplier<Set<String>> names) {
        this.source = source;
        this.names = names;
    }

    /** The daemon's settings: application.properties, overrides, -D system properties and environment variables. */
    public static Settings of(PropertiesComponent properties) {
        return new Settings(properties::resolveProperty, () -> {
            Set<String> keys = new TreeSet<>(properties.loadProperties().stringPropertyNames());
            keys.addAll(System.getProperties().stringPropertyNames());
            return keys;
        });
    }

    /** The keys that are set (environment variables aside: their names do not say where a dot or a dash was). */
    public Set<String> names() {
        return names.get();
    }

    public Optional<String> optional(String key) {
        return source.apply(key).map(String::trim).filter(v -> !v.isEmpty());
    }

    public String string(String key) {
        return optional(key).orElseThrow(() -> new SettingsException(key, "is required but not set"));
    }

    public String string(String key, String defaultValue) {
        return optional(key).orElse(defaultValue);
    }

    public int integer(String key, int defaultValue) {
        return optional(key).map(v -> parse(key, v, Integer::parseInt, "a whole number")).orElse(defaultValue);
    }

    public double decimal(String key, double defaultValue) {
        return optional(key).map(v -> parse(key, v, Double::parseDouble, "a number")).orElse(defaultValue);
    }

    public boolean bool(String key, boolean defaultValue) {
        return optional(key).map(v -> {
            if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
                throw new SettingsException(key, "must be true or false, was '" + v + "'");
            }
            return Boolean.parseBoolean(v);
        }).orElse(defaultValue);
    }

    public Duration duration(String key, Duration defaultValue) {
        return optional(key).map(v -> parse(key, v, Durations::parse, "a duration such as 30s, 5m, 2h, 1d or PT5M"))
                .orElse(defaultValue);
    }

    private static <T> T parse(String key, String value, Function<String, T> parser, String expected) {
        try {
            return parser.apply(value);
        } catch (RuntimeException e) {
            throw new SettingsException(key, "must be " + expected + ", was '" + value + "'");
        }
    }

    /** A setting that is missing or malformed. */
    public static final class SettingsException extends IllegalArgumentException {
        public SettingsException(String key, String problem) {
            super("Setting '" + key + "' " + problem);
        }
    }
}
