package genesyslake.catalog;

/** The Glue catalog could not be refreshed: unknown crawler, failed crawl, or no READY state within the bound. */
public class CatalogException extends RuntimeException {

    public CatalogException(String message) {
        super(message);
    }

    public CatalogException(String message, Throwable cause) {
        super(message, cause);
    }
}
