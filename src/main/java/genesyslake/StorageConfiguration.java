package genesyslake;

import genesyslake.config.Settings;
import genesyslake.lake.CuratedConversions;
import genesyslake.lake.DeadLetters;
import genesyslake.lake.LakeNames;
import genesyslake.lake.LakeRuns;
import genesyslake.lake.ParquetConverter;
import genesyslake.lake.ReferenceExport;
import genesyslake.lake.Watermarks;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Path;

/**
 * The lake's own state and writes: watermarks, the runs in progress with their curated conversions (lakeRuns), the
 * dead letters, and the reference flows' step, which writes its snapshots through the runs.
 */
final class StorageConfiguration {

    private StorageConfiguration() {
    }

    /** What the flows' steps and the management read: the watermarks and the runs. */
    record Storage(Watermarks watermarks, LakeRuns runs) {
    }

    static Storage bind(Wiring w, S3Client s3) {
        Settings s = w.settings();
        Watermarks watermarks = new Watermarks(Path.of(s.string("lake.state-dir")));
        LakeRuns runs = new LakeRuns(Path.of(s.string("lake.work-dir")), watermarks);
        // DuckDB converts curated objects to Parquet and, in either flat format, computes the daily summaries.
        runs.curated(new CuratedConversions(w.flatFormat(), duckDb(s)));
        w.registry().bind(LakeNames.RUNS_BEAN, runs);
        DeadLetters deadLetters = new DeadLetters(Path.of(s.string("lake.dead-letter-dir")), s3,
                s.string("lake.source-bucket"));
        deadLetters.setWatermarks(watermarks);
        w.registry().bind("deadLetters", deadLetters);
        // Reference flows (routes/reference.camel.yaml): the day's dim Parquet beside each snapshot.
        w.registry().bind("reference", new ReferenceExport(runs, w.clock(), s3, duckDb(s)));
        return new Storage(watermarks, runs);
    }

    /** DuckDB as the curated conversions and the reference snapshots both use it: temporary files in the work folder. */
    private static ParquetConverter duckDb(Settings s) {
        return new ParquetConverter(Path.of(s.string("lake.work-dir")).resolve("duckdb"),
                s.string(ParquetConverter.MEMORY_LIMIT, "512MB"), s.integer(ParquetConverter.THREADS, 2));
    }
}
