package genesyslake.management;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The flows the route files declare (routes of group export, catalog or report; a templated route counts by its id),
 * read from the YAML alone, so {@code --once usage-exprt} is answered before any server starts. Empty when the folder
 * cannot be read or a file does not parse: then Camel itself loads the routes and the flow names are checked after.
 */
public final class DeclaredFlows {

    private static final Set<String> FLOW_GROUPS = Set.of("export", "catalog", "report");

    private DeclaredFlows() {
    }

    public static Optional<Set<String>> in(Path routesDir) {
        if (!Files.isDirectory(routesDir)) {
            return Optional.empty();
        }
        Set<String> flows = new TreeSet<>();
        try (Stream<Path> files = Files.list(routesDir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".camel.yaml")).sorted().toList()) {
                Object doc = new Load(LoadSettings.builder().build()).loadFromString(Files.readString(f));
                if (!(doc instanceof List<?> items)) {
                    continue;
                }
                for (Object item : items) {
                    if (item instanceof Map<?, ?> m && m.get("route") instanceof Map<?, ?> route
                            && route.get("id") instanceof String id && FLOW_GROUPS.contains(String.valueOf(route.get("group")))) {
                        flows.add(id);
                    } else if (item instanceof Map<?, ?> m && m.get("templatedRoute") instanceof Map<?, ?> t
                            && t.get("routeId") instanceof String id) {
                        flows.add(id);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        return Optional.of(flows);
    }
}
