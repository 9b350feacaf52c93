package genesyslake.management;

import org.apache.camel.CamelContext;
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
 */
public final class RouteReloadGuard extends SimpleEventNotifierSupport {

    private static final Logger LOG = LoggerFactory.getLogger(RouteReloadGuard.class);

    private final CamelContext context;

    public RouteReloadGuard(CamelContext context) {
        this.context = context;
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
        List<RouteDefinition> previous = new ArrayList<>();
        for (RouteDefinition def : model.getRouteDefinitions()) {
            if (def.getResource() != null && sameFile(def.getResource(), resource)) {
                previous.add(def);
            }
        }
        try {
            reload.onReload(name, resource);
        } catch (Exception e) {
            List<RouteDefinition> missing = previous.stream().filter(d -> context.getRoute(d.getRouteId()) == null).toList();
            if (!missing.isEmpty()) {
                model.addRouteDefinitions(missing);
            }
            // One line says all an operator needs (file, cause, what still runs); the stack trace is for DEBUG. Not
            // rethrown: Camel would log it again with its 30-line trace, and the previous routes run on either way.
            List<String> running = previous.stream().map(RouteDefinition::getRouteId).toList();
            LOG.error("Rejected the edit of {}: {}. The previous version of routes {} keeps running; fix the file "
                    + "and save it again.", name, rootMessage(e), running);
            LOG.debug("Rejected the edit of {}", name, e);
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
