package genesyslake.query;

import java.nio.file.Path;

/**
 * A query file that cannot be used: names the file, the field at fault and where it is (line, column), and what is
 * allowed. Never a value from the file, nor a parser's message (which quotes the file), nor a cause that would.
 */
public class QueryFileException extends IllegalArgumentException {

    /** A problem with the file as a whole. */
    public QueryFileException(Path file, String problem) {
        super("Query file " + file + ": " + problem);
    }

    /**
     * A problem with one field.
     *
     * @param field    its path in the query, in our own vocabulary (null: the field is not one we can name)
     * @param location "line L, column C", or null when unknown
     */
    public QueryFileException(Path file, String field, String location, String problem) {
        super("Query file " + file + (field == null ? "" : ", field '" + field + "'")
                + (location == null ? "" : (field == null ? ", " : " (") + location + (field == null ? "" : ")"))
                + ": " + problem);
    }
}
