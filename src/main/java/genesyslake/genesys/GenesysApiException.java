package genesyslake.genesys;

/** A Genesys Cloud API call that failed for good: carries the HTTP status, Genesys error code and the request line. */
public class GenesysApiException extends RuntimeException {

    private final int status;
    private final String code;

    public GenesysApiException(String request, int status, String code, String message) {
        super(request + " failed: HTTP " + status + (code == null ? "" : " " + code)
                + (message == null || message.isBlank() ? "" : ": " + message));
        this.status = status;
        this.code = code;
    }

    public GenesysApiException(String request, String message, Throwable cause) {
        super(request + " failed: " + message, cause);
        this.status = -1;
        this.code = null;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
