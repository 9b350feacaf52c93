package genesyslake.testsupport;

import genesyslake.catalog.CrawlerTarget;
import genesyslake.catalog.FlowCatalog;
import genesyslake.catalog.FlowCatalogs;
import genesyslake.lake.FlatFormat;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The catalog of route files as the daemon derives it, without starting one: the files loaded into a plain
 * CamelContext with application.properties (and overrides), then {@link FlowCatalogs#of}.
 */
public final class ShippedFlows {

    private ShippedFlows() {
    }

    /** The shipped flows (routes/) with default settings but the source bucket. */
    public static FlowCatalog catalog(String sourceBucket) {
        return catalog(Path.of("routes"), Map.of("lake.source-bucket", sourceBucket), FlatFormat.PARQUET);
    }

    /** The shipped flows with default settings but the source bucket, curated tables in {@code flatFormat}. */
    public static FlowCatalog catalog(String sourceBucket, FlatFormat flatFormat) {
        return catalog(Path.of("routes"), Map.of("lake.source-bucket", sourceBucket), flatFormat);
    }

    /** The crawler targets of the shipped flows with default settings but the source bucket. */
    public static List<CrawlerTarget> crawlerTargets(String sourceBucket) {
        return catalog(sourceBucket).crawlerTargets();
    }

    /** Every *.camel.yaml of {@code routesDir}, plus routes/flow-templates.camel.yaml when the folder lacks it. */
    public static FlowCatalog catalog(Path routesDir, Map<String, String> overrides, FlatFormat flatFormat) {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.getPropertiesComponent().setLocation("file:application.properties");
            Properties p = new Properties();
            // The files loaded here, as the daemon's pattern names its own (a refusal names the file of each flow).
            p.put("camel.main.routes-include-pattern", "file:" + routesDir + "/*.camel.yaml");
            p.putAll(overrides);
            context.getPropertiesComponent().setOverrideProperties(p);
            List<Path> files;
            try (Stream<Path> s = Files.list(routesDir)) {
                files = s.filter(f -> f.toString().endsWith(".camel.yaml")).sorted().toList();
            }
            if (files.stream().noneMatch(f -> f.getFileName().toString().equals("flow-templates.camel.yaml"))) {
                load(context, Path.of("routes/flow-templates.camel.yaml"));
            }
            // Templates first: a templatedRoute is made when its file is loaded.
            for (Path f : files.stream().sorted((a, b) -> Boolean.compare(!a.toString().endsWith("flow-templates.camel.yaml"),
                    !b.toString().endsWith("flow-templates.camel.yaml"))).toList()) {
                load(context, f);
            }
            return FlowCatalogs.of(context, context.resolvePropertyPlaceholders("{{lake.source-bucket}}"), flatFormat);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
    }

    private static void load(DefaultCamelContext context, Path file) throws Exception {
        PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.resolveResource(context, "file:" + file));
    }
}
