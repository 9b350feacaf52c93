package genesyslake.catalog;

import genesyslake.catalog.LakeTables.LakeTable;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Athena DDL for glue.mode=projection: the lake's tables with partition projection, so no crawler is needed. */
public final class ProjectionDdl {

    /** First day a projected {@code date} partition may have; later days up to today are projected. */
    static final String DATE_RANGE = "2020-01-01,NOW";

    private ProjectionDdl() {
    }

    /** The database, then one {@code CREATE EXTERNAL TABLE IF NOT EXISTS} per lake table, in that order. */
    public static List<String> statements(String database, FlowCatalog catalog) {
        List<String> ddl = new ArrayList<>();
        ddl.add("CREATE DATABASE IF NOT EXISTS `" + database + "`");
        catalog.tables().forEach(t -> ddl.add(table(database, t.bucket(), t.table())));
        return ddl;
    }

    /** Athena's DROP TABLE for one table (an external table: its objects stay). */
    public static String drop(String database, String table) {
        return "DROP TABLE IF EXISTS `" + database + "`.`" + table + "`";
    }

    static String table(String database, String bucket, LakeTable t) {
        String key = t.partitionKey();
        String columns = t.columns().stream()
                .map(c -> "  `" + c.name().toLowerCase(Locale.ROOT) + "` " + c.type())
                .collect(Collectors.joining(",\n"));
        StringBuilder props = new StringBuilder();
        props.append("  'projection.enabled' = 'true',\n");
        if (key.equals("granularity")) {
            props.append("  'projection.granularity.type' = 'enum',\n");
            props.append("  'projection.granularity.values' = 'day,week,month',\n");
        } else {
            props.append("  'projection.").append(key).append(".type' = 'date',\n");
            props.append("  'projection.").append(key).append(".format' = 'yyyy-MM-dd',\n");
            props.append("  'projection.").append(key).append(".range' = '").append(DATE_RANGE).append("',\n");
            props.append("  'projection.").append(key).append(".interval' = '1',\n");
            props.append("  'projection.").append(key).append(".interval.unit' = 'DAYS',\n");
        }
        props.append("  'storage.location.template' = '").append(t.location(bucket)).append(key).append("=${")
                .append(key).append("}/',\n");
        String storage;
        if (t.storage() == LakeTables.Storage.PARQUET) {
            // Parquet files carry their own schema and compression (ZSTD); Athena matches columns by name.
            props.append("  'classification' = 'parquet'");
            storage = "STORED AS PARQUET\n";
        } else {
            props.append("  'classification' = 'json',\n");
            props.append("  'compressionType' = 'gzip'");
            storage = "ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'\n"
                    + "WITH SERDEPROPERTIES ('case.insensitive' = 'true', 'ignore.malformed.json' = 'false')\n";
        }
        // The usage JSON also carries "granularity"; Hive rejects a column repeated as partition key, so only the
        // partition key declares it (the SerDe ignores the JSON field).
        return "CREATE EXTERNAL TABLE IF NOT EXISTS `" + database + "`.`" + t.name() + "` (\n" + columns + "\n)\n"
                + "PARTITIONED BY (`" + key + "` string)\n"
                + storage
                + "LOCATION '" + t.location(bucket) + "'\n"
                + "TBLPROPERTIES (\n" + props + "\n)";
    }
}
