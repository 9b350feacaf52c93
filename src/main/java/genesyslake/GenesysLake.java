package genesyslake;

import org.apache.camel.main.Main;

/** Entry point: runs the genesys-lake daemon (camel-main). */
public final class GenesysLake {

    private GenesysLake() {
    }

    public static void main(String[] args) throws Exception {
        new Main(GenesysLake.class).run(args);
    }
}
