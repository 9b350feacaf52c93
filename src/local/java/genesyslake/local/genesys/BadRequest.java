package genesyslake.local.genesys;

/** A request the local Genesys Cloud refuses; becomes a Genesys-shaped error body with this status and code. */
public final class BadRequest extends RuntimeException {

    private final int status;
    private final String code;

    public BadRequest(String message) {
        this(400, "bad.request", message);
    }

    public BadRequest(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
