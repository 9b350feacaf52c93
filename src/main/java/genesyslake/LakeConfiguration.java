package genesyslake;

import genesyslake.catalog.LakeCatalog;
import genesyslake.config.MillisFunction;
import genesyslake.config.ScheduleFunction;
import genesyslake.config.Settings;
import genesyslake.genesys.GenesysHttp;
import genesyslake.lake.FlatFormat;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

import java.time.Clock;

/**
 * Binds every bean the routes use, one concern per part, in the order they depend on each other: the checks and the
 * lake lock before any server starts, the mode's clients (local stand-ins or AWS) before the beans that use them, and
 * the route policies before camel-main creates the routes. Each part is given what it needs and hands on what the
 * later ones use. One configuration class that calls its parts, rather than several listed in
 * camel.main.configuration-classes: camel-main would create those apart, and they could share beans only by looking
 * them up by name, in an order kept in a property.
 */
public class LakeConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings s = Settings.of(context.getPropertiesComponent());
        StartChecks.run(context, s);
        FlatFormat flatFormat = FlatFormat.parse(s.string(FlatFormat.SETTING, "parquet"));
        context.getPropertiesComponent().addPropertiesFunction(new MillisFunction(context));
        context.getPropertiesComponent().addPropertiesFunction(new ScheduleFunction(context));
        Wiring w = new Wiring(context, s, Clock.systemUTC(), flatFormat);

        ModeConfiguration.Clients clients = ModeConfiguration.start(w);
        LakeCatalog catalog = CatalogConfiguration.bind(w, clients);
        StorageConfiguration.Storage storage = StorageConfiguration.bind(w, clients.s3());
        GenesysHttp genesys = GenesysConfiguration.bind(w, clients.choice(), storage.runs());
        RunControlConfiguration.RunControl runControl = RunControlConfiguration.install(w);
        ManagementConfiguration.install(w, clients.s3(), catalog, storage, genesys, runControl);
    }
}
