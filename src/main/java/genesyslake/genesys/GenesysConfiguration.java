package genesyslake.genesys;

import genesyslake.query.DetailsQuery;
import org.apache.camel.Message;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;

import java.util.Locale;

/**
 * The options of a {@code genesys:} endpoint (the component's copy holds the defaults of every endpoint). A header of
 * the same name wins over an option for one exchange ({@link #kind(Message)}, {@link #pageSize(Message)}), as
 * camel-aws2-athena reads its headers before its configuration.
 */
@UriParams
public class GenesysConfiguration implements Cloneable {

    @UriParam(defaultValue = "conversations", enums = "conversations,users",
            description = "Which detail records the details operations ask for: conversations or users. The header "
                    + "GenesysKind overrides it.")
    private String kind = DetailsQuery.Kind.CONVERSATIONS.path;
    @UriParam(defaultValue = "1000",
            description = "Records per page: details job results take up to 1000, the synchronous details query up "
                    + "to 100, usage aggregates pages what Genesys allows. The header GenesysPageSize overrides it.")
    private int pageSize = 1000;

    public String getKind() {
        return kind;
    }

    public void setKind(String kind) {
        this.kind = parseKind(kind, "kind").path;
    }

    public int getPageSize() {
        return pageSize;
    }

    public void setPageSize(int pageSize) {
        this.pageSize = checkPageSize(pageSize, "pageSize");
    }

    /** The kind for this exchange: the GenesysKind header, else the option. */
    DetailsQuery.Kind kind(Message in) {
        String header = in.getHeader(GenesysConstants.KIND, String.class);
        return parseKind(header == null || header.isBlank() ? kind : header,
                header == null || header.isBlank() ? "kind" : "the header " + GenesysConstants.KIND);
    }

    /** The page size for this exchange: the GenesysPageSize header, else the option. */
    int pageSize(Message in) {
        Integer header = in.getHeader(GenesysConstants.PAGE_SIZE, Integer.class);
        return header == null ? pageSize : checkPageSize(header, "the header " + GenesysConstants.PAGE_SIZE);
    }

    public GenesysConfiguration copy() {
        try {
            return (GenesysConfiguration) clone();
        } catch (CloneNotSupportedException e) {
            throw new RuntimeCamelException(e);
        }
    }

    private static DetailsQuery.Kind parseKind(String value, String what) {
        return switch (value == null ? "" : value.trim().toLowerCase(Locale.ROOT)) {
            case "conversations" -> DetailsQuery.Kind.CONVERSATIONS;
            case "users" -> DetailsQuery.Kind.USERS;
            default -> throw new IllegalArgumentException(what + " must be conversations or users, was '" + value + "'");
        };
    }

    private static int checkPageSize(int value, String what) {
        if (value < 1) {
            throw new IllegalArgumentException(what + " must be positive, was " + value);
        }
        return value;
    }
}
