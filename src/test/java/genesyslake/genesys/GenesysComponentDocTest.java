package genesyslake.genesys;

import com.fasterxml.jackson.databind.JsonNode;
import genesyslake.testsupport.UnitTest;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures docs/genesys-component.md lists exactly the options and headers of the generated genesys.json (its tables
 * are rendered from it) and shows an example of every operation. {@code -Dgenesys.doc.update=true} rewrites the tables.
 */
@UnitTest
class GenesysComponentDocTest {

    static final Path DOC = Path.of("docs/genesys-component.md");

    @Test
    void theDocTablesAreTheMetadata() throws IOException {
        JsonNode m;
        DefaultCamelContext context = new DefaultCamelContext();
        try {
            m = GenesysComponentMetadataTest.metadata(context);
        } finally {
            context.close();
        }
        String doc = Files.readString(DOC);
        String rendered = doc;
        rendered = section(rendered, "component options", options(m.path("componentProperties"), false));
        rendered = section(rendered, "endpoint options", options(m.path("properties"), true));
        rendered = section(rendered, "headers", headers(m.path("headers")));
        if (Boolean.getBoolean("genesys.doc.update") && !rendered.equals(doc)) {
            Files.writeString(DOC, rendered);
            doc = rendered;
        }
        assertEquals(rendered, doc, DOC + " differs from genesys.json: rewrite its tables with -Dgenesys.doc.update=true");
    }

    @Test
    void everyOperationHasAnExample() throws IOException {
        String doc = Files.readString(DOC);
        for (GenesysOperation operation : GenesysOperation.values()) {
            int at = doc.indexOf("\n### " + operation.uriName + "\n");
            assertTrue(at >= 0, DOC + " has no section ### " + operation.uriName);
            int next = doc.indexOf("\n### ", at + 1);
            String section = doc.substring(at, next < 0 ? doc.length() : next);
            assertTrue(section.contains("```yaml") && section.contains("genesys:" + operation.uriName),
                    "the section of " + operation.uriName + " has no YAML example calling genesys:" + operation.uriName);
        }
    }

    /** Replaces what stands between the START and END markers of {@code name}. */
    private static String section(String doc, String name, String table) {
        int start = doc.indexOf("<!-- " + name + ": START");
        int end = doc.indexOf("<!-- " + name + ": END -->");
        assertTrue(start >= 0 && end > start, DOC + " lacks the markers of " + name);
        int afterStart = doc.indexOf("-->", start) + "-->".length() + 1;
        return doc.substring(0, afterStart) + table + doc.substring(end);
    }

    private static String options(JsonNode section, boolean endpoint) {
        List<String> rows = new ArrayList<>();
        rows.add(endpoint ? "| Name | Kind | Description | Default | Type |" : "| Name | Description | Default | Type |");
        rows.add(endpoint ? "|---|---|---|---|---|" : "|---|---|---|---|");
        for (Iterator<Map.Entry<String, JsonNode>> it = section.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode o = e.getValue();
            String name = "`" + e.getKey() + "`" + (o.path("required").asBoolean() ? " (required)" : "");
            String kind = o.path("kind").asText().equals("path") ? "path" : "query";
            rows.add("| " + name + (endpoint ? " | " + kind : "") + " | " + cell(o.path("description").asText())
                    + " | " + code(o.path("defaultValue").asText("")) + " | " + type(o) + " |");
        }
        return String.join("\n", rows) + "\n";
    }

    private static String headers(JsonNode section) {
        List<String> rows = new ArrayList<>();
        rows.add("| Name | Operations | Description | Default | Type |");
        rows.add("|---|---|---|---|---|");
        for (Iterator<Map.Entry<String, JsonNode>> it = section.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode h = e.getValue();
            String operations = String.join(", ", h.path("label").asText().split(" "));
            rows.add("| `" + e.getKey() + "`" + (h.path("required").asBoolean() ? " (required)" : "") + " | " + operations
                    + " | " + cell(h.path("description").asText()) + " | " + code(h.path("defaultValue").asText(""))
                    + " | " + type(h) + " |");
        }
        return String.join("\n", rows) + "\n";
    }

    private static String type(JsonNode o) {
        List<String> values = new ArrayList<>();
        o.path("enum").forEach(v -> values.add(v.asText()));
        if (!values.isEmpty()) {
            return "one of " + String.join(", ", values.stream().map(v -> "`" + v + "`").toList());
        }
        String javaType = o.path("javaType").asText();
        return "`" + javaType.substring(javaType.lastIndexOf('.') + 1) + "`";
    }

    private static String code(String value) {
        return value.isEmpty() ? "" : "`" + value + "`";
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
