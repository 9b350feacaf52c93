package genesyslake.genesys;

import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

import java.nio.file.Path;
import java.util.Map;

/**
 * The {@code genesys:} component: one Genesys Cloud API request per exchange, through the daemon's one client
 * ({@link GenesysHttp}: OAuth, the shared rate governor, Retry-After, token refresh). Endpoints are
 * {@code genesys:<operation>} (see {@link GenesysOperation}); options: {@code kind} (conversations|users) and
 * {@code pageSize}. Routes drive polling and paging with the {@link GenesysHeaders} each call sets.
 */
public final class GenesysComponent extends DefaultComponent {

    private final GenesysHttp http;
    private final Path workDir;

    /**
     * @param workDir where a usage answer is spooled while it is read (it can be large, and its status may come
     *                after its records)
     */
    public GenesysComponent(GenesysHttp http, Path workDir) {
        this.http = http;
        this.workDir = workDir;
    }

    GenesysHttp http() {
        return http;
    }

    Path workDir() {
        return workDir;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        GenesysEndpoint endpoint = new GenesysEndpoint(uri, this, GenesysOperation.of(remaining));
        setProperties(endpoint, parameters);
        return endpoint;
    }
}
