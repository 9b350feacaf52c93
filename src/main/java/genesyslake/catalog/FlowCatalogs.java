package genesyslake.catalog;

import genesyslake.lake.FlatFormat;
import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.model.TemplatedRouteDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Derives the {@link FlowCatalog} from the routes a CamelContext has: every route made from the usage-flow,
 * details-flow or reference-flow template (with its parameters, defaults included, as Camel keeps them) and the
 * plain usage-aggregates route. Camel keeps a made route's parameters but not its template's id, so a route belongs
 * to the template whose parameters it has, all of them (as {@code RouteReloadGuard} finds them).
 */
public final class FlowCatalogs {

    public static final String USAGE_TEMPLATE = "usage-flow";
    public static final String DETAILS_TEMPLATE = "details-flow";
    public static final String REFERENCE_TEMPLATE = "reference-flow";
    public static final String USAGE_AGGREGATES_ROUTE = "usage-aggregates";

    private static final Pattern PARAMETER = Pattern.compile("\\{\\{(\\w+)}}");

    private FlowCatalogs() {
    }

    /**
     * The catalog of the context's flows; {@link FlowPlacementException} naming the flows and their route files when
     * two clash (or a flow's folder parameter is no folder).
     */
    public static FlowCatalog of(CamelContext context, String sourceBucket, FlatFormat flatFormat) {
        Map<String, String> files = new LinkedHashMap<>();
        try {
            return catalog(context, sourceBucket, flatFormat, files);
        } catch (FlowPlacementException e) {
            templatedRouteFiles(context, e.flows()).forEach(files::putIfAbsent);
            throw e.declaredIn(files);
        }
    }

    /**
     * Which route file declares each of these flows as a templatedRoute. Camel keeps no file on a route made from a
     * templatedRoute, so the files the daemon loads ({@code camel.main.routes-include-pattern}) are read again, as
     * they are now; only when a refusal names the flows. A file that does not parse is passed over.
     */
    private static Map<String, String> templatedRouteFiles(CamelContext context, List<String> flows) {
        Map<String, String> out = new LinkedHashMap<>();
        String patterns = context.resolvePropertyPlaceholders("{{?camel.main.routes-include-pattern}}");
        for (String pattern : patterns.split(",")) {
            if (pattern.isBlank()) {
                continue;
            }
            try {
                for (Resource r : PluginHelper.getPackageScanResourceResolver(context).findResources(pattern.trim())) {
                    try {
                        for (RoutesBuilder b : PluginHelper.getRoutesLoader(context).findRoutesBuilders(r)) {
                            if (b instanceof RouteBuilder rb) {
                                rb.configureRoutes(context);
                                for (TemplatedRouteDefinition t : rb.getTemplatedRouteCollection().getTemplatedRoutes()) {
                                    if (flows.contains(t.getRouteId())) {
                                        out.putIfAbsent(t.getRouteId(), r.getLocation().replaceFirst("^file:", ""));
                                    }
                                }
                            }
                        }
                    } catch (Exception unreadable) {
                        // a broken file declares nothing we could name
                    }
                }
            } catch (Exception unresolved) {
                // a pattern that finds nothing names no file
            }
        }
        return out;
    }

    private static FlowCatalog catalog(CamelContext context, String sourceBucket, FlatFormat flatFormat,
            Map<String, String> files) {
        Model model = context.getCamelContextExtension().getContextPlugin(Model.class);
        List<String> usage = parameterNames(model.getRouteTemplateDefinition(USAGE_TEMPLATE));
        List<String> details = parameterNames(model.getRouteTemplateDefinition(DETAILS_TEMPLATE));
        List<String> reference = parameterNames(model.getRouteTemplateDefinition(REFERENCE_TEMPLATE));
        List<FlowCatalog.FlowTable> tables = new ArrayList<>();
        for (RouteDefinition def : model.getRouteDefinitions()) {
            Map<String, Object> params = def.getTemplateParameters();
            String id = def.getRouteId();
            if (def.getResource() != null && def.getResource().getLocation() != null) {
                files.put(id, def.getResource().getLocation().replaceFirst("^file:", ""));
            }
            if (!def.isCreatedFromTemplate() || params == null) {
                if (USAGE_AGGREGATES_ROUTE.equals(id)) {
                    tables.addAll(FlowCatalog.usageAggregates(new FlowCatalog.Placement(id, sourceBucket, ""), sourceBucket));
                }
                continue;
            }
            if (madeFrom(params, usage)) {
                FlowCatalog.Placement p = placement(context, id, params, sourceBucket);
                tables.addAll(FlowCatalog.usageFlow(p, sourceBucket, value(context, params, "rawFolder"),
                        value(context, params, "curatedFolder"), flatFormat));
            } else if (madeFrom(params, details)) {
                FlowCatalog.Placement p = placement(context, id, params, sourceBucket);
                tables.addAll(FlowCatalog.detailsFlow(p, sourceBucket, value(context, params, "kind"),
                        params.containsKey("tablePrefix") ? value(context, params, "tablePrefix") : "", flatFormat));
            } else if (madeFrom(params, reference)) {
                tables.addAll(FlowCatalog.referenceFlow(placement(context, id, params, sourceBucket), sourceBucket,
                        value(context, params, "entity")));
            }
        }
        return FlowCatalog.of(sourceBucket, tables);
    }

    private static FlowCatalog.Placement placement(CamelContext context, String id, Map<String, Object> params,
            String sourceBucket) {
        String bucket = params.containsKey("bucket") ? value(context, params, "bucket") : sourceBucket;
        return new FlowCatalog.Placement(id, bucket.isBlank() ? sourceBucket : bucket,
                params.containsKey("keyPrefix") ? value(context, params, "keyPrefix") : "");
    }

    private static List<String> parameterNames(RouteTemplateDefinition t) {
        // An optional parameter (required: false) without a default is absent from a route that does not set it.
        return t == null || t.getTemplateParameters() == null ? List.of()
                : t.getTemplateParameters().stream().filter(p -> !Boolean.FALSE.equals(p.getRequired()))
                        .map(p -> p.getName()).toList();
    }

    private static boolean madeFrom(Map<String, Object> params, List<String> names) {
        return !names.isEmpty() && params.keySet().containsAll(names);
    }

    /**
     * A parameter's value as the route sees it: other parameters it names ({@code {{flow}}/}) filled in, then the
     * properties ({@code {{lake.source-bucket}}}, {@code {{?usage.key-prefix}}}).
     */
    static String value(CamelContext context, Map<String, Object> params, String name) {
        Object raw = params.get(name);
        String v = raw == null ? "" : String.valueOf(raw);
        for (int depth = 0; depth < 10 && v.contains("{{"); depth++) {
            Matcher m = PARAMETER.matcher(v);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                Object p = params.get(m.group(1));
                m.appendReplacement(out, Matcher.quoteReplacement(p == null ? m.group() : String.valueOf(p)));
            }
            m.appendTail(out);
            String next = out.toString();
            if (next.equals(v)) {
                break;
            }
            v = next;
        }
        return v.contains("{{") ? context.resolvePropertyPlaceholders(v) : v;
    }
}
