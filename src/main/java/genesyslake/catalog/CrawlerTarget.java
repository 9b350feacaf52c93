package genesyslake.catalog;

import java.util.List;

/**
 * One S3 target of the lake's crawler (Glue's, or local mode's stand-in): {@code s3://bucket/} or
 * {@code s3://bucket/prefix/}, with Glue exclusion globs.
 */
public record CrawlerTarget(String path, List<String> exclusions) {

    public CrawlerTarget {
        if (!path.startsWith("s3://")) {
            throw new IllegalArgumentException("Crawler target must be an s3:// path: " + path);
        }
        exclusions = exclusions == null ? List.of() : List.copyOf(exclusions);
    }

    public String bucket() {
        String rest = path.substring("s3://".length());
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
    }

    /** Key prefix inside the bucket, "" for the root, otherwise ending with "/". */
    public String prefix() {
        String rest = path.substring("s3://".length());
        int slash = rest.indexOf('/');
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        return prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
    }

    /** Glue's rule: the last folder of the path, or the bucket for a root target, lower case, '-' as '_'. */
    public String tableName() {
        String prefix = prefix();
        String base = prefix.isEmpty() ? bucket() : prefix.substring(prefix.lastIndexOf('/', prefix.length() - 2) + 1,
                prefix.length() - 1);
        return base.toLowerCase(java.util.Locale.ROOT).replace('-', '_');
    }

    /** The path, and its exclusions if any: what a log line shows. */
    public String describe() {
        return exclusions.isEmpty() ? path : path + " excluding " + exclusions;
    }
}
