package genesyslake.local.aws;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks an AWS Signature Version 4 {@code Authorization} header the way AWS does for JSON services: the access key
 * must be the configured one and the signature, recomputed with its secret over the canonical request, must match.
 */
final class SigV4 {

    private static final Pattern AUTHORIZATION = Pattern.compile(
            "AWS4-HMAC-SHA256\\s+Credential=([^/,\\s]+)/(\\d{8})/([^/,\\s]+)/([^/,\\s]+)/aws4_request\\s*,\\s*"
                    + "SignedHeaders=([a-z0-9;_.-]+)\\s*,\\s*Signature=([0-9a-f]{64})\\s*");
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    /** AWS refuses requests signed more than 15 minutes away from its clock. */
    private static final Duration MAX_SKEW = Duration.ofMinutes(15);

    private final String accessKey;
    private final String secretKey;

    SigV4(String accessKey, String secretKey) {
        this.accessKey = accessKey;
        this.secretKey = secretKey;
    }

    /**
     * @param headers header values by name (any case; all values of a repeated header), null when absent
     * @throws AwsServiceException MissingAuthenticationTokenException, UnrecognizedClientException,
     *                             InvalidSignatureException, as AWS answers
     */
    void verify(String method, String rawPath, String rawQuery, Function<String, List<String>> headers, byte[] body,
            Instant now) {
        List<String> auth = headers.apply("authorization");
        if (auth == null || auth.isEmpty()) {
            throw new AwsServiceException("MissingAuthenticationTokenException", "Missing Authentication Token");
        }
        Matcher m = AUTHORIZATION.matcher(auth.get(0).trim());
        if (!m.matches()) {
            throw new AwsServiceException("IncompleteSignatureException",
                    "Authorization header requires AWS4-HMAC-SHA256 Credential, SignedHeaders and Signature");
        }
        if (!MessageDigest.isEqual(accessKey.getBytes(StandardCharsets.UTF_8), m.group(1).getBytes(StandardCharsets.UTF_8))) {
            throw new AwsServiceException("UnrecognizedClientException", "The security token included in the request is invalid.");
        }
        String date = m.group(2);
        String scope = date + "/" + m.group(3) + "/" + m.group(4) + "/aws4_request";
        String signedHeaders = m.group(5);
        List<String> amzDate = headers.apply("x-amz-date");
        if (amzDate == null || amzDate.isEmpty()) {
            throw new AwsServiceException("IncompleteSignatureException", "X-Amz-Date header is required");
        }
        Instant signedAt;
        try {
            signedAt = Instant.from(AMZ_DATE.parse(amzDate.get(0).trim()));
        } catch (DateTimeParseException e) {
            throw new AwsServiceException("IncompleteSignatureException", "Bad X-Amz-Date " + amzDate.get(0));
        }
        if (!amzDate.get(0).trim().startsWith(date)) {
            throw new AwsServiceException("InvalidSignatureException", "Credential date does not match X-Amz-Date");
        }
        if (Duration.between(signedAt, now).abs().compareTo(MAX_SKEW) > 0) {
            throw new AwsServiceException("InvalidSignatureException", "Signature expired: " + amzDate.get(0)
                    + " is more than 15 minutes from the server time " + AMZ_DATE.format(now));
        }
        StringBuilder canonicalHeaders = new StringBuilder();
        for (String name : signedHeaders.split(";")) {
            List<String> values = headers.apply(name);
            if (values == null) {
                throw new AwsServiceException("InvalidSignatureException", "Signed header " + name + " is missing");
            }
            canonicalHeaders.append(name).append(':').append(String.join(",", values.stream()
                    .map(v -> v.trim().replaceAll("\\s+", " ")).toList())).append('\n');
        }
        List<String> contentSha = headers.apply("x-amz-content-sha256");
        String payloadHash = contentSha != null && !contentSha.isEmpty() ? contentSha.get(0).trim() : hex(sha256(body));
        if (!payloadHash.equals("UNSIGNED-PAYLOAD") && !payloadHash.equals(hex(sha256(body)))) {
            throw new AwsServiceException("InvalidSignatureException", "The payload does not match x-amz-content-sha256");
        }
        String canonicalRequest = method + "\n" + (rawPath.isEmpty() ? "/" : rawPath) + "\n" + canonicalQuery(rawQuery)
                + "\n" + canonicalHeaders + "\n" + signedHeaders + "\n" + payloadHash;
        String stringToSign = "AWS4-HMAC-SHA256\n" + amzDate.get(0).trim() + "\n" + scope + "\n"
                + hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8), date);
        key = hmac(key, m.group(3));
        key = hmac(key, m.group(4));
        key = hmac(key, "aws4_request");
        byte[] expected = HexFormat.of().formatHex(hmac(key, stringToSign)).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, m.group(6).getBytes(StandardCharsets.US_ASCII))) {
            throw new AwsServiceException("InvalidSignatureException", "The request signature we calculated does not "
                    + "match the signature you provided. Check your AWS Secret Access Key and signing method.");
        }
    }

    /** Query parameters sorted by name then value, as sent (already URI-encoded by the client). */
    private static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        return java.util.Arrays.stream(rawQuery.split("&")).filter(p -> !p.isEmpty())
                .map(p -> p.contains("=") ? p : p + "=").sorted().reduce((a, b) -> a + "&" + b).orElse("");
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes).toLowerCase(Locale.ROOT);
    }
}
