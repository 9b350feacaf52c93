package genesyslake.local;

import genesyslake.testsupport.FlowTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.OptionalObjectAttributes;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Ensures the local S3 answers what current SDKs send, as S3 does: a listing asking for optional object attributes
 * (Trino's native S3 file system asks for RestoreStatus), uploads with each flexible checksum and reads that ask for it.
 */
@FlowTest
class LocalS3CurrentSdkTest {

    @Test
    void currentSdkRequestsAreAnsweredAsS3AnswersThem(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("lake"));
        try (LocalS3 s3 = new LocalS3(root, genesyslake.ops.Ops.freePort(), "local-access-key", "local-secret-key").start();
                S3Client client = S3Client.builder().endpointOverride(URI.create(s3.endpoint())).forcePathStyle(true)
                        .region(Region.US_EAST_1).credentialsProvider(StaticCredentialsProvider.create(
                                AwsBasicCredentials.create("local-access-key", "local-secret-key"))).build()) {
            byte[] body = "{\"a\":1}\n".getBytes(StandardCharsets.UTF_8);
            for (ChecksumAlgorithm algorithm : List.of(ChecksumAlgorithm.CRC32, ChecksumAlgorithm.CRC32_C,
                    ChecksumAlgorithm.SHA1, ChecksumAlgorithm.SHA256)) {
                client.putObject(b -> b.bucket("lake").key("t/date=2026-01-01/" + algorithm + ".json")
                        .checksumAlgorithm(algorithm), RequestBody.fromBytes(body));
                assertArrayEquals(body, client.getObjectAsBytes(b -> b.bucket("lake")
                        .key("t/date=2026-01-01/" + algorithm + ".json").checksumMode(ChecksumMode.ENABLED)).asByteArray(),
                        algorithm + " upload reads back");
            }
            ListObjectsV2Response listing = client.listObjectsV2(b -> b.bucket("lake").prefix("t/")
                    .optionalObjectAttributes(OptionalObjectAttributes.RESTORE_STATUS));
            assertEquals(4, listing.contents().size(), listing.toString());
            // S3 gives RestoreStatus only for archived objects: none here.
            assertEquals(List.of(), listing.contents().stream().map(S3Object::restoreStatus)
                    .filter(java.util.Objects::nonNull).toList());
        }
    }
}
