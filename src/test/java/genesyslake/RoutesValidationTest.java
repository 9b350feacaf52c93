package genesyslake;

import genesyslake.testsupport.UnitTest;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ensures every route file parses with the YAML DSL and declares the flow ids other tools rely on. */
@UnitTest
class RoutesValidationTest {

    @Test
    void everyRouteFileParsesAndEveryRouteHasAKebabCaseId() throws Exception {
        List<String> ids = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".camel.yaml")).sorted().toList()) {
                try (DefaultCamelContext context = new DefaultCamelContext()) {
                    context.getPropertiesComponent().setLocation("file:application.properties");
                    // The templates every flow file's templatedRoutes name (their routes are checked with each flow).
                    PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.resolveResource(context,
                            "file:routes/flow-templates.camel.yaml"));
                    PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.resolveResource(context, "file:" + file));
                    for (RouteDefinition route : ((ModelCamelContext) context).getRouteDefinitions()) {
                        assertTrue(route.getId() != null && route.getId().matches("[a-z0-9]+(-[a-z0-9]+)*"),
                                file + ": route id '" + route.getId() + "' must be explicit kebab-case");
                        ids.add(route.getId());
                    }
                }
            }
        }
        assertTrue(ids.containsAll(Set.of("usage-export", "catalog-refresh", "athena-report", "conversation-details",
                "user-details")), "flow ids: " + ids);
        assertEquals(ids.size(), Set.copyOf(ids).size(), "route ids must be unique across files: " + ids);
    }

    @Test
    void aTypoInARouteIsCaught(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.camel.yaml"), """
                - route:
                    id: typo
                    from:
                      uri: direct:x
                      steps:
                        - sett-body:
                            constant: x
                """);
        boolean failed;
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.resolveResource(context, "file:" + bad));
            failed = false;
        } catch (Exception e) {
            failed = true;
        }
        assertTrue(failed, "an unknown step must fail to load");
        assertFalse(Files.readString(bad).isEmpty());
    }
}
