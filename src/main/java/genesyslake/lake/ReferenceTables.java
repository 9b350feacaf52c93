package genesyslake.lake;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The reference (dimension) tables, in one place so the catalog (LakeTables.reference) can declare their tables: per entity
 * the raw snapshot folder ({@code <entity>/snapshot=YYYY-MM-DD/}, gzip NDJSON of the listing's entities as sent) and
 * the curated {@code dim_<entity>} folder (Parquet, one file per snapshot day holding every row seen up to that day:
 * the newest day's partition is the current table). The route file routes/reference.camel.yaml names the entity; the
 * columns a dim has and how they come out of Genesys' JSON are here.
 */
public final class ReferenceTables {

    /** A dim column: its name, Glue type, and the JSON path in the snapshot row that fills it. */
    public record DimColumn(String name, String type, String path) {
    }

    /** One reference entity: its folder (= the route's entity parameter) and its dim columns after id and name. */
    public enum Entity {
        USERS("users", "dim_users",
                col("state", "string", "$.state"),
                col("email", "string", "$.email"),
                col("username", "string", "$.username"),
                col("department", "string", "$.department"),
                col("title", "string", "$.title"),
                col("division_id", "string", "$.division.id"),
                col("division_name", "string", "$.division.name"),
                col("manager_id", "string", "$.manager.id"),
                col("version", "bigint", "$.version")),
        QUEUES("queues", "dim_queues",
                col("description", "string", "$.description"),
                col("division_id", "string", "$.division.id"),
                col("division_name", "string", "$.division.name"),
                col("date_created", "timestamp", "$.dateCreated"),
                col("date_modified", "timestamp", "$.dateModified"),
                col("member_count", "bigint", "$.memberCount")),
        WRAPUP_CODES("wrapup_codes", "dim_wrapup_codes",
                col("division_id", "string", "$.division.id"),
                col("date_created", "timestamp", "$.dateCreated")),
        DIVISIONS("divisions", "dim_divisions",
                col("description", "string", "$.description"),
                col("home_division", "boolean", "$.homeDivision")),
        SKILLS("skills", "dim_skills",
                col("state", "string", "$.state"),
                col("date_modified", "timestamp", "$.dateModified")),
        PRESENCES("presences", "dim_presences",
                col("type", "string", "$.type"),
                col("system_presence", "string", "$.systemPresence"),
                col("deactivated", "boolean", "$.deactivated"));

        public final String folder;
        public final String dimTable;
        final List<DimColumn> columns;

        Entity(String folder, String dimTable, DimColumn... columns) {
            this.folder = folder;
            this.dimTable = dimTable;
            this.columns = List.of(columns);
        }

        public static Entity of(String folder) {
            return Arrays.stream(values()).filter(e -> e.folder.equals(folder)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no reference entity '" + folder + "'; known: "
                            + Arrays.stream(values()).map(e -> e.folder).toList()));
        }

        /** Every dim column in file order: id, name, the entity's own, then deleted, first_seen, last_seen. */
        public List<DimColumn> dimColumns() {
            return Stream.of(Stream.of(col("id", "string", "$.id"), col("name", "string", "$.name")),
                    columns.stream(), Stream.of(col("deleted", "boolean", null), col("first_seen", "string", null),
                            col("last_seen", "string", null))).flatMap(s -> s).toList();
        }

        /** The flow (route id) that fills the entity's tables: reference-users, reference-wrapup-codes, ... */
        public String flow() {
            return "reference-" + folder.replace('_', '-');
        }

        /** The snapshot's object key of a day. */
        public String snapshotKey(String day) {
            return folder + "/snapshot=" + day + "/" + folder + "_" + day + ".json.gz";
        }

        public String dimKey(String day) {
            return dimTable + "/snapshot=" + day + "/" + dimTable + "_" + day + ".parquet";
        }

        /**
         * The dim of {@code day}: the snapshot's rows (deleted when their own state says so), then the previous dim's
         * rows the snapshot lacks (deleted: gone from the listing); first_seen kept from the previous dim, last_seen
         * the newest day a row was listed. A previous dim newer than the day (a rerun of an older day) wins per row.
         */
        public String dimSelect(String snapshotSql, String previousSql, String day) {
            String own = columns.stream().map(c -> value(c) + " AS " + c.name()).collect(Collectors.joining(", "));
            String deletedByState = columns.stream().anyMatch(c -> c.name().equals("state"))
                    ? "coalesce(lower(json_extract_string(r, '$.state')) = 'deleted', false)" : "false";
            String snap = "SELECT json_extract_string(r, '$.id') AS id, json_extract_string(r, '$.name') AS name, "
                    + own + ", " + deletedByState + " AS deleted, '" + day + "' AS first_seen, '" + day
                    + "' AS last_seen FROM (" + snapshotSql + ") t(r)";
            String names = dimColumns().stream().map(DimColumn::name).collect(Collectors.joining(", "));
            if (previousSql == null) {
                return "SELECT " + names + " FROM (" + snap + ") ORDER BY id";
            }
            String merged = dimColumns().stream().map(c -> switch (c.name()) {
                case "id" -> "coalesce(s.id, p.id) AS id";
                case "first_seen" -> "least(coalesce(p.first_seen, s.first_seen), coalesce(s.first_seen, p.first_seen))"
                        + " AS first_seen";
                case "last_seen" -> "greatest(coalesce(p.last_seen, s.last_seen), coalesce(s.last_seen, p.last_seen))"
                        + " AS last_seen";
                case "deleted" -> "CASE WHEN s.id IS NULL THEN (p.deleted OR p.last_seen < '" + day + "')"
                        + " WHEN p.last_seen > s.last_seen THEN p.deleted ELSE s.deleted END AS deleted";
                default -> "CASE WHEN s.id IS NULL OR p.last_seen > s.last_seen THEN p." + c.name() + " ELSE s."
                        + c.name() + " END AS " + c.name();
            }).collect(Collectors.joining(", "));
            return "SELECT " + merged + " FROM (" + snap + ") s FULL OUTER JOIN (SELECT " + names + " FROM "
                    + previousSql + ") p ON s.id = p.id ORDER BY 1";
        }

        /** The typed value of a column in the snapshot row r (JSON); ISO instants with Z read as UTC timestamps. */
        private static String value(DimColumn c) {
            String text = "json_extract_string(r, '" + c.path() + "')";
            return switch (c.type()) {
                case "timestamp" -> "CAST(CAST(" + text + " AS TIMESTAMPTZ) AS TIMESTAMP)";
                case "string" -> text;
                default -> "CAST(" + text + " AS " + duck(c.type()) + ")";
            };
        }

        private static String duck(String glueType) {
            return switch (glueType) {
                case "bigint" -> "BIGINT";
                case "boolean" -> "BOOLEAN";
                case "timestamp" -> "TIMESTAMP";
                default -> "VARCHAR";
            };
        }
    }

    private ReferenceTables() {
    }

    private static DimColumn col(String name, String type, String expression) {
        return new DimColumn(name, type, expression);
    }
}
