package genesyslake.genesys;

import genesyslake.query.DetailsQuery;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultEndpoint;

import java.util.Locale;

/** A {@code genesys:<operation>} endpoint; producer only. */
public final class GenesysEndpoint extends DefaultEndpoint {

    private final GenesysOperation operation;
    private DetailsQuery.Kind kind = DetailsQuery.Kind.CONVERSATIONS;
    private int pageSize = 1000;

    GenesysEndpoint(String uri, GenesysComponent component, GenesysOperation operation) {
        super(uri, component);
        this.operation = operation;
    }

    @Override
    public GenesysComponent getComponent() {
        return (GenesysComponent) super.getComponent();
    }

    GenesysOperation operation() {
        return operation;
    }

    /** Which detail records: conversations (default) or users. */
    public void setKind(String kind) {
        this.kind = switch (kind.trim().toLowerCase(Locale.ROOT)) {
            case "conversations" -> DetailsQuery.Kind.CONVERSATIONS;
            case "users" -> DetailsQuery.Kind.USERS;
            default -> throw new IllegalArgumentException("kind must be conversations or users, was '" + kind + "'");
        };
    }

    public String getKind() {
        return kind.path;
    }

    DetailsQuery.Kind kind() {
        return kind;
    }

    /** Records per page (job results: up to 1000; the synchronous query: up to 100). The header GenesysPageSize wins. */
    public void setPageSize(int pageSize) {
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be positive, was " + pageSize);
        }
        this.pageSize = pageSize;
    }

    public int getPageSize() {
        return pageSize;
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
