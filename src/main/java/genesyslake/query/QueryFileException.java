package genesyslake.query;

import java.nio.file.Path;

/** A query file that cannot be used: names the file and the field at fault. */
public class QueryFileException extends IllegalArgumentException {

    public QueryFileException(Path file, String field, String problem) {
        super("Query file " + file + (field == null ? "" : ", field '" + field + "'") + ": " + problem);
    }

    public QueryFileException(Path file, String field, String problem, Throwable cause) {
        super("Query file " + file + (field == null ? "" : ", field '" + field + "'") + ": " + problem, cause);
    }
}
