package genesyslake.lake;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.time.Instant;

/**
 * A details job submitted for a day not yet paged, as the flow's state file keeps it under {@code jobsAhead}: its id,
 * the hash of the query it was submitted with, and when (ISO instant).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record JobAhead(String job, String query, String at) {

    /** Submitted after {@code instant} (an entry without a time counts as old). */
    public boolean submittedAfter(Instant instant) {
        return at != null && Instant.parse(at).isAfter(instant);
    }
}
