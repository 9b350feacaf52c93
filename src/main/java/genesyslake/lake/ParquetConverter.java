package genesyslake.lake;

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
 * (a kill) leaves only a {@code .tmp} file, and converting again from the spool gives the same file.
 */
public final class ParquetConverter {

    private final Path tempDir;
    private final String memoryLimit;
    private final int threads;

    public ParquetConverter(Path tempDir, String memoryLimit, int threads) {
        if (!memoryLimit.matches("(?i)\\d+(\\.\\d+)?\\s*(B|KB|MB|GB|KIB|MIB|GIB)")) {
            throw new IllegalArgumentException("DuckDB memory limit must be a size such as 256MB, was '" + memoryLimit + "'");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("DuckDB threads must be at least 1, was " + threads);
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
        String sql = "COPY (SELECT " + table.projection() + " FROM read_ndjson(" + literal(ndjsonGz) + ", columns = "
                + table.readColumns() + ", format = 'newline_delimited', compression = 'gzip')) TO " + literal(tmp)
                + " (FORMAT parquet, COMPRESSION zstd)";
        long rows;
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("SET memory_limit = '" + memoryLimit + "'");
            s.execute("SET threads = " + threads);
            s.execute("SET temp_directory = " + literal(tempDir));
            s.execute("SET TimeZone = 'UTC'"); // an instant without an offset is UTC, whatever the machine's zone
            rows = s.executeLargeUpdate(sql); // COPY answers the number of rows it wrote
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

    private static String literal(Path p) {
        return "'" + p.toAbsolutePath().toString().replace("'", "''") + "'";
    }
}
