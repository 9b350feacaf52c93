package genesyslake.catalog;

import genesyslake.lake.FlatFormat;
import genesyslake.lake.ReferenceTables;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The one definition of the lake's table shapes: columns, partition key and storage (for DDL, and the Parquet
 * writer's column names and order), each with the name and folder the seed's flows give it. Where a flow's tables are
 * (and so the crawler targets, projection DDL and reports' table names) is {@link FlowCatalog}'s, derived from the
 * flows' parameters; {@link #all()} is the shapes in their default places, for tests and benchmarks.
 */
public final class LakeTables {

    /** How one table's objects are stored, which decides the SerDe a catalog declares for it. */
    public enum Storage {
        /** Gzip NDJSON ({@code .json.gz}), read with the OpenX JSON SerDe. */
        JSON(".json.gz"),
        /** Parquet ({@code .parquet}, ZSTD), read with the Parquet SerDe. */
        PARQUET(".parquet");

        private final String suffix;

        Storage(String suffix) {
            this.suffix = suffix;
        }

        /** How the table's object keys end. */
        public String suffix() {
            return suffix;
        }
    }

    /** A column as Glue/Athena type it (string, bigint, double, boolean, timestamp, array&lt;…&gt;, struct&lt;…&gt;). */
    public record Column(String name, String type) {
    }

    /**
     * A table: {@code prefix} is "" for the bucket root, else ends with "/"; files sit under
     * {@code <prefix><partitionKey>=<value>/} and are stored as {@code storage} says.
     */
    public record LakeTable(String name, String prefix, String partitionKey, List<Column> columns, Storage storage) {

        /** S3 location of the table, e.g. {@code s3://bucket/conversations/}. */
        public String location(String bucket) {
            return "s3://" + bucket + "/" + prefix;
        }

        public boolean atRoot() {
            return prefix.isEmpty();
        }
    }

    private final String sourceBucket;
    private final FlatFormat flatFormat;

    /** The tables with the default flat format (Parquet curated tables). */
    public LakeTables(String sourceBucket) {
        this(sourceBucket, FlatFormat.PARQUET);
    }

    public LakeTables(String sourceBucket, FlatFormat flatFormat) {
        this.sourceBucket = sourceBucket;
        this.flatFormat = flatFormat;
    }

    public String sourceBucket() {
        return sourceBucket;
    }

    public FlatFormat flatFormat() {
        return flatFormat;
    }

    /** Storage of a curated (flattened) table: the flat format's. */
    private Storage curated() {
        return flatFormat == FlatFormat.PARQUET ? Storage.PARQUET : Storage.JSON;
    }

    /**
     * Type of a curated table's time column: Parquet stores a real timestamp (UTC), NDJSON the ISO text Genesys
     * sent, which the JSON SerDe reads as a string.
     */
    private String time() {
        return flatFormat == FlatFormat.PARQUET ? "timestamp" : "string";
    }

    /** Glue names a table crawled at a bucket root after the bucket, with '-' turned into '_'. */
    public static String glueTableName(String folderOrBucket) {
        return folderOrBucket.toLowerCase(Locale.ROOT).replace('-', '_');
    }

    /** Usage API rows at the bucket root, partitioned by granularity (day, week, month). */
    public LakeTable usage() {
        // The records also carry "granularity" in their JSON; the partition column is the only one declared.
        return new LakeTable(glueTableName(sourceBucket), "", "granularity", List.of(
                col("organizationId", "string"), col("clientId", "string"), col("clientName", "string"),
                col("userId", "string"), col("templateUri", "string"), col("httpMethod", "string"),
                col("date", "string"), col("status200", "bigint"), col("status300", "bigint"),
                col("status400", "bigint"), col("status429", "bigint"), col("status500", "bigint"),
                col("requests", "bigint")), Storage.JSON);
    }

    /**
     * The usage rows flattened (one row per raw usage record, same columns as the raw table, {@code date} a
     * timestamp in Parquet), partitioned by granularity in a folder of its own.
     */
    public LakeTable usageRequests() {
        return new LakeTable("usage_requests", "usage_requests/", "granularity", List.of(
                col("organizationId", "string"), col("clientId", "string"), col("clientName", "string"),
                col("userId", "string"), col("templateUri", "string"), col("httpMethod", "string"),
                col("date", time()), col("status200", "bigint"), col("status300", "bigint"),
                col("status400", "bigint"), col("status429", "bigint"), col("status500", "bigint"),
                col("requests", "bigint")), curated());
    }

    /** Raw analytics conversation records (nested); only the fields declared here are visible to projection DDL. */
    public LakeTable conversations() {
        return new LakeTable("conversations", "conversations/", "date", List.of(
                col("conversationId", "string"), col("conversationStart", "string"),
                col("conversationEnd", "string"), col("originatingDirection", "string"),
                col("divisionIds", "array<string>"), col("mediaStatsMinConversationMos", "double"),
                col("mediaStatsMinConversationRFactor", "double"),
                col("participants", "array<struct<participantId:string,participantName:string,purpose:string,"
                        + "userId:string>>")), Storage.JSON);
    }

    public LakeTable conversationSegments() {
        return new LakeTable("conversation_segments", "conversation_segments/", "date", List.of(
                col("conversationId", "string"), col("conversationStart", time()),
                col("conversationEnd", time()), col("originatingDirection", "string"),
                col("participantId", "string"), col("participantName", "string"), col("purpose", "string"),
                col("userId", "string"), col("sessionId", "string"), col("mediaType", "string"),
                col("direction", "string"), col("ani", "string"), col("dnis", "string"),
                col("segmentType", "string"), col("segmentStart", time()), col("segmentEnd", time()),
                col("segmentDurationMs", "bigint"), col("queueId", "string"), col("disconnectType", "string"),
                col("wrapUpCode", "string")), curated());
    }

    public LakeTable userDetails() {
        return new LakeTable("user_details", "user_details/", "date", List.of(
                col("userId", "string"),
                col("primaryPresence", "array<struct<startTime:string,endTime:string,systemPresence:string,"
                        + "organizationPresenceId:string>>"),
                col("routingStatus", "array<struct<startTime:string,endTime:string,routingStatus:string>>")),
                Storage.JSON);
    }

    public LakeTable userPresence() {
        return new LakeTable("user_presence", "user_presence/", "date", List.of(
                col("userId", "string"), col("startTime", time()), col("endTime", time()),
                col("durationMs", "bigint"), col("systemPresence", "string"), col("organizationPresenceId", "string")),
                curated());
    }

    public LakeTable userRoutingStatus() {
        return new LakeTable("user_routing_status", "user_routing_status/", "date", List.of(
                col("userId", "string"), col("startTime", time()), col("endTime", time()),
                col("durationMs", "bigint"), col("routingStatus", "string")), curated());
    }

    /**
     * One row per user, kind ('presence' | 'routing') and status per exported day: the day's presence and
     * routing-status intervals summed ({@code durationMs}) and counted ({@code intervals}), the shape of Genesys' own
     * user aggregates (tSystemPresence, tAgentRoutingStatus). Reports over time per status read this instead of the
     * interval tables, whose ms-precise durations no row layout compresses much.
     */
    public LakeTable agentStatusDaily() {
        return new LakeTable("agent_status_daily", "agent_status_daily/", "date", List.of(
                col("userId", "string"), col("kind", "string"), col("status", "string"),
                col("durationMs", "bigint"), col("intervals", "bigint")), curated());
    }

    /**
     * One row per agent (userId) per exported day over its handle segments (purpose 'agent', segmentType interact,
     * hold or wrapup): distinct {@code conversations} (nConnected-ish), {@code handleMs} (tHandle), {@code talkMs}
     * (tTalk), {@code holdMs} (tHeld), {@code wrapupMs} (tAcw) and {@code segments}, the shape of Genesys' own
     * conversation aggregates per user. Handle-time reports read this instead of conversation_segments, whose
     * ms-precise durations and conversation ids no row layout compresses much.
     */
    public LakeTable agentHandleDaily() {
        return new LakeTable("agent_handle_daily", "agent_handle_daily/", "date", List.of(
                col("userId", "string"), col("conversations", "bigint"), col("handleMs", "bigint"),
                col("talkMs", "bigint"), col("holdMs", "bigint"), col("wrapupMs", "bigint"),
                col("segments", "bigint")), curated());
    }

    /**
     * One row per queue, media type and direction per exported day over the segments naming a queue: distinct
     * {@code conversations} and {@code segments}. Per-queue conversation counts read this instead of
     * conversation_segments, whose random conversation ids are most of what such a report reads there.
     */
    public LakeTable queueDaily() {
        return new LakeTable("queue_daily", "queue_daily/", "date", List.of(
                col("queueId", "string"), col("mediaType", "string"), col("direction", "string"),
                col("conversations", "bigint"), col("segments", "bigint")), curated());
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
                col("status500", "bigint")), Storage.JSON);
    }

    /**
     * The tables in folders of their own (each its own crawler target): the details tables, agent_status_daily,
     * agent_handle_daily, queue_daily, usage_requests and usage_aggregates.
     */
    public List<LakeTable> folders() {
        return Stream.of(details().stream(), Stream.of(agentStatusDaily(), agentHandleDaily(), queueDaily(),
                usageRequests(), usageAggregates()), reference().stream()).flatMap(s -> s).toList();
    }

    /**
     * The reference tables (issue 21), defined apart in {@link genesyslake.lake.ReferenceTables}: per entity its raw
     * snapshots ({@code users/snapshot=YYYY-MM-DD/}, JSON) and its dim ({@code dim_users/snapshot=YYYY-MM-DD/},
     * Parquet in either flat format: the dims are small and always typed).
     */
    public List<LakeTable> reference() {
        return Arrays.stream(ReferenceTables.Entity.values())
                .flatMap(e -> Stream.of(referenceRaw(e), referenceDim(e))).toList();
    }

    /** An entity's raw snapshots (the columns declared: id and name; the rows keep every field). */
    public static LakeTable referenceRaw(ReferenceTables.Entity e) {
        return new LakeTable(e.folder, e.folder + "/", "snapshot", List.of(new Column("id", "string"),
                new Column("name", "string")), Storage.JSON);
    }

    /** An entity's dim, Parquet in either flat format. */
    public static LakeTable referenceDim(ReferenceTables.Entity e) {
        return new LakeTable(e.dimTable, e.dimTable + "/", "snapshot",
                e.dimColumns().stream().map(c -> new Column(c.name(), c.type())).toList(), Storage.PARQUET);
    }

    /** The flattened tables, stored in the flat format (lake.flat-format); every other table is raw gzip NDJSON. */
    public List<LakeTable> curatedTables() {
        return List.of(conversationSegments(), userPresence(), userRoutingStatus(), agentStatusDaily(), agentHandleDaily(),
                queueDaily(), usageRequests());
    }

    /** The details tables, each its own folder and its own crawler target. */
    public List<LakeTable> details() {
        return List.of(conversations(), conversationSegments(), userDetails(), userPresence(), userRoutingStatus());
    }

    public List<LakeTable> all() {
        return Stream.concat(Stream.of(usage()), folders().stream()).toList();
    }

    public LakeTable byName(String name) {
        return all().stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No lake table named " + name));
    }

    private static Column col(String name, String type) {
        return new Column(name, type);
    }
}
