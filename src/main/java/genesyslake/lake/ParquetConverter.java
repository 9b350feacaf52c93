package genesyslake.lake;

import genesyslake.config.Settings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Converts one spooled gzip NDJSON object of a curated table into a Parquet file with DuckDB: a typed projection of
 * {@code read_ndjson} copied to ZSTD Parquet. DuckDB streams it, so Java memory is untouched and DuckDB's own is held
 * to {@code memoryLimit} (spilling to {@code tempDir}). The spool stays the source of truth: a conversion cut short
 * (a kill) leaves only a {@code .tmp} file, and converting again from the spool gives the same rows.
 *
 * <p>A converted file's rows are not kept in the spool's order: DuckDB then writes row groups on all its threads
 * instead of one, which on a 1 M-conversation day cut converting its 5.5 M segment rows from ~13 s to ~10 s. Rows in
 * a table have no order in SQL; the summaries ({@link #write}) are written with their ORDER BY.
 */
public final class ParquetConverter {

    /** The settings of DuckDB's memory limit and threads while converting. */
    public static final String MEMORY_LIMIT = "lake.parquet.memory-limit";
    public static final String THREADS = "lake.parquet.threads";

    private final Path tempDir;
    private final String memoryLimit;
    private final int threads;

    public ParquetConverter(Path tempDir, String memoryLimit, int threads) {
        if (!memoryLimit.matches("(?i)\\d+(\\.\\d+)?\\s*(B|KB|MB|GB|KIB|MIB|GIB)")) {
            throw new Settings.SettingsException(MEMORY_LIMIT, "must be a size such as 256MB, was '" + memoryLimit + "'");
        }
        if (threads < 1) {
            throw new Settings.SettingsException(THREADS, "must be at least 1, was " + threads);
        }
        this.tempDir = tempDir;
        this.memoryLimit = memoryLimit;
        this.threads = threads;
    }

    /**
     * Writes {@code parquet} from {@code ndjsonGz} and returns its row count, which must equal {@code expectedRows}
     * (the spool's count): a difference fails the conversion, so no row goes missing silently.
     */
    public long convert(Path ndjsonGz, CuratedTable table, Path parquet, long expectedRows) throws IOException {
        OwnerOnly.createDirectories(parquet.getParent());
        OwnerOnly.createDirectories(tempDir);
        Path tmp = parquet.resolveSibling(parquet.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        String sql = "COPY (SELECT " + table.projection() + " FROM " + readSpool(ndjsonGz, table) + ") TO "
                + literal(tmp) + " (FORMAT parquet, COMPRESSION zstd)";
        long rows;
        try {
            rows = copy(sql, false);
        } catch (SQLException e) {
            Files.deleteIfExists(tmp);
            throw new IOException("Converting " + ndjsonGz + " (" + table.name() + ") to Parquet failed: "
                    + e.getMessage().lines().findFirst().orElse(""), e);
        }
        if (rows != expectedRows) {
            Files.deleteIfExists(tmp);
            throw new IOException("Converting " + ndjsonGz + " (" + table.name() + ") to Parquet gave " + rows
                    + " rows but the spool holds " + expectedRows);
        }
        Files.move(OwnerOnly.restrict(tmp), parquet, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return rows;
    }

    /**
     * Writes the rows of {@code select} (a query over {@link #readSpool} sources) to {@code target}: ZSTD Parquet, or
     * gzip NDJSON in {@link FlatFormat#NDJSON}. Returns the number of rows written; a failure leaves no target.
     */
    public long write(String select, FlatFormat format, Path target) throws IOException {
        OwnerOnly.createDirectories(target.getParent());
        OwnerOnly.createDirectories(tempDir);
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        String options = format == FlatFormat.PARQUET ? "(FORMAT parquet, COMPRESSION zstd)"
                : "(FORMAT json, COMPRESSION gzip)";
        long rows;
        try {
            rows = copy("COPY (" + select + ") TO " + literal(tmp) + " " + options, true);
        } catch (SQLException e) {
            Files.deleteIfExists(tmp);
            throw new IOException("Writing " + target + " failed: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        Files.move(OwnerOnly.restrict(tmp), target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return rows;
    }

    /** A FROM source reading a spooled gzip NDJSON object of a curated table with its columns as spooled. */
    static String readSpool(Path ndjsonGz, CuratedTable table) {
        return "read_ndjson(" + literal(ndjsonGz) + ", columns = " + table.readColumns()
                + ", format = 'newline_delimited', compression = 'gzip')";
    }

    private long copy(String sql, boolean inOrder) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("SET preserve_insertion_order = " + inOrder);
            s.execute("SET memory_limit = '" + memoryLimit + "'");
            s.execute("SET threads = " + threads);
            s.execute("SET temp_directory = " + literal(tempDir));
            s.execute("SET TimeZone = 'UTC'"); // an instant without an offset is UTC, whatever the machine's zone
            return s.executeLargeUpdate(sql); // COPY answers the number of rows it wrote
        }
    }

    private static String literal(Path p) {
        return "'" + p.toAbsolutePath().toString().replace("'", "''") + "'";
    }
}
