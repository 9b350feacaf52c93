package genesyslake;

import genesyslake.config.SettingChecks;
import genesyslake.config.Settings;
import genesyslake.lake.LakeLock;
import genesyslake.management.ManagementPort;
import org.apache.camel.CamelContext;

/**
 * The refusals that come before any server starts (settings, lake lock, management port), so they leave nothing
 * listening.
 */
final class StartChecks {

    private StartChecks() {
    }

    static void run(CamelContext context, Settings s) throws Exception {
        SettingChecks.check(s); // every setting, in one line naming the key
        LakeLock.takeFor(context, s, ModeConfiguration.mode(s)); // then one writer per lake and per folder
        ManagementPort.checkFree(s);
    }
}
