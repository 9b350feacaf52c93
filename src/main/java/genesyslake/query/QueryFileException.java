package genesyslake.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** A query file that cannot be used: names the file and the field at fault. */
public class QueryFileException extends IllegalArgumentException {

    public QueryFileException(Path file, String field, String problem) {
        super("Query file " + file + (field == null ? "" : ", field '" + field + "'") + ": " + problem);
    }

    /** Reads a query file that must hold one JSON object; a missing or malformed file is reported by name. */
    static ObjectNode readObject(Path file, String expected) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new QueryFileException(file, null, "file not found (working directory " + Path.of("").toAbsolutePath() + ")");
        } catch (IOException e) {
            throw new QueryFileException(file, null, "is not valid JSON: " + e.getMessage(), e);
        }
        if (!(root instanceof ObjectNode object)) {
            throw new QueryFileException(file, null, "must hold " + expected);
        }
        return object;
    }

    public QueryFileException(Path file, String field, String problem, Throwable cause) {
        super("Query file " + file + (field == null ? "" : ", field '" + field + "'") + ": " + problem, cause);
    }
}
