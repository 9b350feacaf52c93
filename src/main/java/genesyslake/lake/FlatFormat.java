package genesyslake.lake;

import genesyslake.config.Settings;

import java.util.Locale;

/** How the curated (flattened) tables are published: Parquet (columnar, typed) or gzip NDJSON like the raw tables. */
public enum FlatFormat {
    PARQUET,
    NDJSON;

    public static final String SETTING = "lake.flat-format";

    /** The setting's value; anything but parquet or ndjson (blank means parquet) refuses the start, naming the setting. */
    public static FlatFormat parse(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "", "parquet" -> PARQUET;
            case "ndjson" -> NDJSON;
            default -> throw new Settings.SettingsException(SETTING, "must be parquet or ndjson, was '" + value + "'");
        };
    }
}
