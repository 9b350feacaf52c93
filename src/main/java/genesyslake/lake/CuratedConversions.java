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
import java.util.LinkedHashMap;
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
 * Parquet file under the same key ending {@code .parquet}; in {@link FlatFormat#NDJSON} they stay as spooled. In both,
 * a day's presence and routing-status objects also give that day's {@link AgentStatusDaily} summary, and its
 * conversation_segments object that day's {@link AgentHandleDaily} and {@link QueueDaily} summaries.
 *
 * <p>The gzip NDJSON spool stays as it is (checkpoints, resume after a kill), and conversion reads it: a day's objects
 * are converted, then summarised, on a background thread as soon as the day is paged, while the next day pages;
 * whatever is left (or was appended to since) is done when the run finishes. A conversion or summary cut short by a
 * kill is simply done again from the spool.
 */
public final class CuratedConversions {

    private static final Logger LOG = LoggerFactory.getLogger(CuratedConversions.class);

    /** A conversion started early, and how many rows the key had then (more since: it is converted again). */
    record Early(long records, Future<Path> parquet) {
    }

    /** A summary written early, and its sources' row counts then (if they differ at publish, it is written again). */
    record EarlySummary(List<Long> sourceRecords, Future<LakeObject> object) {
    }

    /** One summary object to write: its published key, its query (built when it runs), and its sources' row counts. */
    private record SummaryTask(String key, java.util.function.Supplier<String> select, List<Long> sourceRecords,
            LakeObject source) {
    }

    /** The summaries computed from each day's conversation_segments object, in the order they are published. */
    static final List<SegmentsSummary> SEGMENTS_SUMMARIES = List.of(AgentHandleDaily.SUMMARY, QueueDaily.SUMMARY);

    private final FlatFormat format;
    private final ParquetConverter converter;
    private final ThreadPoolExecutor pool;

    public CuratedConversions(FlatFormat format, ParquetConverter converter) {
        if (converter == null) {
            throw new IllegalArgumentException("curated tables need a converter (DuckDB)");
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

    /** NDJSON: nothing is converted; only the daily summaries are computed (DuckDB spilling under the temp folder). */
    public static CuratedConversions ndjson() {
        return new CuratedConversions(FlatFormat.NDJSON, new ParquetConverter(
                Path.of(System.getProperty("java.io.tmpdir"), "genesys-lake-duckdb"), "256MB", 1));
    }

    /**
     * The spool's Deflater level for a key. A curated object that becomes Parquet is read once, locally, by DuckDB:
     * compressing it is CPU for nothing (on a 1 M-conversation day, ~3.7 GB of segment rows cost the spool's writer
     * thread more than DuckDB's whole conversion), so it is spooled stored (level 0, still gzip: checkpoints and
     * resume work as for every object). Everything published as spooled keeps the default level.
     */
    public int spoolLevel(String key) {
        return format == FlatFormat.PARQUET && CuratedTable.forKey(key).isPresent() ? 0 : PartitionSpool.DEFAULT_LEVEL;
    }

    public FlatFormat format() {
        return format;
    }

    /**
     * The run will append no more to these keys (their day is paged): starts converting the curated ones (Parquet),
     * then writing the day's summaries from them, on the background thread. The spool is checkpointed first, so their
     * files hold every row and end on a gzip member boundary.
     */
    public void keysDone(ExportRun run, Collection<String> keys) throws IOException {
        PartitionSpool spool = run.spool();
        List<String> curated = keys.stream().filter(k -> k != null && spool.records(k) > 0
                && CuratedTable.forKey(k).isPresent()).toList();
        if (curated.isEmpty()) {
            return;
        }
        spool.checkpoint();
        List<LakeObject> sources = new ArrayList<>(curated.size());
        for (String key : curated) {
            long records = spool.records(key);
            Path source = spool.file(key);
            sources.add(new LakeObject(key, source, records, 0, 0));
            if (format != FlatFormat.PARQUET) {
                continue;
            }
            CuratedTable table = CuratedTable.forKey(key).orElseThrow();
            Path target = parquetFile(run, key);
            run.earlyConversions().put(key, new Early(records, pool.submit(() -> {
                converter.convert(source, table, target, records);
                return target;
            })));
        }
        // Queued behind the conversions (one thread): a segments summary then reads the day's Parquet file.
        for (SummaryTask task : summaryTasks(run, sources)) {
            run.earlySummaries().put(task.key(), new EarlySummary(task.sourceRecords(), pool.submit(() -> summary(run, task))));
        }
    }

    /**
     * The objects to publish for the spool's finished objects: curated ones as Parquet (waiting for early conversions,
     * converting the rest), the others unchanged, in the same order; then the days' {@link AgentStatusDaily} and
     * {@link #SEGMENTS_SUMMARIES}.
     */
    public List<LakeObject> publishable(ExportRun run, List<LakeObject> spooled) throws IOException {
        List<LakeObject> out = new ArrayList<>(converted(run, spooled));
        out.addAll(summaries(run, spooled));
        return out;
    }

    /** The spool's finished objects as published: curated ones as Parquet (lake.flat-format=parquet), others as they are. */
    public List<LakeObject> converted(ExportRun run, List<LakeObject> spooled) throws IOException {
        return format == FlatFormat.PARQUET ? asParquet(run, spooled) : spooled;
    }

    /**
     * One status summary per day that has presence or routing-status rows and each of the segments summaries per day
     * that has segment rows, read from the spool (so a run resumed after a kill computes them again from the same rows), written
     * beside the Parquet files under keys of their own. A summary written early from the same rows is taken as it is.
     */
    public List<LakeObject> summaries(ExportRun run, List<LakeObject> spooled) throws IOException {
        List<SummaryTask> tasks = summaryTasks(run, spooled);
        List<LakeObject> out = new ArrayList<>(tasks.size());
        for (SummaryTask task : tasks) {
            EarlySummary early = run.earlySummaries().remove(task.key());
            LakeObject done = null;
            if (early != null) {
                // Awaited even when rows were added since: it writes where writing again would.
                LakeObject written = await(early.object(), task.key(), "summarising");
                done = early.sourceRecords().equals(task.sourceRecords()) ? written : null;
            }
            out.add(done != null ? done : summary(run, task));
        }
        return out;
    }

    /** The summaries the given spooled objects give, in the order they are published: status per day, then segments. */
    private List<SummaryTask> summaryTasks(ExportRun run, List<LakeObject> spooled) {
        Map<String, LakeObject[]> days = new LinkedHashMap<>();
        for (LakeObject o : spooled) {
            AgentStatusDaily.keyFor(o.key()).ifPresent(k ->
                    days.computeIfAbsent(k, x -> new LakeObject[2])[AgentStatusDaily.isPresence(o.key()) ? 0 : 1] = o);
        }
        List<SummaryTask> out = new ArrayList<>(days.size());
        for (Map.Entry<String, LakeObject[]> day : days.entrySet()) {
            LakeObject presence = day.getValue()[0];
            LakeObject routing = day.getValue()[1];
            String key = format == FlatFormat.PARQUET ? CuratedTable.parquetKey(day.getKey()) : day.getKey();
            out.add(new SummaryTask(key, () -> AgentStatusDaily.select(presence == null ? null : presence.file(),
                    routing == null ? null : routing.file()),
                    List.of(presence == null ? 0L : presence.records(), routing == null ? 0L : routing.records()),
                    presence != null ? presence : routing));
        }
        for (LakeObject o : spooled) {
            for (SegmentsSummary s : SEGMENTS_SUMMARIES) {
                Optional<String> summaryKey = s.keyFor(o.key());
                if (summaryKey.isPresent()) {
                    String key = format == FlatFormat.PARQUET ? CuratedTable.parquetKey(summaryKey.get()) : summaryKey.get();
                    // In Parquet mode the day's segments are converted by now (queued before it, or at publish): the
                    // summary reads their columns.
                    Path parquet = parquetFile(run, o.key());
                    out.add(new SummaryTask(key, () -> format == FlatFormat.PARQUET && Files.exists(parquet)
                            ? s.selectFromParquet(parquet) : s.select(o.file()), List.of(o.records()), o));
                }
            }
        }
        return out;
    }

    /** Writes one summary object (in the run's summary folder) from its query over the spool. */
    private LakeObject summary(ExportRun run, SummaryTask task) throws IOException {
        Path file = run.dir().resolve("summary").resolve(task.key());
        long t0 = System.nanoTime();
        long rows = converter.write(task.select().get(), format, file);
        LOG.info("{}: {} summarised in {} rows in {} ms", run.flow(), task.key(), rows, (System.nanoTime() - t0) / 1_000_000);
        long bytes = Files.size(file);
        return new LakeObject(task.key(), file, rows, bytes, bytes, task.source().bucket());
    }

    private List<LakeObject> asParquet(ExportRun run, List<LakeObject> spooled) throws IOException {
        List<LakeObject> out = new ArrayList<>(spooled.size());
        for (LakeObject o : spooled) {
            Optional<CuratedTable> table = CuratedTable.forKey(o.key());
            if (table.isEmpty()) {
                out.add(o);
                continue;
            }
            Path parquet = null;
            Early early = run.earlyConversions().remove(o.key());
            if (early != null) {
                // Awaited even when rows were added since: it writes where converting again would.
                Path done = await(early.parquet(), o.key(), "converting");
                parquet = early.records() == o.records() ? done : null;
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

    /** Waits for the run's early conversions and summaries (a failed run is abandoned: its work folder may go next). */
    public void quiesce(ExportRun run) {
        if (awaitAll(run.earlyConversions(), Early::parquet, "early conversion")) {
            awaitAll(run.earlySummaries(), EarlySummary::object, "early summary");
        }
    }

    /** Waits for each task and forgets them all; false when interrupted (the rest are then not waited for). */
    private static <T> boolean awaitAll(Map<String, T> tasks, java.util.function.Function<T, Future<?>> task, String what) {
        for (Map.Entry<String, T> e : tasks.entrySet()) {
            try {
                task.apply(e.getValue()).get();
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return false;
            } catch (ExecutionException ee) {
                LOG.debug("{} of {} failed: {}", what, e.getKey(), ee.getCause().toString());
            }
        }
        tasks.clear();
        return true;
    }

    /** Where a key's Parquet file goes in the run's work folder (beside the spool, not in it: a resume cuts the spool). */
    static Path parquetFile(ExportRun run, String ndjsonKey) {
        return run.dir().resolve("parquet").resolve(CuratedTable.parquetKey(ndjsonKey));
    }

    /** The early task's result, or null when it failed (the caller then does it again); {@code doing} names it. */
    private static <T> T await(Future<T> f, String key, String doing) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while " + doing + " " + key);
        } catch (ExecutionException e) {
            LOG.warn("{} {} early failed ({}); {} it again", doing, key, e.getCause().toString(), doing);
            return null;
        }
    }
}
