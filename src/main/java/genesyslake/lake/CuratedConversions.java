package genesyslake.lake;

import genesyslake.lake.PartitionSpool.LakeObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Turns a run's spooled curated objects into what is published: in {@link FlatFormat#PARQUET} each one becomes a
 * Parquet file under the same key ending {@code .parquet}; in {@link FlatFormat#NDJSON} they stay as spooled.
 *
 * <p>The gzip NDJSON spool stays as it is (checkpoints, resume after a kill), and conversion reads it: a day's objects
 * are converted on a background thread as soon as the day is paged, while the next day pages; whatever is left is
 * converted when the run finishes. A conversion cut short by a kill is simply done again from the spool.
 */
public final class CuratedConversions {

    private static final Logger LOG = LoggerFactory.getLogger(CuratedConversions.class);

    /** A conversion started early, and how many rows the key had then (more since: it is converted again). */
    record Early(long records, Future<Path> parquet) {
    }

    private final FlatFormat format;
    private final ParquetConverter converter;
    private final ThreadPoolExecutor pool;

    public CuratedConversions(FlatFormat format, ParquetConverter converter) {
        if (format == FlatFormat.PARQUET && converter == null) {
            throw new IllegalArgumentException("Parquet needs a converter");
        }
        this.format = format;
        this.converter = converter;
        // One conversion at a time (DuckDB has its own threads); the thread ends when idle.
        this.pool = new ThreadPoolExecutor(1, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "parquet-convert");
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
    }

    /** NDJSON as today: nothing is converted. */
    public static CuratedConversions ndjson() {
        return new CuratedConversions(FlatFormat.NDJSON, null);
    }

    public FlatFormat format() {
        return format;
    }

    /**
     * The run will append no more to these keys (their day is paged): starts converting the curated ones. The spool is
     * checkpointed first, so their files hold every row and end on a gzip member boundary.
     */
    public void keysDone(ExportRun run, Collection<String> keys) throws IOException {
        if (format != FlatFormat.PARQUET) {
            return;
        }
        PartitionSpool spool = run.spool();
        List<String> curated = keys.stream().filter(k -> k != null && spool.records(k) > 0
                && CuratedTable.forKey(k).isPresent()).toList();
        if (curated.isEmpty()) {
            return;
        }
        spool.checkpoint();
        for (String key : curated) {
            CuratedTable table = CuratedTable.forKey(key).orElseThrow();
            long records = spool.records(key);
            Path source = spool.file(key);
            Path target = parquetFile(run, key);
            run.earlyConversions().put(key, new Early(records, pool.submit(() -> {
                converter.convert(source, table, target, records);
                return target;
            })));
        }
    }

    /**
     * The objects to publish for the spool's finished objects: curated ones as Parquet (waiting for early conversions,
     * converting the rest), the others unchanged, in the same order.
     */
    public List<LakeObject> publishable(ExportRun run, List<LakeObject> spooled) throws IOException {
        if (format != FlatFormat.PARQUET) {
            return spooled;
        }
        List<LakeObject> out = new ArrayList<>(spooled.size());
        for (LakeObject o : spooled) {
            Optional<CuratedTable> table = CuratedTable.forKey(o.key());
            if (table.isEmpty()) {
                out.add(o);
                continue;
            }
            Path parquet = null;
            Early early = run.earlyConversions().remove(o.key());
            if (early != null && early.records() == o.records()) {
                parquet = await(early.parquet(), o.key());
            }
            if (parquet == null) {
                parquet = parquetFile(run, o.key());
                long t0 = System.nanoTime();
                converter.convert(o.file(), table.get(), parquet, o.records());
                LOG.info("{}: {} rows of {} converted to Parquet in {} ms", run.flow(), o.records(), o.key(),
                        (System.nanoTime() - t0) / 1_000_000);
            }
            out.add(new LakeObject(CuratedTable.parquetKey(o.key()), parquet, o.records(), Files.size(parquet),
                    o.rawBytes(), o.bucket()));
        }
        return out;
    }

    /** Waits for the run's early conversions (a failed run is abandoned: its work folder may go next). */
    public void quiesce(ExportRun run) {
        for (Map.Entry<String, Early> e : run.earlyConversions().entrySet()) {
            try {
                e.getValue().parquet().get();
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException ee) {
                LOG.debug("early conversion of {} failed: {}", e.getKey(), ee.getCause().toString());
            }
        }
        run.earlyConversions().clear();
    }

    /** Where a key's Parquet file goes in the run's work folder (beside the spool, not in it: a resume cuts the spool). */
    static Path parquetFile(ExportRun run, String ndjsonKey) {
        return run.dir().resolve("parquet").resolve(CuratedTable.parquetKey(ndjsonKey));
    }

    private static Path await(Future<Path> f, String key) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while converting " + key);
        } catch (ExecutionException e) {
            LOG.warn("converting {} to Parquet early failed ({}); converting it again", key, e.getCause().toString());
            return null;
        }
    }
}
