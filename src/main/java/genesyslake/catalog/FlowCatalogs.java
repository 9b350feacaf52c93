package genesyslake.catalog;

import genesyslake.lake.FlatFormat;
import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteTemplateDefinition;

import java.util.ArrayList;
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

    /** The catalog of the context's flows; IllegalArgumentException (naming the flows) when two clash. */
    public static FlowCatalog of(CamelContext context, String sourceBucket, FlatFormat flatFormat) {
        Model model = context.getCamelContextExtension().getContextPlugin(Model.class);
        List<String> usage = parameterNames(model.getRouteTemplateDefinition(USAGE_TEMPLATE));
        List<String> details = parameterNames(model.getRouteTemplateDefinition(DETAILS_TEMPLATE));
        List<String> reference = parameterNames(model.getRouteTemplateDefinition(REFERENCE_TEMPLATE));
        List<FlowCatalog.FlowTable> tables = new ArrayList<>();
        for (RouteDefinition def : model.getRouteDefinitions()) {
            Map<String, Object> params = def.getTemplateParameters();
            String id = def.getRouteId();
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
                tables.addAll(FlowCatalog.referenceFlow(new FlowCatalog.Placement(id, sourceBucket, ""), sourceBucket,
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
