package genesyslake.genesys;

import org.apache.camel.Endpoint;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;

import java.nio.file.Path;
import java.util.Map;

/**
 * The {@code genesys:} component: one Genesys Cloud API request per exchange, through the daemon's one client
 * ({@link GenesysHttp}: OAuth, the shared rate governor, Retry-After, token refresh). Endpoints are
 * {@code genesys:<operation>} (see {@link GenesysOperation}), options in {@link GenesysConfiguration}, headers in
 * {@link GenesysConstants}. The daemon binds one as the bean {@code genesys}; found by its scheme instead, it takes
 * the registry's {@link GenesysHttp}.
 */
@Component("genesys")
public final class GenesysComponent extends DefaultComponent {

    @Metadata(description = "The defaults of every endpoint's options.")
    private GenesysConfiguration configuration = new GenesysConfiguration();
    @Metadata(label = "advanced", autowired = true,
            description = "The Genesys Cloud client every endpoint calls through: OAuth client credentials, the shared "
                    + "rate governor, retries. Taken from the registry when there is one of its type.")
    private GenesysHttp client;
    @Metadata(label = "advanced",
            description = "The folder where a usage answer is spooled while it is read (it can be large, and its status "
                    + "may come after its records). Default: genesys-lake-genesys in the JVM's temporary folder.")
    private String workDir;

    public GenesysComponent() {
    }

    /**
     * @param workDir where a usage answer is spooled while it is read
     */
    public GenesysComponent(GenesysHttp client, Path workDir) {
        this.client = client;
        this.workDir = workDir.toString();
    }

    public GenesysConfiguration getConfiguration() {
        return configuration;
    }

    public void setConfiguration(GenesysConfiguration configuration) {
        this.configuration = configuration;
    }

    public GenesysHttp getClient() {
        return client;
    }

    public void setClient(GenesysHttp client) {
        this.client = client;
    }

    public String getWorkDir() {
        return workDir;
    }

    public void setWorkDir(String workDir) {
        this.workDir = workDir;
    }

    GenesysHttp http() {
        if (client == null) {
            throw new IllegalStateException("genesys: has no Genesys client: bind a " + GenesysHttp.class.getName()
                    + " in the registry or set the component's client option");
        }
        return client;
    }

    Path workDir() {
        return workDir != null ? Path.of(workDir) : Path.of(System.getProperty("java.io.tmpdir"), "genesys-lake-genesys");
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        GenesysEndpoint endpoint = new GenesysEndpoint(uri, this, GenesysOperation.of(remaining), configuration.copy());
        setProperties(endpoint, parameters);
        return endpoint;
    }
}
