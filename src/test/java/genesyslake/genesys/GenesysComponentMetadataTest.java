package genesyslake.genesys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import genesyslake.testsupport.UnitTest;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.EndpointUriFactory;
import org.apache.camel.spi.GeneratedPropertyConfigurer;
import org.apache.camel.spi.PropertyConfigurer;
import org.apache.camel.spi.PropertyConfigurerGetter;
import org.apache.camel.support.PluginHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures {@code genesys:} is a component Camel's tooling sees: its generated metadata (genesys.json, as Camel's runtime
 * finds it) describes every option and header, the generated configurers and URI factory match it, the component is
 * found by its scheme with the registry's client, and every Genesys* header the routes and Java use is declared.
 */
@UnitTest
class GenesysComponentMetadataTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private DefaultCamelContext context;
    private GenesysHttp http;

    @BeforeEach
    void start() {
        URI nowhere = URI.create("http://127.0.0.1:9");
        http = new GenesysHttp(new GenesysEndpoints(nowhere, nowhere), "id", "secret", new RateGovernor(0),
                new RetryPolicy(1, Duration.ofMillis(1), Duration.ofMillis(1)), Duration.ofSeconds(1));
        context = new DefaultCamelContext();
        // Only the client: the component itself is found by its scheme (META-INF/services/.../component/genesys).
        context.getRegistry().bind("genesysClient", http);
        context.start();
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    /** genesys.json as Camel's runtime catalog reads it (next to the component class, found through its service file). */
    static JsonNode metadata(org.apache.camel.CatalogCamelContext context) throws IOException {
        String json = context.getComponentParameterJsonSchema("genesys");
        assertNotNull(json, "no genesys.json on the classpath: the camel-package-maven-plugin did not run");
        return JSON.readTree(json);
    }

    @Test
    void everyOptionAndHeaderHasADescription() throws IOException {
        JsonNode m = metadata(context);
        assertEquals("genesys", m.path("component").path("scheme").asText());
        assertEquals("genesys:operation", m.path("component").path("syntax").asText());
        assertTrue(m.path("component").path("producerOnly").asBoolean());
        for (String section : new String[] {"componentProperties", "properties", "headers"}) {
            assertFalse(m.path(section).isEmpty(), section + " is empty");
            for (Iterator<Map.Entry<String, JsonNode>> it = m.path(section).fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> option = it.next();
                assertFalse(option.getValue().path("description").asText().isBlank(),
                        section + "." + option.getKey() + " has no description");
            }
        }
        assertTrue(names(m.path("properties")).containsAll(Set.of("operation", "kind", "pageSize")), names(m.path("properties")).toString());
        assertTrue(names(m.path("componentProperties")).containsAll(Set.of("kind", "pageSize", "client", "workDir")),
                names(m.path("componentProperties")).toString());
        assertTrue(m.path("componentProperties").path("client").path("autowired").asBoolean(), "the client is autowired");
        // Every operation is listed for tooling, by its URI name.
        Set<String> operations = new TreeSet<>();
        m.path("properties").path("operation").path("enum").forEach(o -> operations.add(o.asText()));
        assertEquals(Arrays.stream(GenesysOperation.values()).map(o -> o.uriName).collect(Collectors.toCollection(TreeSet::new)), operations);
        // Every constant of GenesysConstants is a documented header (a constant without @Metadata is left out of the JSON).
        assertEquals(constants(), names(m.path("headers")));
    }

    @Test
    void theGeneratedConfigurersAndUriFactoryMatchTheMetadata() throws Exception {
        JsonNode m = metadata(context);
        PropertyConfigurer endpoint = PluginHelper.getConfigurerResolver(context).resolvePropertyConfigurer("genesys-endpoint", context);
        PropertyConfigurer component = PluginHelper.getConfigurerResolver(context).resolvePropertyConfigurer("genesys-component", context);
        assertInstanceOf(GeneratedPropertyConfigurer.class, endpoint, "no generated endpoint configurer");
        assertInstanceOf(GeneratedPropertyConfigurer.class, component, "no generated component configurer");
        // A configurer compiled before the JSON was regenerated (the plugin runs after compiling) fails here: build again.
        for (String option : names(m.path("properties"))) {
            if (!option.equals("operation")) { // the path, set from the URI, not by the configurer
                assertNotNull(((PropertyConfigurerGetter) endpoint).getOptionType(option, false),
                        "the endpoint configurer lacks " + option + ": it is stale, run the build again");
            }
        }
        for (String option : names(m.path("componentProperties"))) {
            assertNotNull(((PropertyConfigurerGetter) component).getOptionType(option, false),
                    "the component configurer lacks " + option + ": it is stale, run the build again");
        }

        EndpointUriFactory uris = context.getCamelContextExtension().getEndpointUriFactory("genesys");
        assertNotNull(uris, "no generated endpoint URI factory");
        assertEquals(names(m.path("properties")), new TreeSet<>(uris.propertyNames()));
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("operation", "details-job-results");
        options.put("kind", "users");
        options.put("pageSize", 500);
        assertEquals("genesys:details-job-results?kind=users&pageSize=500", uris.buildUri("genesys", options, false));
    }

    @Test
    void foundByItsSchemeWithTheRegistrysClientAndItsOptionsSetByTheConfigurer() {
        GenesysEndpoint endpoint = context.getEndpoint("genesys:details-job-results?kind=users&pageSize=50", GenesysEndpoint.class);
        assertSame(http, endpoint.getComponent().getClient(), "the client is autowired from the registry");
        assertSame(endpoint.getComponent(), context.getComponent("genesys"));
        assertEquals(GenesysOperation.DETAILS_JOB_RESULTS, endpoint.getOperation());
        assertEquals("users", endpoint.getConfiguration().getKind());
        assertEquals(50, endpoint.getConfiguration().getPageSize());
        // Component options are every endpoint's defaults; an endpoint's own options do not leak into them.
        context.getComponent("genesys", GenesysComponent.class).getConfiguration().setPageSize(100);
        assertEquals(100, context.getEndpoint("genesys:details-query", GenesysEndpoint.class).getConfiguration().getPageSize());
        assertEquals("conversations", context.getEndpoint("genesys:details-query", GenesysEndpoint.class).getConfiguration().getKind());
    }

    @Test
    void everyGenesysHeaderTheRoutesAndJavaUseIsDeclared() throws IOException {
        Set<String> used = new TreeSet<>();
        // Routes: ${header.GenesysX}, name: GenesysX, ... (class names such as GenesysQueryException are not headers).
        Pattern inRoutes = Pattern.compile("\\bGenesys[A-Z][A-Za-z]*\\b");
        // Java: a header name written as a string.
        Pattern inJava = Pattern.compile("\"(Genesys[A-Z][A-Za-z]*)\"");
        try (Stream<Path> files = Stream.concat(Files.walk(Path.of("routes")), Files.walk(Path.of("src/main/java")))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(".yaml")) {
                    Matcher m = inRoutes.matcher(Files.readString(file));
                    while (m.find()) {
                        if (!isClass(m.group())) {
                            used.add(m.group());
                        }
                    }
                } else if (name.endsWith(".java")) {
                    Matcher m = inJava.matcher(Files.readString(file));
                    while (m.find()) {
                        used.add(m.group(1));
                    }
                }
            }
        }
        assertTrue(used.size() >= 10, "the scan found the routes' headers: " + used);
        used.removeAll(constants());
        assertEquals(Set.of(), used, "Genesys* headers used but not declared (and documented) in GenesysConstants");
    }

    private static boolean isClass(String simpleName) {
        try {
            Class.forName("genesyslake.genesys." + simpleName);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** The header names GenesysConstants declares. */
    static Set<String> constants() {
        Set<String> names = new TreeSet<>();
        for (Field f : GenesysConstants.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                try {
                    names.add((String) f.get(null));
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return names;
    }

    static Set<String> names(JsonNode section) {
        Set<String> names = new TreeSet<>();
        section.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
