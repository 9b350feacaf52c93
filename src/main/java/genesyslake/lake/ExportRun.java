package genesyslake.lake;

import genesyslake.lake.PartitionSpool.LakeObject;

import genesyslake.query.Interval;
import org.apache.camel.CamelExchangeException;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One run of one flow over one interval: its spool, the objects it produced, and what became of each upload.
 * It travels through the route as the exchange property {@value LakeNames#RUN}.
 */
public final class ExportRun {

    private final String flow;
    private final String runId;
    private final Interval interval;
    private final Path dir;
    private final String bucket;
    private final Instant started = Instant.now();
    private volatile PartitionSpool spool;
    private volatile List<LakeObject> sealed;
    private volatile List<LakeObject> publishable;
    private volatile boolean explicit;
    private final List<LakeObject> objects = new ArrayList<>();
    private final List<String> deadLettered = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong pages = new AtomicLong();
    private volatile boolean complete = true;
    private volatile Instant completeUntil;
    private volatile String note = "";
    private final java.util.Map<String, String> queries = new java.util.concurrent.ConcurrentSkipListMap<>();
    private final java.util.Map<String, CuratedConversions.Early> earlyConversions =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Map<String, CuratedConversions.EarlySummary> earlySummaries =
            new java.util.concurrent.ConcurrentHashMap<>();

    public ExportRun(String flow, String runId, Interval interval, Path dir) {
        this(flow, runId, interval, dir, null);
    }

    /** @param bucket where the run's objects go (null: the lake's source bucket) */
    public ExportRun(String flow, String runId, Interval interval, Path dir, String bucket) {
        this.flow = flow;
        this.runId = runId;
        this.interval = interval;
        this.dir = dir;
        this.bucket = bucket;
        this.completeUntil = interval.end();
    }

    /**
     * What went wrong, without the wrappers a split adds ("Multicast processing failed for number 0 ..."); here in
     * the lake package because runs record it, and the flows report it.
     */
    public static String failure(Throwable e) {
        Throwable t = e;
        while (t instanceof CamelExchangeException && t.getCause() != null) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage());
    }

    /** The spool's finished objects once sealed (lakeRuns.seal), null before. */
    List<LakeObject> sealed() {
        return sealed;
    }

    void sealed(List<LakeObject> objects) {
        this.sealed = List.copyOf(objects);
    }

    /** What is published of the sealed objects (lakeRuns.convert, lakeRuns.summarize add to it), null before. */
    List<LakeObject> publishable() {
        return publishable;
    }

    void publishable(List<LakeObject> objects) {
        this.publishable = objects;
    }

    public String flow() {
        return flow;
    }

    public String runId() {
        return runId;
    }

    public Interval interval() {
        return interval;
    }

    public Path dir() {
        return dir;
    }

    /**
     * Whether the run exports an interval it was given (a trigger with lakeInterval, a backfill) rather than the
     * schedule's next one: such a run keeps its progress apart and never moves the schedule's watermark.
     */
    public boolean explicit() {
        return explicit;
    }

    void explicit(boolean given) {
        this.explicit = given;
    }

    /** The name of the run's state file: the flow's, or its own for an explicit interval. */
    public String stateKey() {
        return explicit ? LakeRuns.explicitStateKey(flow) : flow;
    }

    /** The bucket the run's objects go to, or null for the lake's source bucket. */
    public String bucket() {
        return bucket;
    }

    /** Where the run's records are spooled until the run is finished. */
    public PartitionSpool spool() {
        if (spool == null) {
            throw new IllegalStateException(this + " has no spool: it was not started by lakeRuns.start");
        }
        return spool;
    }

    PartitionSpool spoolIfAny() {
        return spool;
    }

    void spool(PartitionSpool spool) {
        this.spool = spool;
    }

    /** Curated objects whose conversion started while the run went on (keyed by spool key). */
    java.util.Map<String, CuratedConversions.Early> earlyConversions() {
        return earlyConversions;
    }

    /** Daily summaries written while the run went on (keyed by the summary's published key). */
    java.util.Map<String, CuratedConversions.EarlySummary> earlySummaries() {
        return earlySummaries;
    }

    public Instant started() {
        return started;
    }

    /** The objects to upload, in order; the route splits over this list. */
    public List<LakeObject> getObjects() {
        return objects;
    }

    /** The objects still to upload: those whose file is still here (an upload deletes it). */
    public List<LakeObject> getPendingObjects() {
        return objects.stream().filter(o -> java.nio.file.Files.exists(o.file())).toList();
    }

    public void addObjects(List<LakeObject> produced) {
        objects.addAll(produced);
    }

    public void deadLettered(String key) {
        deadLettered.add(key);
    }

    public List<String> deadLetteredKeys() {
        return List.copyOf(deadLettered);
    }

    public AtomicLong records() {
        return records;
    }

    public AtomicLong pages() {
        return pages;
    }

    /** Part of the run failed (one query of several): the rest is published, the run is reported failed. */
    public void failed(String why) {
        complete = false;
        note = note.isEmpty() ? why : note + "; " + why;
    }

    /** Marks the run as not covering its whole interval (e.g. data not yet available): no watermark advance. */
    public void partial(String why) {
        complete = false;
        note = why;
    }

    /**
     * The run holds everything before {@code until} but not all after it (data not yet available there):
     * the watermark may advance to {@code until} only.
     */
    public void completeOnlyUntil(Instant until, String why) {
        if (until.isBefore(completeUntil)) {
            completeUntil = until;
        }
        note = why;
    }

    public Instant completeUntil() {
        return completeUntil;
    }

    /** Whether the run covered its interval, leaving aside objects kept as dead letters. */
    public boolean completeApartFromUploads() {
        return complete;
    }

    public boolean complete() {
        return complete && deadLettered.isEmpty();
    }

    /** Records that the run used a query file whose body hashes to {@code hash} (the manifest names both). */
    public void query(String file, String hash) {
        queries.put(file, hash);
    }

    public java.util.Map<String, String> queries() {
        return java.util.Map.copyOf(queries);
    }

    public String note() {
        return note;
    }

    @Override
    public String toString() {
        return flow + " run " + runId + " " + interval + ": " + records + " records in " + objects.size()
                + " objects" + (deadLettered.isEmpty() ? "" : ", " + deadLettered.size() + " kept in dead-letter");
    }
}
