package genesyslake.catalog;

import genesyslake.local.aws.CrawlerTarget;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The one definition of the lake's tables: name, S3 prefix, partition key and columns (for crawler targets and DDL). */
public final class LakeTables {

    /** Folder (relative to the source bucket) holding run manifests; never catalogued. */
    public static final String MANIFESTS_PREFIX = "_manifests/";

    /** A column as Glue/Athena type it (string, bigint, double, boolean, array&lt;…&gt;, struct&lt;…&gt;). */
    public record Column(String name, String type) {
    }

    /**
     * A table: {@code prefix} is "" for the bucket root, else ends with "/"; files sit under
     * {@code <prefix><partitionKey>=<value>/}.
     */
    public record LakeTable(String name, String prefix, String partitionKey, List<Column> columns) {

        /** S3 location of the table, e.g. {@code s3://bucket/conversations/}. */
        public String location(String bucket) {
            return "s3://" + bucket + "/" + prefix;
        }

        public boolean atRoot() {
            return prefix.isEmpty();
        }
    }

    public static final List<String> DETAIL_FOLDERS = List.of(
            "conversations", "conversation_segments", "user_details", "user_presence", "user_routing_status");

    private final String sourceBucket;

    public LakeTables(String sourceBucket) {
        this.sourceBucket = sourceBucket;
    }

    public String sourceBucket() {
        return sourceBucket;
    }

    /** Glue names a table crawled at a bucket root after the bucket, with '-' turned into '_'. */
    public static String glueTableName(String folderOrBucket) {
        return folderOrBucket.toLowerCase(java.util.Locale.ROOT).replace('-', '_');
    }

    /** Usage API rows at the bucket root, partitioned by granularity (day, week, month). */
    public LakeTable usage() {
        // The records also carry "granularity" in their JSON; the partition column is the only one declared.
        return new LakeTable(glueTableName(sourceBucket), "", "granularity", List.of(
                col("organizationId", "string"), col("clientId", "string"), col("clientName", "string"),
                col("userId", "string"), col("templateUri", "string"), col("httpMethod", "string"),
                col("date", "string"), col("status200", "bigint"), col("status300", "bigint"),
                col("status400", "bigint"), col("status429", "bigint"), col("status500", "bigint"),
                col("requests", "bigint")));
    }

    /** Raw analytics conversation records (nested); only the fields declared here are visible to projection DDL. */
    public LakeTable conversations() {
        return new LakeTable("conversations", "conversations/", "date", List.of(
                col("conversationId", "string"), col("conversationStart", "string"),
                col("conversationEnd", "string"), col("originatingDirection", "string"),
                col("divisionIds", "array<string>"), col("mediaStatsMinConversationMos", "double"),
                col("mediaStatsMinConversationRFactor", "double"),
                col("participants", "array<struct<participantId:string,participantName:string,purpose:string,"
                        + "userId:string>>")));
    }

    public LakeTable conversationSegments() {
        return new LakeTable("conversation_segments", "conversation_segments/", "date", List.of(
                col("conversationId", "string"), col("conversationStart", "string"),
                col("conversationEnd", "string"), col("originatingDirection", "string"),
                col("participantId", "string"), col("participantName", "string"), col("purpose", "string"),
                col("userId", "string"), col("sessionId", "string"), col("mediaType", "string"),
                col("direction", "string"), col("ani", "string"), col("dnis", "string"),
                col("segmentType", "string"), col("segmentStart", "string"), col("segmentEnd", "string"),
                col("segmentDurationMs", "bigint"), col("queueId", "string"), col("disconnectType", "string"),
                col("wrapUpCode", "string")));
    }

    public LakeTable userDetails() {
        return new LakeTable("user_details", "user_details/", "date", List.of(
                col("userId", "string"),
                col("primaryPresence", "array<struct<startTime:string,endTime:string,systemPresence:string,"
                        + "organizationPresenceId:string>>"),
                col("routingStatus", "array<struct<startTime:string,endTime:string,routingStatus:string>>")));
    }

    public LakeTable userPresence() {
        return new LakeTable("user_presence", "user_presence/", "date", List.of(
                col("userId", "string"), col("startTime", "string"), col("endTime", "string"),
                col("durationMs", "bigint"), col("systemPresence", "string"), col("organizationPresenceId", "string")));
    }

    public LakeTable userRoutingStatus() {
        return new LakeTable("user_routing_status", "user_routing_status/", "date", List.of(
                col("userId", "string"), col("startTime", "string"), col("endTime", "string"),
                col("durationMs", "bigint"), col("routingStatus", "string")));
    }

    /**
     * Rows of the usage aggregates jobs API (usage.api=aggregates), partitioned like the usage table. Their shape is the
     * new API's own (oauthClient as an object, requestCount), so they are a table of their own.
     */
    public LakeTable usageAggregates() {
        return new LakeTable("usage_aggregates", "usage_aggregates/", "granularity", List.of(
                col("date", "string"), col("oauthClient", "struct<id:string,name:string,selfUri:string>"),
                col("user", "struct<id:string,selfUri:string>"), col("templateUri", "string"),
                col("httpMethod", "string"), col("requestCount", "bigint"), col("status200", "bigint"),
                col("status300", "bigint"), col("status400", "bigint"), col("status429", "bigint"),
                col("status500", "bigint")));
    }

    /** The tables in folders of their own (each its own crawler target): the details tables and usage_aggregates. */
    public List<LakeTable> folders() {
        return Stream.concat(details().stream(), Stream.of(usageAggregates())).toList();
    }

    /** The details tables, each its own folder and its own crawler target. */
    public List<LakeTable> details() {
        return List.of(conversations(), conversationSegments(), userDetails(), userPresence(), userRoutingStatus());
    }

    public List<LakeTable> all() {
        return Stream.concat(Stream.of(usage()), folders().stream()).toList();
    }

    /** Exclusion globs (relative to the bucket root) that keep the root target to the usage table only. */
    public List<String> rootExclusions() {
        return Stream.concat(folders().stream().map(t -> t.prefix() + "**"), Stream.of(MANIFESTS_PREFIX + "**")).toList();
    }

    /** The crawler's targets: the bucket root (usage, minus the details folders and manifests) and one per details folder. */
    public static List<CrawlerTarget> crawlerTargets(String sourceBucket) {
        LakeTables tables = new LakeTables(sourceBucket);
        List<CrawlerTarget> targets = new ArrayList<>();
        targets.add(new CrawlerTarget(tables.usage().location(sourceBucket), tables.rootExclusions()));
        tables.folders().forEach(t -> targets.add(new CrawlerTarget(t.location(sourceBucket), List.of())));
        return targets;
    }

    public LakeTable byName(String name) {
        return all().stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No lake table named " + name));
    }

    private static Column col(String name, String type) {
        return new Column(name, type);
    }
}
