package genesyslake.local.aws;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the local Athena accepts, as Athena would: one statement, either a read-only query (SELECT, WITH, VALUES, SHOW,
 * DESCRIBE) or the Hive DDL the project issues (CREATE DATABASE, CREATE EXTERNAL TABLE, MSCK REPAIR TABLE, ALTER TABLE
 * ADD PARTITION, DROP TABLE). DuckDB's own statements (COPY, ATTACH, INSTALL, LOAD, SET, PRAGMA, EXPORT, ...) and its
 * file functions (read_text, read_csv, glob, ...) are refused with InvalidRequestException, which Athena clients know.
 */
final class AthenaSql {

    /** SYNTAX_ERROR: no statement of Athena's nor DuckDB's; the execution fails with Athena's parser message. */
    enum Kind { QUERY, CREATE_DATABASE, CREATE_EXTERNAL_TABLE, MSCK_REPAIR, ADD_PARTITION, DROP_TABLE, SYNTAX_ERROR }

    /** Words that start a DuckDB statement Athena's SQL does not have (or that the local Athena does not run). */
    private static final java.util.Set<String> DUCKDB_STATEMENTS = java.util.Set.of("COPY", "ATTACH", "DETACH",
            "INSTALL", "FORCE", "LOAD", "SET", "RESET", "PRAGMA", "EXPORT", "IMPORT", "CALL", "INSERT", "UPDATE", "DELETE",
            "MERGE", "TRUNCATE", "CHECKPOINT", "VACUUM", "ANALYZE", "USE", "BEGIN", "START", "COMMIT", "END", "ROLLBACK",
            "ABORT", "PREPARE", "EXECUTE", "DEALLOCATE", "SUMMARIZE", "EXPLAIN", "PIVOT", "UNPIVOT", "FROM", "TABLE",
            "COMMENT", "CREATE", "DROP", "ALTER", "MSCK");

    /** The statement's kind, and its text without trailing semicolons. */
    record Checked(Kind kind, String sql) {
    }

    /** DuckDB table and scalar functions that read files, run SQL text or reveal settings: never Athena's. */
    private static final Pattern FORBIDDEN_FUNCTION = Pattern.compile("(?i)\\b(read_\\w*|glob|parquet_\\w*|sniff_csv"
            + "|iceberg_\\w*|delta_\\w*|st_read\\w*|query|query_table|getenv|current_setting|duckdb_\\w*|pragma_\\w*"
            + "|which_secret|load_extension|install_extension|getvariable|setvariable|json_execute_serialized_sql"
            + "|sqlite_\\w*|postgres_\\w*|mysql_\\w*|httpfs\\w*)[\"`]?\\s*\\(");
    /** Statements DuckDB would accept inside a query's text (after a CTE, say); none is read-only. */
    private static final Pattern FORBIDDEN_KEYWORD = Pattern.compile("(?i)\\b(INSERT|UPDATE|DELETE|MERGE|COPY|ATTACH"
            + "|DETACH|INSTALL|LOAD|PRAGMA|EXPORT|IMPORT|CHECKPOINT|VACUUM|CALL)\\b");
    /** A quoted file name where a table belongs: DuckDB would read the file ({@code FROM 'x.csv'}). */
    private static final Pattern FILE_AS_TABLE = Pattern.compile("(?i)\\b(FROM|JOIN)\\s*\\(?\\s*''");
    private static final Pattern DROP_TABLE = Pattern.compile(
            "(?is)^DROP\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?(?:[`\"]?(\\w+)[`\"]?\\.)?[`\"]?(\\w+)[`\"]?$");

    private AthenaSql() {
    }

    static Checked check(String query) {
        String sql = query.strip();
        while (sql.endsWith(";")) {
            sql = sql.substring(0, sql.length() - 1).strip();
        }
        String code = code(sql);
        if (code.contains(";")) {
            throw invalid("Only one SQL statement is allowed per query execution.");
        }
        String words = code.strip().replaceAll("\\s+", " ").toUpperCase(Locale.ROOT);
        String first = words.replaceFirst("^\\(+\\s*", "").split(" ", 2)[0];
        switch (first) {
            case "SELECT", "WITH", "VALUES", "SHOW", "DESCRIBE" -> {
                Matcher f = FORBIDDEN_FUNCTION.matcher(code);
                if (f.find()) {
                    throw invalid("Function " + f.group(1).toLowerCase(Locale.ROOT) + " not registered");
                }
                Matcher k = FORBIDDEN_KEYWORD.matcher(code);
                if (k.find()) {
                    throw invalid("Only read-only queries are supported: " + k.group(1).toUpperCase(Locale.ROOT));
                }
                if (FILE_AS_TABLE.matcher(code).find()) {
                    throw invalid("A string literal cannot be used as a table: name a table of the catalog");
                }
                return new Checked(Kind.QUERY, sql);
            }
            case "CREATE" -> {
                if (words.matches("CREATE (DATABASE|SCHEMA) .*")) {
                    return new Checked(Kind.CREATE_DATABASE, sql);
                }
                if (words.startsWith("CREATE EXTERNAL TABLE ")) {
                    return new Checked(Kind.CREATE_EXTERNAL_TABLE, sql);
                }
            }
            case "MSCK" -> {
                if (words.startsWith("MSCK REPAIR TABLE ")) {
                    return new Checked(Kind.MSCK_REPAIR, sql);
                }
            }
            case "ALTER" -> {
                if (words.matches("ALTER TABLE \\S+ ADD (IF NOT EXISTS )?PARTITION .*")) {
                    return new Checked(Kind.ADD_PARTITION, sql);
                }
            }
            case "DROP" -> {
                if (DROP_TABLE.matcher(sql).matches()) {
                    return new Checked(Kind.DROP_TABLE, sql);
                }
            }
            default -> {
                if (first.matches("[A-Z_][A-Z0-9_]*") && !DUCKDB_STATEMENTS.contains(first)) {
                    return new Checked(Kind.SYNTAX_ERROR, sql);
                }
            }
        }
        throw invalid("The local Athena accepts one SELECT/WITH query or the catalog DDL (CREATE DATABASE, "
                + "CREATE EXTERNAL TABLE, MSCK REPAIR TABLE, ALTER TABLE ADD PARTITION, DROP TABLE); not: "
                + (first.isEmpty() ? "an empty statement" : first));
    }

    /** Athena's (Trino's) message for a statement that starts with no keyword it knows. */
    static String syntaxError(String sql) {
        String first = code(sql).strip().split("\\s+", 2)[0];
        return "line 1:1: mismatched input '" + first + "'. Expecting: 'ALTER', 'CREATE', 'DESCRIBE', 'DROP', "
                + "'MSCK', 'SELECT', 'SHOW', 'VALUES', 'WITH', <query>";
    }

    /** The table a DROP TABLE names: [database or null, table]. */
    static String[] dropTarget(String sql) {
        Matcher m = DROP_TABLE.matcher(sql);
        if (!m.matches()) {
            throw invalid("Not a DROP TABLE: " + sql);
        }
        return new String[] {m.group(1), m.group(2)};
    }

    /**
     * The SQL with comments removed and the insides of string literals emptied ({@code 'x;y'} becomes {@code ''}), so
     * keywords, semicolons and function names are only found in code. Quoted identifiers keep their quotes and name,
     * with any punctuation in it replaced by underscores.
     */
    static String code(String sql) {
        StringBuilder out = new StringBuilder(sql.length());
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                while (i < n && sql.charAt(i) != '\n') {
                    i++;
                }
                out.append(' ');
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                if (end < 0) {
                    throw invalid("Unterminated comment");
                }
                i = end + 2;
                out.append(' ');
            } else if (c == '\'') {
                i++;
                while (true) {
                    if (i >= n) {
                        throw invalid("Unterminated string literal");
                    }
                    if (sql.charAt(i) == '\'') {
                        if (i + 1 < n && sql.charAt(i + 1) == '\'') {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i++;
                }
                i++;
                out.append("''");
            } else if (c == '"' || c == '`') {
                int end = sql.indexOf(c, i + 1);
                while (end >= 0 && end + 1 < n && sql.charAt(end + 1) == c) {
                    end = sql.indexOf(c, end + 2);
                }
                if (end < 0) {
                    throw invalid("Unterminated quoted identifier");
                }
                // keep the name (a quoted "read_text"( is still that function), but no punctuation that means code
                out.append(c).append(sql.substring(i + 1, end).replaceAll("\\W", "_")).append(c);
                i = end + 1;
            } else if (c == '$' && dollarQuoteEnd(sql, i) > 0) {
                // DuckDB's $$dollar quoted$$ strings: not Athena syntax
                throw invalid("Dollar-quoted strings are not supported");
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static int dollarQuoteEnd(String sql, int i) {
        Matcher m = Pattern.compile("\\$\\w*\\$").matcher(sql);
        return m.find(i) && m.start() == i ? m.end() : -1;
    }

    private static AwsServiceException invalid(String message) {
        return new AwsServiceException("InvalidRequestException", message);
    }
}
