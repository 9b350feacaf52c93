package genesyslake.local.aws;

/** An error the local stand-in returns as an AWS JSON error: {@code __type} plus message, HTTP 400. */
final class AwsServiceException extends RuntimeException {

    private final String type;

    AwsServiceException(String type, String message) {
        super(message);
        this.type = type;
    }

    String type() {
        return type;
    }
}
