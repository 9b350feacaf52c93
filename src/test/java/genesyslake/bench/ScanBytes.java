package genesyslake.bench;

import genesyslake.catalog.LakeTables.Column;
import genesyslake.catalog.LakeTables.LakeTable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The bytes Athena would scan for one report, computed from the lake's own files rather than measured by an engine:
 * for gzip NDJSON every byte of every object in the partitions the report touches (a row format is read whole); for
 * Parquet the compressed column chunks of the columns the report names in those partitions (from each file's footer,
 * via DuckDB's {@code parquet_metadata}). Footers are not counted on either side. Over-counting columns only makes
 * Parquet look worse: a name that appears anywhere in the SQL counts for every table it reads that has the column.
 */
final class ScanBytes {

    private static final Pattern TABLE = Pattern.compile(
            "(?i)\\b(?:from|join)\\s+(?:\"?\\w+\"?\\s*\\.\\s*)?\"?(\\w+)\"?");
    private static final Pattern EQUALS = Pattern.compile("(?i)\"?(\\w+)\"?\\s*=\\s*'([^']*)'");

    /** What one report reads of one table: the columns it names, and the partition values it is limited to. */
    record TableRead(LakeTable table, Set<String> columns, String partitionValue) {
    }

    private ScanBytes() {
    }

    /** The lake tables a report's SQL reads, each with its referenced columns and any {@code key = 'value'} partition. */
    static List<TableRead> reads(String sql, List<LakeTable> lake) {
        String text = withoutComments(sql);
        String lower = text.toLowerCase(Locale.ROOT);
        boolean star = Pattern.compile("(?i)select\\s+\\*").matcher(text).find();
        Map<String, TableRead> out = new LinkedHashMap<>();
        Matcher m = TABLE.matcher(text);
        while (m.find()) {
            String name = m.group(1).toLowerCase(Locale.ROOT);
            lake.stream().filter(t -> t.name().equals(name)).findFirst().ifPresent(t -> {
                Set<String> cols = new TreeSet<>();
                for (Column c : t.columns()) {
                    String n = c.name().toLowerCase(Locale.ROOT);
                    if (star || Pattern.compile("\\b" + Pattern.quote(n) + "\\b").matcher(lower).find()) {
                        cols.add(n);
                    }
                }
                cols.remove(t.partitionKey().toLowerCase(Locale.ROOT)); // a partition column is in the path only
                out.put(name, new TableRead(t, cols, partitionValue(text, t.partitionKey())));
            });
        }
        return new ArrayList<>(out.values());
    }

    /** The value of a {@code key = 'value'} predicate on the partition key, or null when all partitions are read. */
    static String partitionValue(String sql, String key) {
        Matcher m = EQUALS.matcher(withoutComments(sql));
        while (m.find()) {
            if (m.group(1).equalsIgnoreCase(key)) {
                return m.group(2);
            }
        }
        return null;
    }

    private static String withoutComments(String sql) {
        return sql.replaceAll("(?m)--.*$", "");
    }

    /** The table's objects whose name ends with {@code suffix}, in the partitions the read touches. */
    static List<Path> objects(Path bucket, TableRead read, String suffix) throws IOException {
        Path dir = read.table().atRoot() ? bucket : bucket.resolve(read.table().prefix());
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        String key = read.table().partitionKey() + "=";
        List<Path> out = new ArrayList<>();
        try (Stream<Path> partitions = Files.list(dir)) {
            // Only this table's own partition folders: at the bucket root the other tables' folders sit beside them.
            for (Path p : partitions.filter(Files::isDirectory).sorted().toList()) {
                String folder = p.getFileName().toString();
                if (!folder.startsWith(key)
                        || read.partitionValue() != null && !folder.equals(key + read.partitionValue())) {
                    continue;
                }
                try (Stream<Path> files = Files.walk(p)) {
                    files.filter(f -> Files.isRegularFile(f) && f.getFileName().toString().endsWith(suffix))
                            .sorted().forEach(out::add);
                }
            }
        }
        return out;
    }

    /** Bytes of every gzip NDJSON object the read touches: a row format is scanned whole. */
    static long ndjsonBytes(Path bucket, TableRead read) throws IOException {
        return objectBytes(bucket, read, ".json.gz");
    }

    /** Compressed column-chunk bytes of the referenced columns in every Parquet object the read touches. */
    static long parquetBytes(Connection duck, Path bucket, TableRead read) throws IOException, SQLException {
        long n = 0;
        try (PreparedStatement st = duck.prepareStatement(
                "SELECT lower(path_in_schema), sum(total_compressed_size) FROM parquet_metadata(?) GROUP BY 1")) {
            for (Path f : objects(bucket, read, ".parquet")) {
                st.setString(1, f.toString());
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        if (read.columns().contains(rs.getString(1))) {
                            n += rs.getLong(2);
                        }
                    }
                }
            }
        }
        return n;
    }

    /** Bytes of every Parquet object (footers included) the read touches: what the files cost to store. */
    static long parquetFileBytes(Path bucket, TableRead read) throws IOException {
        return objectBytes(bucket, read, ".parquet");
    }

    private static long objectBytes(Path bucket, TableRead read, String suffix) throws IOException {
        long n = 0;
        for (Path f : objects(bucket, read, suffix)) {
            n += Files.size(f);
        }
        return n;
    }
}
