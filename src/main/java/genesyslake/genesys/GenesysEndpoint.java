package genesyslake.genesys;

import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/**
 * Call the Genesys Cloud Usage and Analytics APIs: one request per exchange, through one shared OAuth client and rate
 * governor.
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "genesys", title = "Genesys Cloud", syntax = "genesys:operation",
        producerOnly = true, category = {Category.SAAS, Category.API}, headersClass = GenesysConstants.class)
public final class GenesysEndpoint extends DefaultEndpoint {

    @UriPath(description = "The request to make: usage-query, usage-results, usage-aggregates-job, "
            + "usage-aggregates-results, details-availability, details-job, details-job-status, details-job-results "
            + "or details-query (docs/genesys-component.md says what each reads and sets).")
    @Metadata(required = true)
    private GenesysOperation operation;
    @UriParam
    private GenesysConfiguration configuration;

    GenesysEndpoint(String uri, GenesysComponent component, GenesysOperation operation, GenesysConfiguration configuration) {
        super(uri, component);
        this.operation = operation;
        this.configuration = configuration;
    }

    @Override
    public GenesysComponent getComponent() {
        return (GenesysComponent) super.getComponent();
    }

    public GenesysOperation getOperation() {
        return operation;
    }

    public void setOperation(GenesysOperation operation) {
        this.operation = operation;
    }

    public GenesysConfiguration getConfiguration() {
        return configuration;
    }

    public void setConfiguration(GenesysConfiguration configuration) {
        this.configuration = configuration;
    }

    @Override
    public Producer createProducer() {
        return new GenesysProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("genesys: endpoints only send requests; trigger a flow with a timer");
    }
}
