package genesyslake.local.aws;

import genesyslake.catalog.CrawlerTarget;
import genesyslake.config.Settings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Settings of the local Glue/Athena stand-in: port (0 = free), S3Proxy store root, catalog names, crawler targets, the
 * one access key / secret key whose SigV4 signatures it accepts (local mode's local.s3.access-key/secret-key), and the
 * local Athena's limits: how long one query may run ({@code local.athena.query-timeout}, as a workgroup's DML timeout)
 * and how many bytes of CSV one result may hold ({@code local.athena.max-result-mb}).
 */
public record LocalAwsSettings(int port, Path s3Root, String database, String crawlerName, String workGroup,
        String resultsBucket, List<CrawlerTarget> targets, String accessKey, String secretKey,
        Duration queryTimeout, long maxResultBytes) {

    /** The defaults of application.properties: 5 minutes, 256 MiB. */
    public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofMinutes(5);
    public static final long DEFAULT_MAX_RESULT_BYTES = 256L << 20;

    public LocalAwsSettings {
        targets = List.copyOf(targets);
        if (accessKey == null || accessKey.isBlank() || secretKey == null || secretKey.isBlank()) {
            throw new IllegalArgumentException("The local Glue/Athena needs an access key and a secret key");
        }
        if (queryTimeout == null || queryTimeout.isNegative() || queryTimeout.isZero()) {
            throw new Settings.SettingsException("local.athena.query-timeout", "must be a positive duration, was "
                    + queryTimeout);
        }
        if (maxResultBytes <= 0) {
            throw new Settings.SettingsException("local.athena.max-result-mb", "must be at least 1, was "
                    + (maxResultBytes >> 20));
        }
    }

    /** With the default limits. */
    public LocalAwsSettings(int port, Path s3Root, String database, String crawlerName, String workGroup,
            String resultsBucket, List<CrawlerTarget> targets, String accessKey, String secretKey) {
        this(port, s3Root, database, crawlerName, workGroup, resultsBucket, targets, accessKey, secretKey,
                DEFAULT_QUERY_TIMEOUT, DEFAULT_MAX_RESULT_BYTES);
    }
}
