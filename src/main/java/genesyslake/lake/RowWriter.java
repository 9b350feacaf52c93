package genesyslake.lake;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/** Writes flat rows as compact JSON objects with a fixed column list; a column without a value is written as null. */
final class RowWriter {

    private static final JsonFactory FACTORY = new JsonFactory();

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
    private JsonGenerator gen;

    RowWriter start() throws IOException {
        bytes.reset();
        gen = FACTORY.createGenerator(bytes, JsonEncoding.UTF8);
        gen.writeStartObject();
        return this;
    }

    /** Writes the node's text when it is a scalar, null when it is missing, null or a container. */
    RowWriter text(String column, JsonNode node) throws IOException {
        gen.writeFieldName(column);
        if (node == null || node.isNull() || node.isContainerNode() || node.isMissingNode()) {
            gen.writeNull();
        } else {
            gen.writeString(node.asText());
        }
        return this;
    }

    RowWriter text(String column, String value) throws IOException {
        gen.writeFieldName(column);
        if (value == null) {
            gen.writeNull();
        } else {
            gen.writeString(value);
        }
        return this;
    }

    RowWriter number(String column, Long value) throws IOException {
        gen.writeFieldName(column);
        if (value == null) {
            gen.writeNull();
        } else {
            gen.writeNumber(value);
        }
        return this;
    }

    void emit(RowSink sink, String partitionDate) throws IOException {
        gen.writeEndObject();
        gen.close();
        sink.row(partitionDate, bytes.toByteArray(), 0, bytes.size());
    }
}
