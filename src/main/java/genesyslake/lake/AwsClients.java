package genesyslake.lake;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;

/**
 * Builds the S3, Glue and Athena clients in one place. The routes never name an endpoint: these clients are bound
 * in the registry and autowired by camel-aws2-s3 / camel-aws2-athena, so local and AWS mode differ only here.
 *
 * @param s3Endpoint      null for real AWS
 * @param catalogEndpoint Glue and Athena endpoint, null for real AWS
 * @param credentials     null for the AWS default chain
 */
public record AwsClients(String region, URI s3Endpoint, URI catalogEndpoint, AwsCredentialsProvider credentials) {

    public static AwsClients aws(String region, String endpointOverride) {
        URI endpoint = endpointOverride == null || endpointOverride.isBlank() ? null : URI.create(endpointOverride.trim());
        return new AwsClients(region, endpoint, endpoint, null);
    }

    public static AwsClients local(String region, String s3Endpoint, String catalogEndpoint, String accessKey, String secretKey) {
        return new AwsClients(region, URI.create(s3Endpoint), URI.create(catalogEndpoint),
                StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)));
    }

    private AwsCredentialsProvider provider() {
        return credentials != null ? credentials : DefaultCredentialsProvider.builder().build();
    }

    public S3Client s3() {
        var b = S3Client.builder().region(Region.of(region)).credentialsProvider(provider());
        if (s3Endpoint != null) {
            b.endpointOverride(s3Endpoint).forcePathStyle(true);
        }
        return b.build();
    }

    public GlueClient glue() {
        var b = GlueClient.builder().region(Region.of(region)).credentialsProvider(provider());
        if (catalogEndpoint != null) {
            b.endpointOverride(catalogEndpoint);
        }
        return b.build();
    }

    public AthenaClient athena() {
        var b = AthenaClient.builder().region(Region.of(region)).credentialsProvider(provider());
        if (catalogEndpoint != null) {
            b.endpointOverride(catalogEndpoint);
        }
        return b.build();
    }
}
