package genesyslake.lake;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import genesyslake.lake.PartitionSpool.LakeObject;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A run's in-flight state, saved in its flow's state file (Watermarks, key {@code inFlight}) so a killed process
 * resumes it: while exporting, the details progress (the day being exported, its job, cursor and page, the spool's
 * checkpoints, and every job submitted for a day not yet paged, {@code jobs}: day to job id, the day being exported
 * among them, so a restarted daemon polls those jobs again instead of submitting a second one);
 * once exported, {@link #PUBLISH} with the objects still to upload. The JSON names are those earlier versions wrote
 * (RunStateFormatTest reads a sample of each), and a name this version does not know is ignored, not fatal.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record RunState(
        String phase,
        String runId,
        String interval,
        String runDir,
        String day,
        String jobId,
        String cursor,
        Integer page,
        Boolean paged,
        long records,
        long pages,
        PartitionSpool.Checkpoint dayStart,
        PartitionSpool.Checkpoint checkpoint,
        Map<String, String> jobs,
        String completeUntil,
        String note,
        Map<String, String> queries,
        List<Published> objects) {

    /** The phase of a run whose every object is spooled and converted: only its uploads and manifest are left. */
    public static final String PUBLISH = "publish";

    /** The details progress of a run after a committed page (phase absent: still exporting). */
    public static RunState details(String runId, String interval, String runDir, String day, String jobId, String cursor,
            int page, boolean paged, long records, long pages, PartitionSpool.Checkpoint dayStart,
            PartitionSpool.Checkpoint checkpoint, Map<String, String> jobs) {
        return new RunState(null, runId, interval, runDir, day, jobId, cursor, page, paged, records, pages, dayStart,
                checkpoint, jobs, null, null, null, null);
    }

    /** A run that is exported and only needs publishing. */
    public static RunState publish(ExportRun run) {
        return new RunState(PUBLISH, run.runId(), run.interval().toGenesys(), run.dir().toAbsolutePath().toString(),
                null, null, null, null, null, run.records().get(), run.pages().get(), null, null, null,
                run.completeUntil().toString(), run.note(), Map.copyOf(run.queries()),
                run.getObjects().stream().map(Published::of).toList());
    }

    public boolean publishing() {
        return PUBLISH.equals(phase);
    }

    public int pageOrZero() {
        return page == null ? 0 : page;
    }

    public boolean isPaged() {
        return Boolean.TRUE.equals(paged);
    }

    /** An object of a run being published, as the state file lists it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Published(String key, String file, long records, long bytes, long rawBytes, String bucket) {

        static Published of(LakeObject o) {
            return new Published(o.key(), o.file().toAbsolutePath().toString(), o.records(), o.bytes(), o.rawBytes(),
                    o.bucket());
        }

        /** Versions before the typed state wrote a missing bucket as the text "null". */
        public LakeObject toLakeObject() {
            return new LakeObject(key, Path.of(file), records, bytes, rawBytes,
                    bucket == null || "null".equals(bucket) ? null : bucket);
        }
    }
}
