package genesyslake;

import genesyslake.config.Settings;
import genesyslake.lake.FlatFormat;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;

import java.time.Clock;

/**
 * What every part of {@link LakeConfiguration} is given: the context, its settings, the one clock the flows' steps and
 * the management share, and the flat format the catalog and the curated conversions must agree on.
 */
record Wiring(CamelContext context, Settings settings, Clock clock, FlatFormat flatFormat) {

    Registry registry() {
        return context.getRegistry();
    }
}
