package genesyslake.local.aws;

import java.nio.file.Path;
import java.util.List;

/** Settings of the local Glue/Athena stand-in: port (0 = free), S3Proxy store root, catalog names and crawler targets. */
public record LocalAwsSettings(int port, Path s3Root, String database, String crawlerName, String workGroup,
        String resultsBucket, List<CrawlerTarget> targets) {

    public LocalAwsSettings {
        targets = List.copyOf(targets);
    }

}
