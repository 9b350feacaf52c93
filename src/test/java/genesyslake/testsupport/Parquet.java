package genesyslake.testsupport;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads Parquet files back with DuckDB, the way a test checks what the lake holds. */
public final class Parquet {

    private Parquet() {
    }

    /** {@code expression} over the row alias {@code t} for each row, as text, in file order. */
    public static List<String> rows(Path file, String expression) throws IOException {
        return query("SELECT " + expression + " FROM read_parquet(" + literal(file) + ", hive_partitioning = false) t", rs -> rs.getString(1));
    }

    /** Every row as column name → JDBC value (timestamps as epoch microseconds, so they compare as instants). */
    public static List<Map<String, Object>> typedRows(Path file) throws IOException {
        List<String[]> schema = schema(file);
        StringBuilder select = new StringBuilder();
        for (String[] c : schema) {
            select.append(select.isEmpty() ? "" : ", ").append(c[1].startsWith("TIMESTAMP")
                    ? "epoch_us(\"" + c[0] + "\") AS \"" + c[0] + "\"" : "\"" + c[0] + "\"");
        }
        return query("SELECT " + select + " FROM read_parquet(" + literal(file) + ", hive_partitioning = false)", rs -> {
            Map<String, Object> row = new LinkedHashMap<>();
            for (int i = 0; i < schema.size(); i++) {
                row.put(schema.get(i)[0], rs.getObject(i + 1));
            }
            return row;
        });
    }

    /** Column name and DuckDB type, in file order. */
    public static List<String[]> schema(Path file) throws IOException {
        return query("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(" + literal(file) + ", hive_partitioning = false))",
                rs -> new String[] {rs.getString(1), rs.getString(2)});
    }

    /**
     * Each leaf column's name and its footer's type: the converted type where it has one (TIMESTAMP_MILLIS,
     * TIMESTAMP_MICROS, UTF8 …), else the physical type.
     */
    public static List<String[]> footerTypes(Path file) throws IOException {
        return query("SELECT name, coalesce(converted_type, type) FROM parquet_schema(" + literal(file)
                + ") WHERE num_children IS NULL OR num_children = 0", rs -> new String[] {rs.getString(1), rs.getString(2)});
    }

    /** The compression codec of every column chunk (ZSTD when written as agreed). */
    public static List<String> codecs(Path file) throws IOException {
        return query("SELECT DISTINCT compression FROM parquet_metadata(" + literal(file) + ")", rs -> rs.getString(1));
    }

    private interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private static <T> List<T> query(String sql, RowMapper<T> mapper) throws IOException {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            List<T> out = new ArrayList<>();
            while (rs.next()) {
                out.add(mapper.map(rs));
            }
            return out;
        } catch (SQLException e) {
            throw new IOException(sql + ": " + e.getMessage(), e);
        }
    }

    private static String literal(Path p) {
        return "'" + p.toAbsolutePath().toString().replace("'", "''") + "'";
    }
}
