package genesyslake.lake;

import genesyslake.lake.PartitionSpool.LakeObject;
import genesyslake.lake.ReferenceTables.Entity;
import genesyslake.query.Interval;
import org.apache.camel.Exchange;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * The steps of a reference flow (routes/reference.camel.yaml) that are not Genesys requests: start the day's run
 * (its snapshot key), then, once the snapshot is spooled, write that day's dim Parquet beside it from the snapshot
 * and the newest earlier dim in the bucket. The route pages the listing and uploads both through lake-publish. Every
 * key (snapshot, dim, the earlier dims listed) starts with the flow's key prefix (property lakeKeyPrefix), in the
 * flow's bucket (lakeBucket), as the catalog places its two tables.
 */
public final class ReferenceExport {


    private final LakeRuns runs;
    private final Clock clock;
    private final S3Client s3;
    private final ParquetConverter duck;

    public ReferenceExport(LakeRuns runs, Clock clock, S3Client s3, ParquetConverter duck) {
        this.runs = runs;
        this.clock = clock;
        this.s3 = s3;
        this.duck = duck;
    }

    /**
     * Starts the run of one snapshot day: today (UTC), or the first day of the header lakeInterval. Sets the header
     * lakeKey to the day's snapshot object, the same key on every rerun of the day, so a rerun replaces it.
     */
    public void begin(Exchange exchange) throws IOException {
        Entity entity = Entity.of(exchange.getProperty(LakeNames.REFERENCE_ENTITY, String.class));
        String asked = exchange.getIn().getHeader(LakeNames.INTERVAL, String.class);
        LocalDate day = asked == null || asked.isBlank() ? LocalDate.now(clock.withZone(ZoneOffset.UTC))
                : Interval.parse(asked, clock).startDate();
        runs.start(exchange, Interval.of(day, day.plusDays(1)));
        exchange.setProperty(LakeNames.SNAPSHOT_DAY, day.toString());
        exchange.getIn().setHeader(LakeNames.KEY, keyPrefix(exchange) + entity.snapshotKey(day.toString()));
    }

    /** Adds the day's dim_<entity> Parquet to the finished run's objects (after lakeRuns.finish, before publish). */
    public LakeObject dimension(Exchange exchange) throws IOException {
        Entity entity = Entity.of(exchange.getProperty(LakeNames.REFERENCE_ENTITY, String.class));
        String day = exchange.getProperty(LakeNames.SNAPSHOT_DAY, String.class);
        ExportRun run = exchange.getProperty(LakeNames.RUN, ExportRun.class);
        String keyPrefix = keyPrefix(exchange);
        String snapshotKey = keyPrefix + entity.snapshotKey(day);
        Optional<LakeObject> snapshot = run.getObjects().stream().filter(o -> o.key().equals(snapshotKey)).findFirst();
        String snapshotSql = snapshot.map(o -> "SELECT json FROM read_ndjson_objects(" + literal(o.file())
                + ", format = 'newline_delimited', compression = 'gzip')")
                .orElse("SELECT CAST(NULL AS JSON) AS json WHERE false");
        Path previous = previousDim(keyPrefix + entity.dimTable + "/snapshot=", day, run.bucket(), run.dir());
        String select = entity.dimSelect(snapshotSql, previous == null ? null : "read_parquet(" + literal(previous)
                + ")", day);
        Path target = run.dir().resolve("dim").resolve(entity.dimTable + "_" + day + ".parquet");
        long rows = duck.write(select, FlatFormat.PARQUET, target);
        LakeObject dim = new LakeObject(keyPrefix + entity.dimKey(day), target, rows, Files.size(target), Files.size(target))
                .inBucket(run.bucket());
        run.getObjects().add(dim);
        return dim;
    }

    /** The flow's key prefix ("" or a folder ending with /; the catalog refuses any other at start). */
    private static String keyPrefix(Exchange exchange) {
        String p = exchange.getProperty(LakeNames.KEY_PREFIX, String.class);
        return p == null ? "" : p.trim();
    }

    /**
     * The newest dim of a day before {@code day} under {@code prefix} (the flow's dim folder, to "snapshot=") in the
     * bucket, downloaded into the run's folder; null if none.
     */
    private Path previousDim(String prefix, String day, String bucket, Path dir) throws IOException {
        String best = null;
        for (S3Object o : s3.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(bucket).prefix(prefix)
                .build()).contents()) {
            String rest = o.key().substring(prefix.length());
            int slash = rest.indexOf('/');
            if (slash == 10 && o.key().endsWith(".parquet") && rest.substring(0, 10).compareTo(day) < 0
                    && (best == null || best.compareTo(o.key()) < 0)) {
                best = o.key();
            }
        }
        if (best == null) {
            return null;
        }
        Path file = dir.resolve("dim").resolve("previous.parquet");
        OwnerOnly.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        String key = best;
        s3.getObject(b -> b.bucket(bucket).key(key), file);
        return file;
    }

    private static String literal(Path p) {
        return "'" + p.toAbsolutePath().toString().replace("'", "''") + "'";
    }
}
