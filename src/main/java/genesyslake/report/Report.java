package genesyslake.report;

import java.nio.file.Path;

/** One SQL report: a file in queries/sql, its name (file name without .sql) and its text. */
public record Report(String name, Path file, String sql) {
}
