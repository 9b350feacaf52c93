package genesyslake.lake;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A dead letter's meta.json: where its object goes, when and why it was kept, and (for an object of a run) what it
 * takes to finish the run's record once every letter has landed: its manifest, and whether the watermark may then
 * advance. The JSON names are those earlier versions wrote (RunStateFormatTest reads a sample).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record DeadLetter(
        String bucket,
        String key,
        long records,
        String keptAt,
        String error,
        String flow,
        String runId,
        String manifestKey,
        Boolean completeApartFromUploads,
        Boolean scheduled,
        String completeUntil) {

    /** Whether replaying it can finish a run's record (it belongs to a run with a manifest). */
    public boolean ofRun() {
        return runId != null && manifestKey != null;
    }
}
