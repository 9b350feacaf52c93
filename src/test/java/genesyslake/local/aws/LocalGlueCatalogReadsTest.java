package genesyslake.local.aws;

import genesyslake.catalog.LakeTables;
import genesyslake.testsupport.FlowTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.BatchGetPartitionResponse;
import software.amazon.awssdk.services.glue.model.CrawlerState;
import software.amazon.awssdk.services.glue.model.EntityNotFoundException;
import software.amazon.awssdk.services.glue.model.GetPartitionsResponse;
import software.amazon.awssdk.services.glue.model.GetTablesResponse;
import software.amazon.awssdk.services.glue.model.GlueException;
import software.amazon.awssdk.services.glue.model.InvalidInputException;
import software.amazon.awssdk.services.glue.model.Partition;
import software.amazon.awssdk.services.glue.model.Table;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures the local Glue answers the catalog reads Trino's Glue metastore and the AWS CLI make as Glue does, through
 * the SDK v2 Glue client: pages (MaxResults, NextToken), partition expressions and segments, BatchGetPartition,
 * GetPartition; and that what it does not do is refused with Glue's own error types.
 */
@FlowTest
class LocalGlueCatalogReadsTest {

    private static final String DB = "genesysclouddb";
    private static final String USAGE = "gc_usage_api_source";

    @TempDir
    static Path s3Root;
    static LocalAws aws;
    static GlueClient glue;

    @BeforeAll
    static void startAndCrawl() throws Exception {
        for (String g : List.of("day", "week", "month")) {
            LocalAwsTest.gzip(s3Root.resolve("gc-usage-api-source/granularity=" + g + "/usage.json.gz"), List.of(
                    java.util.Map.of("clientId", "c-" + g, "status429", 1, "requests", 2, "granularity", g)));
        }
        LocalAwsTest.gzip(s3Root.resolve("gc-usage-api-source/conversations/date=2024-01-01/c.json.gz"),
                List.of(java.util.Map.of("conversationId", "c1")));
        java.nio.file.Files.createDirectories(s3Root.resolve("gc-usage-api-results"));
        aws = new LocalAws(new LocalAwsSettings(0, s3Root, DB, "UsageApiCrawler", "UsageAPIWorkgroup",
                "gc-usage-api-results", genesyslake.testsupport.ShippedFlows.crawlerTargets("gc-usage-api-source"), "dummy", "dummy")).start();
        glue = GlueClient.builder().endpointOverride(URI.create(aws.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("dummy", "dummy")))
                .build();
        glue.startCrawler(b -> b.name("UsageApiCrawler"));
        long deadline = System.currentTimeMillis() + 60_000;
        while (glue.getCrawler(b -> b.name("UsageApiCrawler")).crawler().state() != CrawlerState.READY
                || glue.getCrawler(b -> b.name("UsageApiCrawler")).crawler().lastCrawl() == null) {
            assertTrue(System.currentTimeMillis() < deadline, "the crawl finished");
            Thread.sleep(50);
        }
    }

    @AfterAll
    static void stop() {
        if (glue != null) {
            glue.close();
        }
        if (aws != null) {
            aws.close();
        }
    }

    @Test
    void tablesAndDatabasesComePagedAndTheirPagesAddUpToTheWhole() {
        List<String> whole = glue.getTables(b -> b.databaseName(DB)).tableList().stream().map(Table::name).toList();
        assertTrue(whole.size() >= 2 && whole.contains(USAGE), whole.toString());
        List<String> paged = new ArrayList<>();
        int pages = 0;
        for (GetTablesResponse page : glue.getTablesPaginator(b -> b.databaseName(DB).maxResults(1))) {
            assertTrue(page.tableList().size() <= 1);
            paged.addAll(page.tableList().stream().map(Table::name).toList());
            pages++;
        }
        assertEquals(whole, paged);
        assertTrue(pages >= whole.size(), "one table a page");
        assertEquals(List.of(USAGE), glue.getTables(b -> b.databaseName(DB).expression("gc_usage.*")).tableList()
                .stream().map(Table::name).toList(), "Expression is a pattern on the names");
        assertEquals(List.of(DB), glue.getDatabasesPaginator(b -> b.maxResults(1)).stream().flatMap(p -> p.databaseList().stream())
                .map(d -> d.name()).toList());
        InvalidInputException badToken = assertThrows(InvalidInputException.class,
                () -> glue.getTables(b -> b.databaseName(DB).nextToken("not-a-token")));
        assertTrue(badToken.getMessage().contains("NextToken"), badToken.getMessage());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "''                                                  | day week month",
            "granularity = 'day'                                 | day",
            "(granularity = 'day')                               | day",
            "`granularity` <> 'day'                              | week month",
            "granularity in ('day', 'week')                      | day week",
            "((granularity >= 'month') AND NOT (granularity = 'week')) OR (granularity < 'e') | day month",
            "granularity between 'd' and 'n'                     | day month",
            "granularity like 'w%'                               | week",
            "granularity IS NOT NULL AND granularity != 'month' | day week"})
    void partitionsAreFilteredByTheirExpressionAsGlueFiltersThem(String expression, String granularities) {
        Set<String> expected = new TreeSet<>(Arrays.asList(granularities.split(" ")));
        assertEquals(expected, values(glue.getPartitions(b -> b.databaseName(DB).tableName(USAGE)
                .expression(expression)).partitions()));
    }

    @Test
    void segmentsSplitThePartitionsIntoDisjointPartsAndPagesCarryTheRest() {
        Set<String> all = values(glue.getPartitions(b -> b.databaseName(DB).tableName(USAGE)).partitions());
        assertEquals(Set.of("day", "week", "month"), all);
        Set<String> union = new TreeSet<>();
        int total = 0;
        for (int s = 0; s < 2; s++) {
            int segment = s;
            Set<String> part = values(glue.getPartitions(b -> b.databaseName(DB).tableName(USAGE)
                    .segment(g -> g.segmentNumber(segment).totalSegments(2))).partitions());
            union.addAll(part);
            total += part.size();
        }
        assertEquals(all, union);
        assertEquals(all.size(), total, "segments do not overlap");

        List<String> paged = new ArrayList<>();
        for (GetPartitionsResponse page : glue.getPartitionsPaginator(b -> b.databaseName(DB).tableName(USAGE).maxResults(1))) {
            assertTrue(page.partitions().size() <= 1);
            page.partitions().forEach(p -> paged.add(p.values().get(0)));
        }
        assertEquals(all, new TreeSet<>(paged));
        assertEquals(all.size(), paged.size());

        Partition p = glue.getPartitions(b -> b.databaseName(DB).tableName(USAGE).expression("granularity = 'day'")
                .excludeColumnSchema(true)).partitions().get(0);
        assertTrue(p.storageDescriptor().columns().isEmpty(), "ExcludeColumnSchema leaves the columns out");
        assertTrue(p.storageDescriptor().location().endsWith("/granularity=day/"), p.storageDescriptor().location());

        InvalidInputException badSegment = assertThrows(InvalidInputException.class, () -> glue.getPartitions(b -> b
                .databaseName(DB).tableName(USAGE).segment(g -> g.segmentNumber(2).totalSegments(2))));
        assertTrue(badSegment.getMessage().contains("Segment"), badSegment.getMessage());
    }

    @Test
    void batchGetPartitionAndGetPartitionAnswerThePartitionsThatExist() {
        BatchGetPartitionResponse batch = glue.batchGetPartition(b -> b.databaseName(DB).tableName(USAGE)
                .partitionsToGet(k -> k.values("day"), k -> k.values("month"), k -> k.values("year")));
        assertEquals(Set.of("day", "month"), values(batch.partitions()));
        assertTrue(batch.unprocessedKeys().isEmpty(), "an absent partition is left out, not unprocessed");
        assertEquals(List.of("week"), glue.getPartition(b -> b.databaseName(DB).tableName(USAGE).partitionValues("week"))
                .partition().values());
        assertThrows(EntityNotFoundException.class,
                () -> glue.getPartition(b -> b.databaseName(DB).tableName(USAGE).partitionValues("year")));
        assertThrows(EntityNotFoundException.class, () -> glue.batchGetPartition(b -> b.databaseName(DB)
                .tableName("no_such_table").partitionsToGet(k -> k.values("day"))));
    }

    @Test
    void whatTheLocalGlueDoesNotDoIsRefusedWithGluesErrorTypes() {
        InvalidInputException badExpression = assertThrows(InvalidInputException.class, () -> glue.getPartitions(b -> b
                .databaseName(DB).tableName(USAGE).expression("nosuchkey = 'x'")));
        assertTrue(badExpression.getMessage().contains("nosuchkey"), badExpression.getMessage());
        assertThrows(InvalidInputException.class, () -> glue.getPartitions(b -> b.databaseName(DB).tableName(USAGE)
                .expression("granularity = ")));
        GlueException unknown = assertThrows(GlueException.class, () -> glue.deleteTable(b -> b.databaseName(DB)
                .name(USAGE)));
        assertEquals("UnknownOperationException", unknown.awsErrorDetails().errorCode());
        assertEquals(400, unknown.statusCode());
    }

    private static Set<String> values(List<Partition> partitions) {
        Set<String> out = new TreeSet<>();
        partitions.forEach(p -> out.add(p.values().get(0)));
        return out;
    }
}
