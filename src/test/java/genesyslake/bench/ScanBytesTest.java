package genesyslake.bench;

import genesyslake.catalog.LakeTables;
import genesyslake.testsupport.UnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bench's bytes-scanned arithmetic: which columns and partitions a report reads, and what they weigh. */
@UnitTest
class ScanBytesTest {

    private final LakeTables tables = new LakeTables("gc-usage-api-source");

    @Test
    void aReportReadsTheColumnsItNamesInThePartitionsItFilters() throws Exception {
        String sql = Files.readString(Path.of("queries/examples/inbound-voice-conversations-per-queue-per-day.row-level.sql"));
        List<ScanBytes.TableRead> reads = ScanBytes.reads(sql, tables.all());
        assertEquals(2, reads.size());
        assertEquals("conversation_segments", reads.get(0).table().name());
        // The queue names beside the ids: two columns of the dim, every snapshot (the subquery picks the newest).
        assertEquals("dim_queues", reads.get(1).table().name());
        assertEquals(List.of("id", "name"), List.copyOf(reads.get(1).columns()));
        // "date" is the partition key: in the path, never a column chunk.
        assertEquals(List.of("conversationid", "direction", "mediatype", "queueid"), List.copyOf(reads.get(0).columns()));
        assertNull(reads.get(0).partitionValue());

        List<ScanBytes.TableRead> seed = ScanBytes.reads(
                Files.readString(Path.of("queries/sql/top10-rate-limited-clients.sql")), tables.all());
        assertEquals(1, seed.size());
        assertEquals("gc_usage_api_source", seed.get(0).table().name());
        assertEquals("month", seed.get(0).partitionValue());
        assertEquals(seed.get(0).table().columns().size(), seed.get(0).columns().size()); // SELECT *
    }

    @Test
    void aJoinReadsBothTablesAndCommentsDoNotCount() {
        String sql = "-- requests and templateUri are only in this comment\n"
                + "SELECT p.userid, sum(p.durationms) FROM \"genesysclouddb\".\"user_presence\" p "
                + "JOIN user_routing_status r ON p.userid = r.userid WHERE r.routingstatus = 'INTERACTING' GROUP BY 1";
        List<ScanBytes.TableRead> reads = ScanBytes.reads(sql, tables.all());
        assertEquals(List.of("user_presence", "user_routing_status"), reads.stream().map(r -> r.table().name()).toList());
        assertEquals(List.of("durationms", "userid"), List.copyOf(reads.get(0).columns()));
        assertEquals(List.of("durationms", "routingstatus", "userid"), List.copyOf(reads.get(1).columns()));
        assertNull(reads.get(1).partitionValue()); // routingstatus is not the partition key
    }

    @Test
    void ndjsonCountsWholeObjectsOfTouchedPartitionsAndParquetOnlyTheNamedChunks(@TempDir Path bucket) throws Exception {
        LakeTables.LakeTable usage = tables.usage();
        Path month = Files.createDirectories(bucket.resolve("granularity=month"));
        Path day = Files.createDirectories(bucket.resolve("granularity=day"));
        Files.write(month.resolve("a.json.gz"), new byte[100]);
        Files.write(day.resolve("b.json.gz"), new byte[30]);
        // Another table's folder at the bucket root is not part of the root table.
        Files.write(Files.createDirectories(bucket.resolve("conversations/date=2026-11-01")).resolve("c.json.gz"),
                new byte[1000]);
        assertEquals(100, ScanBytes.ndjsonBytes(bucket, new ScanBytes.TableRead(usage, Set.of(), "month")));
        assertEquals(130, ScanBytes.ndjsonBytes(bucket, new ScanBytes.TableRead(usage, Set.of(), null)));

        LakeTables.LakeTable presence = tables.userPresence();
        Path part = Files.createDirectories(bucket.resolve("user_presence/date=2026-11-01"));
        Path file = part.resolve("x.parquet");
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement st = duck.createStatement()) {
            st.execute("COPY (SELECT 'user-' || (i % 40) AS userId, repeat('p', 200) || i AS systemPresence, "
                    + "i * 1000 AS durationMs FROM range(5000) t(i)) TO '" + file + "' (FORMAT parquet, COMPRESSION zstd)");
            long user;
            long all;
            try (ResultSet rs = st.executeQuery("SELECT sum(total_compressed_size) FILTER (WHERE path_in_schema = 'userId'), "
                    + "sum(total_compressed_size) FROM parquet_metadata('" + file + "')")) {
                rs.next();
                user = rs.getLong(1);
                all = rs.getLong(2);
            }
            long userOnly = ScanBytes.parquetBytes(duck, bucket, new ScanBytes.TableRead(presence, Set.of("userid"), null));
            assertEquals(user, userOnly);
            assertTrue(userOnly > 0);
            long three = ScanBytes.parquetBytes(duck, bucket,
                    new ScanBytes.TableRead(presence, Set.of("userid", "systempresence", "durationms"), null));
            assertEquals(all, three);
            assertTrue(three > userOnly);
            // A partition the read does not touch costs nothing.
            assertEquals(0, ScanBytes.parquetBytes(duck, bucket,
                    new ScanBytes.TableRead(presence, Set.of("userid"), "2026-11-02")));
        }
    }
}
