package genesyslake.lake;

import genesyslake.lake.PartitionSpool.LakeObject;

import com.fasterxml.jackson.databind.ObjectMapper;
import genesyslake.query.Interval;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Starts and finishes export runs: a work folder per run, the run manifest ({@code _manifests/<flow>/...}),
 * the watermark advance for complete runs, and clean-up. Shared by every flow.
 */
public final class LakeRuns {

    private static final Logger LOG = LoggerFactory.getLogger(LakeRuns.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path workDir;
    private final Watermarks watermarks;
    private volatile Consumer<ExportRun> onRunEnded = run -> { };
    private volatile CuratedConversions curated = CuratedConversions.ndjson();

    public LakeRuns(Path workDir, Watermarks watermarks) {
        this.workDir = workDir;
        this.watermarks = watermarks;
    }

    /** Someone to tell when a run ends (metrics). */
    public void onRunEnded(Consumer<ExportRun> listener) {
        this.onRunEnded = listener;
    }

    /** How curated tables are published (lake.flat-format); NDJSON, as spooled, unless set. */
    public void curated(CuratedConversions conversions) {
        this.curated = conversions;
    }

    public CuratedConversions curated() {
        return curated;
    }

    public Watermarks watermarks() {
        return watermarks;
    }

    /**
     * Starts a run of the exchange's flow (property {@value LakeNames#FLOW}) over the interval, writing to the bucket in
     * property {@value LakeNames#BUCKET}: a work folder and an empty spool; the run travels as property {@value LakeNames#RUN}.
     */
    public ExportRun start(Exchange exchange, Interval interval) throws IOException {
        String flow = flow(exchange);
        // A triggered run (JMX, Jolokia, --once) is the run its trigger answered: one id in runStatus, logs and manifest.
        String trigger = exchange.getProperty(LakeNames.TRIGGER, String.class);
        String runId = trigger != null && !trigger.isBlank() && !runDirTaken(flow, interval, trigger)
                ? trigger : UUID.randomUUID().toString().substring(0, 8);
        Path dir = workDir.resolve(flow).resolve(interval.label() + "-" + runId);
        OwnerOnly.createDirectories(dir);
        ExportRun run = new ExportRun(flow, runId, interval, dir, exchange.getProperty(LakeNames.BUCKET, String.class));
        run.explicit(explicit(exchange));
        run.spool(new PartitionSpool(dir.resolve("spool"), curated::spoolLevel));
        exchange.setProperty(LakeNames.RUN, run);
        return run;
    }

    private boolean runDirTaken(String flow, Interval interval, String runId) {
        return Files.exists(workDir.resolve(flow).resolve(interval.label() + "-" + runId));
    }

    /** Reopens a run a previous process left at a checkpoint: its spool is cut back to what that checkpoint holds. */
    public ExportRun resume(Exchange exchange, String runId, Interval interval, Path dir, PartitionSpool.Checkpoint at)
            throws IOException {
        ExportRun run = new ExportRun(flow(exchange), runId, interval, dir, exchange.getProperty(LakeNames.BUCKET, String.class));
        run.explicit(explicit(exchange));
        run.spool(PartitionSpool.resume(dir.resolve("spool"), at, curated::spoolLevel));
        exchange.setProperty(LakeNames.RUN, run);
        return run;
    }

    /** Whether the exchange asks for an interval of its own (header lakeInterval) instead of the schedule's next. */
    public static boolean explicit(Exchange exchange) {
        String interval = exchange.getIn().getHeader(LakeNames.INTERVAL, String.class);
        return interval != null && !interval.isBlank();
    }

    /** The state file of a flow's explicit-interval runs (triggers with an interval, backfills). */
    public static String explicitStateKey(String flow) {
        return flow + "-backfill";
    }

    /** The state key the exchange's run keeps its in-flight progress under. */
    public static String stateKey(Exchange exchange) {
        return explicit(exchange) ? explicitStateKey(flow(exchange)) : flow(exchange);
    }

    /** The flow an exchange runs: property {@value LakeNames#FLOW}, which each flow's route sets (by default its route id). */
    public static String flow(Exchange exchange) {
        String flow = exchange.getProperty(LakeNames.FLOW, String.class);
        if (flow == null || flow.isBlank()) {
            throw new IllegalStateException("the route does not set the exchange property " + LakeNames.FLOW);
        }
        return flow;
    }

    /** Appends the body (one JSON record) as one NDJSON line of the object named by the header {@value LakeNames#KEY}. */
    public void append(Exchange exchange) throws Exception {
        ExportRun run = exchange.getProperty(LakeNames.RUN, ExportRun.class);
        String key = exchange.getIn().getHeader(LakeNames.KEY, String.class);
        if (key == null || key.isBlank()) {
            throw new IllegalStateException("no " + LakeNames.KEY + " header: the route must say where records go");
        }
        run.spool().append(key, exchange.getIn().getMandatoryBody(byte[].class));
        run.records().incrementAndGet();
    }

    /** Closes the run's spool: every object's gzip file is whole (its checkpoint saved). */
    public void seal(Exchange exchange) throws IOException {
        ExportRun run = exchange.getProperty(LakeNames.RUN, ExportRun.class);
        run.sealed(run.spool().finish());
    }

    /** Converts the sealed curated objects to the flat format (DuckDB to Parquet, lake.flat-format); others as they are. */
    public void convert(Exchange exchange) throws IOException {
        ExportRun run = exchange.getProperty(LakeNames.RUN, ExportRun.class);
        run.publishable(new java.util.ArrayList<>(curated.converted(run, run.sealed())));
    }

    /** Adds the daily summaries computed from the sealed spool (agent status, segments) to what is published. */
    public void summarize(Exchange exchange) throws IOException {
        ExportRun run = exchange.getProperty(LakeNames.RUN, ExportRun.class);
        run.publishable().addAll(curated.summaries(run, run.sealed()));
    }

    /**
     * Records what the run publishes (after seal, convert and summarize; a route naming only finish gets those too):
     * its objects (in the run's bucket) are what lake-publish uploads. Saved as the flow's
     * in-flight state, so a daemon killed while uploading publishes the same objects on restart instead of exporting
     * the interval again. A run resumed by {@link #resumePublish} has nothing left to finish.
     */
    public ExportRun finish(Exchange exchange) throws IOException {
        ExportRun run = exchange.getProperty(LakeNames.RUN, ExportRun.class);
        if (run.spoolIfAny() == null && !run.getObjects().isEmpty()) {
            return run;
        }
        // The steps the flow templates name (seal, convert, summarize); a route that names only finish gets all three.
        if (run.sealed() == null) {
            seal(exchange);
        }
        if (run.publishable() == null) {
            convert(exchange);
            summarize(exchange);
        }
        List<LakeObject> spooled = run.sealed();
        List<LakeObject> published = run.publishable();
        for (LakeObject o : published) {
            run.getObjects().add(o.inBucket(run.bucket()));
        }
        watermarks.saveInFlight(run.stateKey(), RunState.publish(run));
        // Only now (a restart publishes the saved objects) may the spool files that were converted go.
        for (LakeObject o : spooled) {
            if (!published.contains(o)) {
                Files.deleteIfExists(o.file());
            }
        }
        return run;
    }

    /**
     * When the flow's last run (of the same interval, for an explicit one) was killed while publishing, takes that run
     * up again (its objects not yet uploaded,
     * then its manifest) and returns true; the flow then exports nothing new this time.
     */
    public boolean resumePublish(Exchange exchange, Interval asked) {
        String flow = flow(exchange);
        var state = watermarks.inFlight(stateKey(exchange)).filter(RunState::publishing);
        if (state.isEmpty()) {
            return false;
        }
        RunState s = state.get();
        if (asked != null && !asked.toGenesys().equals(s.interval())) {
            LOG.warn("{}: a run for {} was killed while uploading; this run for {} replaces its state (its objects stay in "
                    + "{} until that interval is exported again)", flow, s.interval(), asked, s.runDir());
            return false;
        }
        ExportRun run = new ExportRun(flow, s.runId(), Interval.parse(s.interval(), java.time.Clock.systemUTC()),
                Path.of(s.runDir()), exchange.getProperty(LakeNames.BUCKET, String.class));
        run.explicit(explicit(exchange));
        run.records().set(s.records());
        run.pages().set(s.pages());
        Instant until = s.completeUntil() == null ? run.interval().end() : Instant.parse(s.completeUntil());
        if (until.isBefore(run.interval().end())) {
            run.completeOnlyUntil(until, s.note() == null ? "" : s.note());
        }
        if (s.queries() != null) {
            s.queries().forEach(run::query);
        }
        if (s.objects() != null) {
            s.objects().forEach(o -> run.getObjects().add(o.toLakeObject()));
        }
        exchange.setProperty(LakeNames.RUN, run);
        LOG.info("{}: publishing run {} for {} that a previous process finished exporting: {} of {} objects left",
                flow, run.runId(), run.interval(), run.getPendingObjects().size(), run.getObjects().size());
        return true;
    }

    /** Builds the run manifest as one more lake object, uploaded after the data objects. */
    public LakeObject manifest(Exchange exchange) {
        ExportRun run = exchange.getProperty(LakeNames.RUN, ExportRun.class);
        RunManifest m = RunManifest.of(run);
        String key = manifestKey(run);
        try {
            Path file = run.dir().resolve("manifest.json");
            JSON.writerWithDefaultPrettyPrinter().writeValue(OwnerOnly.newOutputStream(file), m);
            return new LakeObject(key, file, 1, Files.size(file), Files.size(file), run.bucket());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the manifest of " + run, e);
        }
    }

    /** Where a run's manifest goes in its bucket. */
    public static String manifestKey(ExportRun run) {
        return "_manifests/" + run.flow() + "/" + run.interval().label() + ".json";
    }

    /** After an object landed: free its disk space straight away. */
    public void uploaded(Exchange exchange) throws IOException {
        Files.deleteIfExists(exchange.getProperty(LakeNames.OBJECT, LakeObject.class).file());
    }

    /** Ends a run: advances the watermark if everything landed, removes the work folder, logs the summary. */
    public ExportRun complete(Exchange exchange) {
        ExportRun run = exchange.getProperty(LakeNames.RUN, ExportRun.class);
        // An explicit interval (a backfill, a trigger for given days) never moves the schedule's watermark.
        if (run.complete() && !run.explicit() && run.completeUntil().isAfter(run.interval().start())) {
            watermarks.advance(run.flow(), run.completeUntil());
        }
        if (run.complete() && run.explicit()) {
            watermarks.completed(run.stateKey(), run.interval().label()); // what a killed backfill resumes by (Flows)
        } else {
            watermarks.clearInFlight(run.stateKey());
        }
        deleteTree(run.dir());
        onRunEnded.accept(run);
        Duration took = Duration.between(run.started(), Instant.now());
        if (run.complete()) {
            LOG.info("{} run {} exported {} records in {} objects for {} in {} ms", run.flow(), run.runId(),
                    run.records().get(), run.getObjects().size(), run.interval(), took.toMillis());
        } else {
            LOG.warn("{} run {} for {} is incomplete: {} records, {} objects kept in dead-letter{}", run.flow(),
                    run.runId(), run.interval(), run.records().get(), run.deadLetteredKeys().size(),
                    run.note().isEmpty() ? "" : " (" + run.note() + ")");
        }
        exchange.getIn().setBody(run);
        return run;
    }

    /**
     * A run failed: its work folder goes, unless a saved in-flight job still points at it (a later run resumes
     * from there).
     */
    public void abandon(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        exchange.setProperty(LakeNames.FAILURE, cause == null ? "unknown" : ExportRun.failure(cause));
        ExportRun run = exchange.getProperty(LakeNames.RUN, ExportRun.class);
        if (run == null) {
            return;
        }
        PartitionSpool spool = run.spoolIfAny();
        if (spool != null) {
            try {
                // Lets the writer finish what it was given, so the last checkpoint it saved is on disk.
                spool.abandon();
            } catch (IOException e) {
                LOG.warn("{}: closing the spool of the failed run failed: {}", run.flow(), e.toString());
            }
        }
        curated.quiesce(run);
        boolean resumable;
        try {
            resumable = watermarks.inFlight(run.stateKey())
                    .map(s -> run.dir().toAbsolutePath().toString().equals(s.runDir()))
                    .orElse(false);
        } catch (Watermarks.StateFileException e) {
            resumable = true; // its state file is unreadable: keep the work folder, it may be all that is left of the run
        }
        if (!resumable) {
            deleteTree(run.dir());
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warn("Could not remove work folder {}: {}", dir, e.toString());
        }
    }
}
