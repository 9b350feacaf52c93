package genesyslake.management;

import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.model.TemplatedRouteDefinition;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.Resource;
import org.apache.camel.spi.ResourceReload;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.apache.camel.support.SimpleEventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Makes live route reload safe for a daemon: Camel removes a file's routes before it builds the edited ones, so an
 * edit that parses but cannot start (a bean that does not exist, a bad option) would leave the flow gone. This
 * guard remembers the file's routes before each reload and, if the reload fails, puts the previous ones back.
 * Camel's reload builds a file's routes but not its templatedRoutes (the flows): the guard makes those again from the
 * edited file, each replacing the route of its id, the previous one put back if the new one cannot be made.
 */
public final class RouteReloadGuard extends SimpleEventNotifierSupport {

    private static final Logger LOG = LoggerFactory.getLogger(RouteReloadGuard.class);

    private final CamelContext context;
    private final Runnable afterReload;

    public RouteReloadGuard(CamelContext context) {
        this(context, () -> { });
    }

    /**
     * {@code afterReload} checks the routes as a whole once a file's are made again (the lake catalog: two flows'
     * tables must not clash); when it throws, every route is put back as it was before the edit.
     */
    public RouteReloadGuard(CamelContext context, Runnable afterReload) {
        this.context = context;
        this.afterReload = afterReload;
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.CamelContextStartedEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        RouteWatcherReloadStrategy strategy = context.hasService(RouteWatcherReloadStrategy.class);
        if (strategy == null || strategy.getResourceReload() == null) {
            return; // reload is off
        }
        ResourceReload reload = strategy.getResourceReload();
        strategy.setResourceReload((name, resource) -> guarded(reload, name, resource));
    }

    private void guarded(ResourceReload reload, String name, Resource resource) throws Exception {
        Model model = context.getCamelContextExtension().getContextPlugin(Model.class);
        java.util.Map<String, RouteDefinition> before = new java.util.LinkedHashMap<>();
        model.getRouteDefinitions().forEach(d -> before.put(d.getRouteId(), d));
        List<RouteTemplateDefinition> templatesBefore = new ArrayList<>(model.getRouteTemplateDefinitions());
        List<RouteDefinition> previous = new ArrayList<>();
        for (RouteDefinition def : model.getRouteDefinitions()) {
            if (def.getResource() != null && sameFile(def.getResource(), resource)) {
                previous.add(def);
            }
        }
        List<TemplatedRouteDefinition> templated;
        List<RouteTemplateDefinition> templates;
        try {
            templated = templatedRoutes(resource); // a broken file fails here, before any change
            templates = routeTemplates(resource);
        } catch (Exception e) {
            rejected(name, e, previous);
            return;
        }
        List<RouteTemplateDefinition> previousTemplates = new ArrayList<>();
        for (RouteTemplateDefinition t : templates) {
            RouteTemplateDefinition was = model.getRouteTemplateDefinition(t.getId());
            if (was != null) {
                previousTemplates.add(was);
            }
        }
        try {
            if (hasPlainRoutes(resource)) {
                reload.onReload(name, resource);
            }
            // Camel's reload leaves route templates as they were: the edited ones replace them here.
            for (RouteTemplateDefinition t : templates) {
                RouteTemplateDefinition was = model.getRouteTemplateDefinition(t.getId());
                if (was != null) {
                    model.removeRouteTemplateDefinition(was);
                }
                model.addRouteTemplateDefinition(t);
            }
            for (TemplatedRouteDefinition t : templated) {
                remake(model, t);
            }
            // An edited template: every flow made from it is made again with its own parameters.
            for (RouteTemplateDefinition t : templates) {
                for (RouteDefinition made : madeFrom(model, t)) {
                    remake(model, asTemplated(t, made));
                }
            }
        } catch (Exception e) {
            if (!previousTemplates.isEmpty()) {
                for (RouteTemplateDefinition t : previousTemplates) {
                    RouteTemplateDefinition now = model.getRouteTemplateDefinition(t.getId());
                    if (now != null) {
                        model.removeRouteTemplateDefinition(now);
                    }
                }
                model.addRouteTemplateDefinitions(previousTemplates);
                for (RouteTemplateDefinition t : previousTemplates) {
                    for (RouteDefinition made : madeFrom(model, t)) {
                        if (context.getRoute(made.getRouteId()) == null) {
                            model.addRouteFromTemplatedRoute(asTemplated(t, made));
                        }
                    }
                }
            }
            List<RouteDefinition> missing = previous.stream().filter(d -> context.getRoute(d.getRouteId()) == null).toList();
            if (!missing.isEmpty()) {
                model.addRouteDefinitions(missing);
            }
            rejected(name, e, previous);
            return;
        }
        try {
            afterReload.run();
        } catch (RuntimeException e) {
            putBack(model, before, templatesBefore);
            // What of the file runs on: its plain routes and the flows it made before the edit (none for a new file).
            List<RouteDefinition> kept = new ArrayList<>(previous);
            templated.stream().map(TemplatedRouteDefinition::getRouteId).map(before::get)
                    .filter(d -> d != null && !kept.contains(d)).forEach(kept::add);
            rejected(name, e, kept);
            afterReload.run(); // the catalog of the routes as they were
        }
    }

    /** Every route (and template) as it was before the edit: new ones removed, changed ones replaced by their old. */
    private void putBack(Model model, java.util.Map<String, RouteDefinition> before,
            List<RouteTemplateDefinition> templatesBefore) throws Exception {
        for (RouteDefinition now : new ArrayList<>(model.getRouteDefinitions())) {
            if (before.get(now.getRouteId()) != now) {
                context.getRouteController().stopRoute(now.getRouteId());
                model.removeRouteDefinition(now);
            }
        }
        for (RouteTemplateDefinition t : new ArrayList<>(model.getRouteTemplateDefinitions())) {
            if (!templatesBefore.contains(t)) {
                model.removeRouteTemplateDefinition(t);
            }
        }
        for (RouteTemplateDefinition t : templatesBefore) {
            if (!model.getRouteTemplateDefinitions().contains(t)) {
                model.addRouteTemplateDefinition(t);
            }
        }
        List<RouteDefinition> missing = before.values().stream().filter(d -> context.getRoute(d.getRouteId()) == null)
                .toList();
        if (!missing.isEmpty()) {
            model.addRouteDefinitions(missing);
        }
    }


    /**
     * One line says all an operator needs (file, cause, what still runs); the stack trace is for DEBUG. Not rethrown:
     * Camel would log it again with its 30-line trace, and the previous routes run on either way.
     */
    private static void rejected(String name, Exception e, List<RouteDefinition> previous) {
        List<String> running = previous.stream().map(RouteDefinition::getRouteId).toList();
        String why = rootMessage(e);
        if (why != null && why.endsWith(".")) {
            why = why.substring(0, why.length() - 1); // the line goes on with a sentence of its own
        }
        if (running.isEmpty()) {
            LOG.error("Rejected the edit of {}: {}. The routes as they were keep running; fix the file and save it again.",
                    name, why);
        } else {
            LOG.error("Rejected the edit of {}: {}. The previous version of routes {} keeps running; fix the file "
                    + "and save it again.", name, why, running);
        }
        LOG.debug("Rejected the edit of {}", name, e);
    }

    /** The templatedRoutes a route file declares (parsed, not yet added). */
    private List<TemplatedRouteDefinition> templatedRoutes(Resource resource) throws Exception {
        List<TemplatedRouteDefinition> found = new ArrayList<>();
        for (RoutesBuilder b : PluginHelper.getRoutesLoader(context).findRoutesBuilders(resource)) {
            if (b instanceof RouteBuilder rb) {
                rb.configureRoutes(context);
                found.addAll(rb.getTemplatedRouteCollection().getTemplatedRoutes());
            }
        }
        return found;
    }

    /** The route templates a route file declares (parsed, not yet added). */
    private List<RouteTemplateDefinition> routeTemplates(Resource resource) throws Exception {
        List<RouteTemplateDefinition> found = new ArrayList<>();
        for (RoutesBuilder b : PluginHelper.getRoutesLoader(context).findRoutesBuilders(resource)) {
            if (b instanceof RouteBuilder rb) {
                rb.configureRoutes(context);
                found.addAll(rb.getRouteTemplateCollection().getRouteTemplates());
            }
        }
        return found;
    }

    /**
     * The routes made from a template: Camel keeps a made route's parameters (every one of its template's, defaults
     * included) but not its template's id, so a route belongs to the template whose parameters it has, all of them.
     */
    private List<RouteDefinition> madeFrom(Model model, RouteTemplateDefinition t) {
        List<String> names = t.getTemplateParameters() == null ? List.of()
                : t.getTemplateParameters().stream().map(p -> p.getName()).toList();
        List<RouteDefinition> made = new ArrayList<>();
        for (RouteDefinition def : model.getRouteDefinitions()) {
            if (def.isCreatedFromTemplate() && def.getTemplateParameters() != null && !names.isEmpty()
                    && def.getTemplateParameters().keySet().containsAll(names)) {
                made.add(def);
            }
        }
        return made;
    }

    /** A made route as the templatedRoute that makes it again from the template, with its parameters. */
    private static TemplatedRouteDefinition asTemplated(RouteTemplateDefinition t, RouteDefinition made) {
        TemplatedRouteDefinition again = new TemplatedRouteDefinition();
        again.setRouteTemplateRef(t.getId());
        again.setRouteId(made.getRouteId());
        for (var p : t.getTemplateParameters()) {
            Object v = made.getTemplateParameters().get(p.getName());
            if (v != null) {
                again.parameter(p.getName(), String.valueOf(v));
            }
        }
        return again;
    }

    /** Whether the file declares plain routes, which Camel's reload builds. */
    private boolean hasPlainRoutes(Resource resource) throws Exception {
        for (RoutesBuilder b : PluginHelper.getRoutesLoader(context).findRoutesBuilders(resource)) {
            if (b instanceof RouteBuilder rb) {
                rb.configureRoutes(context);
                if (!rb.getRouteCollection().getRoutes().isEmpty()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Replaces the route of a templatedRoute's id with one made from the edited parameters (or adds it). */
    private void remake(Model model, TemplatedRouteDefinition t) throws Exception {
        String id = t.getRouteId();
        RouteDefinition old = id == null ? null : model.getRouteDefinition(id);
        if (old != null) {
            context.getRouteController().stopRoute(id);
            model.removeRouteDefinition(old);
        }
        try {
            model.addRouteFromTemplatedRoute(t);
            LOG.info("Reloaded flow {} from template {}", id, t.getRouteTemplateRef());
        } catch (Exception e) {
            if (old != null && context.getRoute(id) == null) {
                model.addRouteDefinition(old);
                LOG.error("Rejected the edit of flow {}: {}. Its previous version keeps running; fix the file and save "
                        + "it again.", id, rootMessage(e));
            }
            throw e;
        }
    }

    private static boolean sameFile(Resource a, Resource b) {
        String la = a.getLocation().replaceFirst("^file:", "");
        String lb = b.getLocation().replaceFirst("^file:", "");
        return java.nio.file.Path.of(la).toAbsolutePath().normalize().equals(java.nio.file.Path.of(lb).toAbsolutePath().normalize());
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
