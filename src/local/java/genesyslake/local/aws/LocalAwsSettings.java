package genesyslake.local.aws;

import genesyslake.catalog.CrawlerTarget;

import java.nio.file.Path;
import java.util.List;

/**
 * Settings of the local Glue/Athena stand-in: port (0 = free), S3Proxy store root, catalog names, crawler targets and
 * the one access key / secret key whose SigV4 signatures it accepts (local mode's local.s3.access-key/secret-key).
 */
public record LocalAwsSettings(int port, Path s3Root, String database, String crawlerName, String workGroup,
        String resultsBucket, List<CrawlerTarget> targets, String accessKey, String secretKey) {

    public LocalAwsSettings {
        targets = List.copyOf(targets);
        if (accessKey == null || accessKey.isBlank() || secretKey == null || secretKey.isBlank()) {
            throw new IllegalArgumentException("The local Glue/Athena needs an access key and a secret key");
        }
    }

}
