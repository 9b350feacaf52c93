package genesyslake.catalog;

import genesyslake.lake.CuratedTable;
import genesyslake.lake.FlatFormat;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The daemon's current {@link FlowCatalog}: derived from the routes when the context starts (a clash of two flows'
 * tables refuses the start, naming both and their files) and again after each route reload ({@link #rebuild()}), so a YAML edit that
 * moves a flow moves its tables in the crawler targets, the projection DDL and the reports' table names.
 */
public final class LakeCatalog extends ServiceSupport implements Supplier<FlowCatalog> {

    private static final Logger LOG = LoggerFactory.getLogger(LakeCatalog.class);

    private final CamelContext context;
    private final String sourceBucket;
    private final FlatFormat flatFormat;
    private final List<Consumer<FlowCatalog>> listeners = new ArrayList<>();
    private volatile FlowCatalog current;

    public LakeCatalog(CamelContext context, String sourceBucket, FlatFormat flatFormat) {
        this.context = context;
        this.sourceBucket = sourceBucket;
        this.flatFormat = flatFormat;
        this.current = FlowCatalog.of(sourceBucket, List.of());
    }

    /** Called with each new catalog (at start and after a reload that changed it). */
    public LakeCatalog onChange(Consumer<FlowCatalog> listener) {
        listeners.add(listener);
        return this;
    }

    @Override
    public FlowCatalog get() {
        return current;
    }

    /**
     * The catalog of the routes as they are now, not installed: a start checks it once the routes are loaded and before
     * any starts ({@code GenesysLake.refuseClashingFlows}), so a clash refuses the start like a bad setting.
     */
    public FlowCatalog check() {
        return FlowCatalogs.of(context, sourceBucket, flatFormat);
    }

    @Override
    protected void doStart() {
        // A clash refuses the start before any route starts (nothing is exported): FlowPlacementException is a refusal
        // the command line logs as its one-line message, naming both flows and their files.
        FlowCatalog catalog = FlowCatalogs.of(context, sourceBucket, flatFormat);
        install(catalog);
        LOG.debug("Lake catalog: {} tables of flows {}", catalog.tables().size(), catalog.flows());
    }

    /**
     * The catalog of the routes as they are now, installed if it has no clash; a clash is thrown (the reload guard
     * then puts the previous routes back) and the previous catalog stays.
     */
    public FlowCatalog rebuild() {
        FlowCatalog catalog = FlowCatalogs.of(context, sourceBucket, flatFormat);
        if (!catalog.crawlerTargets().equals(current.crawlerTargets())) {
            LOG.info("The lake catalog follows the edited flows: {} tables, crawler targets {}",
                    catalog.tables().size(), catalog.crawlerTargets().stream().map(CrawlerTarget::path).toList());
        }
        install(catalog);
        return catalog;
    }

    private void install(FlowCatalog catalog) {
        current = catalog;
        // Which spooled keys are curated (converted to Parquet, summarised) follows the flows' folders.
        CuratedTable.useFolders(catalog.curatedFolders());
        for (Consumer<FlowCatalog> l : listeners) {
            l.accept(catalog);
        }
    }

    @Override
    protected void doStop() {
        // nothing held
    }
}
