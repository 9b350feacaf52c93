package genesyslake.local.aws;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the local Athena accepts, as Athena would: one statement, either a query (SELECT, WITH, VALUES, SHOW TABLES,
 * DESCRIBE) or the Hive DDL the project issues (CREATE DATABASE, CREATE EXTERNAL TABLE, MSCK REPAIR TABLE, ALTER TABLE
 * ADD PARTITION, DROP TABLE). A query is parsed by DuckDB's own parser ({@code json_serialize_sql}, which serialises
 * SELECT statements only): exactly one SELECT, whose tree {@link SelectTree} checks, runs, and the text DuckDB runs is
 * the text it parsed. The DDL never reaches DuckDB as text: only names matched by the patterns below are used. DuckDB's
 * own statements (COPY, ATTACH, SET, …) and functions (read_text, glob, …) get InvalidRequestException.
 */
final class AthenaSql {

    /** SYNTAX_ERROR: the execution fails with the parser's message, as a query with a syntax error does in Athena. */
    enum Kind { QUERY, CREATE_DATABASE, CREATE_EXTERNAL_TABLE, MSCK_REPAIR, ADD_PARTITION, DROP_TABLE, SYNTAX_ERROR }

    /** The statement's kind, its text without trailing semicolons, and for SYNTAX_ERROR the reason the query fails. */
    record Checked(Kind kind, String sql, String error) {
    }

    /** Athena's limit on a query string, in UTF-8 bytes. */
    static final int MAX_QUERY_BYTES = 262144;

    /** First words of Athena's queries (DESC is not Athena's; "(" opens a parenthesised SELECT). */
    private static final Set<String> QUERY_WORDS = Set.of("SELECT", "WITH", "VALUES", "SHOW", "DESCRIBE");

    /** Words that start a DuckDB statement Athena's SQL does not have (or that the local Athena does not run). */
    private static final Set<String> DUCKDB_STATEMENTS = Set.of("COPY", "ATTACH", "DETACH",
            "INSTALL", "FORCE", "LOAD", "SET", "RESET", "PRAGMA", "EXPORT", "IMPORT", "CALL", "INSERT", "UPDATE", "DELETE",
            "MERGE", "TRUNCATE", "CHECKPOINT", "VACUUM", "ANALYZE", "USE", "BEGIN", "START", "COMMIT", "END", "ROLLBACK",
            "ABORT", "PREPARE", "EXECUTE", "DEALLOCATE", "SUMMARIZE", "EXPLAIN", "PIVOT", "UNPIVOT", "FROM", "TABLE",
            "COMMENT", "DESC", "UPSERT", "REPLACE");

    private static final String NAME = "[`\"]?(\\w+)[`\"]?";
    private static final Pattern CREATE_DATABASE = Pattern.compile(
            "(?is)^CREATE\\s+(?:DATABASE|SCHEMA)\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?" + NAME + "\\s*$");
    private static final Pattern CREATE_EXTERNAL_TABLE = Pattern.compile(
            "(?is)^CREATE\\s+EXTERNAL\\s+TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?(?:" + NAME + "\\.)?" + NAME
                    + ".*?PARTITIONED\\s+BY\\s*\\(\\s*" + NAME + ".*?LOCATION\\s+'([^']+)'.*");
    private static final Pattern MSCK_REPAIR = Pattern.compile(
            "(?is)^MSCK\\s+REPAIR\\s+TABLE\\s+(?:" + NAME + "\\.)?" + NAME + "\\s*$");
    private static final Pattern ADD_PARTITION = Pattern.compile(
            "(?is)^ALTER\\s+TABLE\\s+(?:" + NAME + "\\.)?" + NAME + "\\s+ADD\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?PARTITION\\s*\\(.*");
    private static final Pattern DROP_TABLE = Pattern.compile(
            "(?is)^DROP\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?(?:" + NAME + "\\.)?" + NAME + "\\s*$");
    /** A table's LOCATION: a bucket name and a key prefix without "." or ".." segments. */
    private static final Pattern LOCATION = Pattern.compile(
            "s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/(?!\\.\\.?(/|$))[^/\\\\]+)*/?");

    private static final ObjectMapper JSON = new ObjectMapper();

    private AthenaSql() {
    }

    /**
     * Classifies one query string.
     *
     * @param parser a connection to DuckDB used only to parse (never to run) the text
     * @throws AwsServiceException InvalidRequestException for anything the local Athena does not run
     */
    static Checked check(String query, Connection parser) throws SQLException {
        if (query.getBytes(StandardCharsets.UTF_8).length > MAX_QUERY_BYTES) {
            throw invalid("QueryString is longer than Athena's limit of " + MAX_QUERY_BYTES + " bytes (UTF-8)");
        }
        String sql = query.strip();
        while (sql.endsWith(";")) {
            sql = sql.substring(0, sql.length() - 1).strip();
        }
        String first = firstWord(sql);
        if (QUERY_WORDS.contains(first)) {
            return select(sql, parser);
        }
        switch (first) {
            case "CREATE", "MSCK", "ALTER", "DROP" -> {
                return ddl(sql, first);
            }
            default -> {
                if (first.matches("[A-Z_][A-Z0-9_]*") && !DUCKDB_STATEMENTS.contains(first)) {
                    return new Checked(Kind.SYNTAX_ERROR, sql, syntaxError(first));
                }
            }
        }
        throw invalid("The local Athena accepts one SELECT/WITH query or the catalog DDL (CREATE DATABASE, "
                + "CREATE EXTERNAL TABLE, MSCK REPAIR TABLE, ALTER TABLE ADD PARTITION, DROP TABLE); not: "
                + (first.isEmpty() ? "an empty statement" : first));
    }

    /** A query: DuckDB's parser must find exactly one SELECT statement, and its tree only Athena's SQL. */
    private static Checked select(String sql, Connection parser) throws SQLException {
        JsonNode tree;
        try (PreparedStatement p = parser.prepareStatement("SELECT json_serialize_sql(?::VARCHAR)")) {
            p.setString(1, sql);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                tree = JSON.readTree(rs.getString(1));
            }
        } catch (JacksonException e) {
            // e.g. nesting deeper than the JSON reader's limit
            throw invalid("The query is too deeply nested for the local Athena");
        }
        if (tree.path("error").asBoolean(true)) {
            if (tree.path("error_type").asText().equals("parser")) {
                return new Checked(Kind.SYNTAX_ERROR, sql, "line " + position(sql, tree.path("position").asInt(0))
                        + ": " + tree.path("error_message").asText());
            }
            // DuckDB serialises only SELECT statements: any other one (COPY, CREATE VIEW, DETACH, SET …) ends here.
            throw invalid("Only one SELECT query is allowed per query execution, and no DuckDB statement ("
                    + tree.path("error_message").asText() + ")");
        }
        JsonNode statements = tree.path("statements");
        if (statements.size() != 1) {
            throw invalid("Only one SQL statement is allowed per query execution.");
        }
        SelectTree.check(statements);
        return new Checked(Kind.QUERY, sql, null);
    }

    /** The catalog DDL: one statement (no ';' at all: its text is matched, never run), of a shape the project issues. */
    private static Checked ddl(String sql, String first) {
        if (sql.contains(";")) {
            throw invalid("Only one SQL statement is allowed per query execution.");
        }
        Kind kind = switch (first) {
            case "CREATE" -> CREATE_DATABASE.matcher(sql).matches() ? Kind.CREATE_DATABASE
                    : CREATE_EXTERNAL_TABLE.matcher(sql).matches() ? Kind.CREATE_EXTERNAL_TABLE : null;
            case "MSCK" -> MSCK_REPAIR.matcher(sql).matches() ? Kind.MSCK_REPAIR : null;
            case "ALTER" -> ADD_PARTITION.matcher(sql).matches() ? Kind.ADD_PARTITION : null;
            default -> DROP_TABLE.matcher(sql).matches() ? Kind.DROP_TABLE : null;
        };
        if (kind == null) {
            throw invalid("The local Athena accepts one SELECT/WITH query or the catalog DDL (CREATE DATABASE, "
                    + "CREATE EXTERNAL TABLE, MSCK REPAIR TABLE, ALTER TABLE ADD PARTITION, DROP TABLE); not this "
                    + first + " statement");
        }
        if (kind == Kind.CREATE_EXTERNAL_TABLE && !LOCATION.matcher(externalTable(sql)[3]).matches()) {
            throw invalid("LOCATION must be s3://bucket/prefix/ without '.' or '..' segments: " + externalTable(sql)[3]);
        }
        return new Checked(kind, sql, null);
    }

    /** Database (or null), table, partition key and LOCATION of a CREATE EXTERNAL TABLE. */
    static String[] externalTable(String sql) {
        Matcher m = CREATE_EXTERNAL_TABLE.matcher(sql);
        if (!m.matches()) {
            throw invalid("Not a CREATE EXTERNAL TABLE");
        }
        return new String[] {m.group(1), m.group(2), m.group(3), m.group(4)};
    }

    /** The database a CREATE DATABASE names. */
    static String createdDatabase(String sql) {
        Matcher m = CREATE_DATABASE.matcher(sql);
        if (!m.matches()) {
            throw invalid("Not a CREATE DATABASE");
        }
        return m.group(1);
    }

    /** The table a DROP TABLE names: [database or null, table]. */
    static String[] dropTarget(String sql) {
        Matcher m = DROP_TABLE.matcher(sql);
        if (!m.matches()) {
            throw invalid("Not a DROP TABLE: " + sql);
        }
        return new String[] {m.group(1), m.group(2)};
    }

    /** Athena's (Trino's) message for a statement that starts with no keyword it knows. */
    private static String syntaxError(String first) {
        return "line 1:1: mismatched input '" + first + "'. Expecting: 'ALTER', 'CREATE', 'DESCRIBE', 'DROP', "
                + "'MSCK', 'SELECT', 'SHOW', 'VALUES', 'WITH', <query>";
    }

    /** "line:column" of a character offset, as Athena's messages give it. */
    private static String position(String sql, int offset) {
        int line = 1;
        int column = 1;
        for (int i = 0; i < Math.min(offset, sql.length()); i++) {
            if (sql.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return line + ":" + column;
    }

    /**
     * The statement's first keyword in upper case, after blanks, comments and opening parentheses: only a guide to
     * the kind of statement (what a query may do is decided on DuckDB's parse tree, what DDL does on its patterns).
     */
    static String firstWord(String sql) {
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c) || c == '(') {
                i++;
            } else if (sql.startsWith("--", i)) {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
            } else if (sql.startsWith("/*", i)) {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else {
                break;
            }
        }
        int start = i;
        while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_')) {
            i++;
        }
        return sql.substring(start, i).toUpperCase(Locale.ROOT);
    }

    private static AwsServiceException invalid(String message) {
        return new AwsServiceException("InvalidRequestException", message);
    }
}
