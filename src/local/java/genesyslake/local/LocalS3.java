package genesyslake.local;

import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real S3 server in-process (S3Proxy with its filesystem store): SigV4, multipart, the AWS CLI all work.
 * Objects are plain files under {@code root/<bucket>/<key>}, which the local Athena stand-in reads directly.
 */
public final class LocalS3 implements AutoCloseable {

    private final Path root;
    private final FilesystemNio2BlobStore store;
    private final S3Proxy proxy;

    public LocalS3(Path root, int port, String accessKey, String secretKey) throws IOException {
        this.root = Files.createDirectories(root).toAbsolutePath();
        this.store = new FilesystemNio2BlobStore(this.root.toString());
        this.proxy = S3Proxy.builder()
                .blobStore(store)
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                // S3 ignores request headers it has nothing to do for; S3Proxy refuses them with 501 unless told so.
                // Current SDKs send some on every listing (Trino: x-amz-optional-object-attributes: RestoreStatus,
                // which S3 answers only for archived objects, and the local lake has none).
                .ignoreUnknownHeaders(true)
                // Stops at once, as an outage does: S3Proxy's graceful stop (up to 30 s) waited 1.5 to 2 s on every
                // stop here, for clients' idle connections, and every test daemon stops one.
                .stopTimeout(0)
                .build();
    }

    public LocalS3 start() throws Exception {
        proxy.start();
        long deadline = System.currentTimeMillis() + 30_000;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("Local S3 did not start: state " + proxy.getState());
            }
            Thread.sleep(20);
        }
        return this;
    }

    /**
     * Creates these buckets in the store itself, as S3Proxy's CreateBucket does (no client, no request: a start needs
     * no S3 client of its own); one kept from an earlier run stays as it is.
     */
    public LocalS3 createBuckets(List<String> buckets) {
        for (String bucket : buckets) {
            try {
                store.createContainer(CreateBucketRequest.builder().bucket(bucket).build());
            } catch (BucketAlreadyOwnedByYouException e) {
                // kept from an earlier run: the local lake persists under local.data-dir
            }
        }
        return this;
    }

    public int port() {
        return proxy.getPort();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port();
    }

    public Path root() {
        return root;
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
    }
}
