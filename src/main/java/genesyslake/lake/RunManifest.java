package genesyslake.lake;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;

/**
 * A run's manifest, uploaded last under {@code _manifests/<flow>/<interval>.json}: what the run covered, whether it is
 * complete, the query files it ran, and each object with whether it landed. Dead-letter replay rewrites it once every
 * object has landed ({@link #everyObjectLanded}). The JSON names are those earlier versions wrote.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record RunManifest(
        String flow,
        String runId,
        String interval,
        String started,
        String finished,
        long records,
        long pages,
        boolean complete,
        String completeUntil,
        String note,
        List<Query> queries,
        List<Entry> objects,
        String replayed) {

    /** A query file the run ran, and the hash of its content. */
    public record Query(String file, String hash) {
    }

    /** One object of the run. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Entry(String key, long records, long bytes, boolean uploaded) {
    }

    /** The manifest of a run as it ends now. */
    public static RunManifest of(ExportRun run) {
        return new RunManifest(run.flow(), run.runId(), run.interval().toGenesys(), run.started().toString(),
                Instant.now().toString(), run.records().get(), run.pages().get(), run.complete(),
                run.completeUntil().toString(), run.note().isEmpty() ? null : run.note(),
                run.queries().entrySet().stream().map(q -> new Query(q.getKey(), q.getValue())).toList(),
                run.getObjects().stream().map(o -> new Entry(o.key(), o.records(), o.bytes(),
                        !run.deadLetteredKeys().contains(o.key()))).toList(),
                null);
    }

    /** After the last dead letter of the run landed: every object uploaded, complete unless the run lacked more. */
    public RunManifest everyObjectLanded(boolean complete, Instant replayed) {
        return new RunManifest(flow, runId, interval, started, finished, records, pages, complete, completeUntil, note,
                queries, objects == null ? null : objects.stream().map(o -> new Entry(o.key(), o.records(), o.bytes(), true))
                        .toList(), replayed.toString());
    }
}
