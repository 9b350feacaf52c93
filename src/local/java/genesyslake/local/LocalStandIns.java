package genesyslake.local;

import genesyslake.mode.StandIns;

/** The stand-ins local mode finds with ServiceLoader (META-INF/services in src/local/resources). */
public final class LocalStandIns implements StandIns {

    @Override
    public Running start(Needs needs) throws Exception {
        return LocalStack.start(needs);
    }
}
