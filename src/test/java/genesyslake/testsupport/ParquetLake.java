package genesyslake.testsupport;

import genesyslake.catalog.LakeTables;
import genesyslake.catalog.LakeTables.LakeTable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Test fixtures in the contract's Parquet: each gzip NDJSON object of a table becomes a {@code .parquet} object
 * beside it (same partition folder), columns in {@link LakeTables} order and type (timestamps UTC, counts bigint),
 * ZSTD, written by DuckDB from the NDJSON the flatteners write.
 */
public final class ParquetLake {

    private ParquetLake() {
    }

    /** Converts every {@code .json.gz} under {@code bucketDir/<table prefix>} and deletes the NDJSON object. */
    public static int convert(Path bucketDir, LakeTable table) {
        if (table.storage() != LakeTables.Storage.PARQUET) {
            throw new IllegalArgumentException(table.name() + " is not a Parquet table in this flat format");
        }
        Path dir = bucketDir.resolve(table.prefix());
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(f -> f.getFileName().toString().endsWith(".json.gz")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + dir, e);
        }
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement st = duck.createStatement()) {
            st.execute("SET TimeZone = 'UTC'");
            for (Path f : files) {
                String out = f.toString().replaceFirst("\\.json\\.gz$", ".parquet");
                st.execute("COPY (" + select(table, f) + ") TO " + literal(out) + " (FORMAT parquet, COMPRESSION zstd)");
                Files.delete(f);
            }
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("Cannot convert " + table.name() + " under " + dir + " to Parquet: "
                    + e.getMessage(), e);
        }
        return files.size();
    }

    /** The typed SELECT over one NDJSON object: every field read as text, then cast to the contract's type. */
    static String select(LakeTable table, Path ndjson) {
        String columns = table.columns().stream().map(c -> literal(c.name()) + ": 'VARCHAR'")
                .collect(Collectors.joining(", ", "{", "}"));
        String casts = table.columns().stream()
                .map(c -> "CAST(" + quote(c.name()) + " AS " + duckType(c.type()) + ") AS " + quote(c.name()))
                .collect(Collectors.joining(", "));
        return "SELECT " + casts + " FROM read_ndjson(" + literal(ndjson.toString()) + ", columns=" + columns + ")";
    }

    static String duckType(String glueType) {
        return switch (glueType.toLowerCase(Locale.ROOT)) {
            case "string" -> "VARCHAR";
            case "bigint" -> "BIGINT";
            case "double" -> "DOUBLE";
            case "timestamp" -> "TIMESTAMPTZ";
            default -> throw new IllegalArgumentException("No Parquet fixture type for Glue type " + glueType);
        };
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    private static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
