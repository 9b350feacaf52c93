package genesyslake.lake;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Per-flow state that must survive restarts: the end of the last interval exported completely, and any
 * in-flight job (id, cursor, spool checkpoint) so a restarted daemon resumes instead of resubmitting.
 * Files are replaced atomically (write to temp, then move), so a kill never leaves half a state file.
 * A watermark after now (beyond a small clock skew) cannot be true (an edited or copied state file, a clock that
 * was wrong): it is reported once and treated as absent, instead of holding the flow back forever.
 */
public final class Watermarks {

    private static final Logger LOG = LoggerFactory.getLogger(Watermarks.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How far after now a watermark may be and still be trusted (clocks of hosts sharing a state folder differ). */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
    private final Path dir;
    private final Clock clock;
    private final Set<String> reported = new HashSet<>();

    public Watermarks(Path dir) {
        this(dir, Clock.systemUTC());
    }

    public Watermarks(Path dir, Clock clock) {
        this.dir = dir;
        this.clock = clock;
    }

    public synchronized Optional<Instant> watermark(String flow) {
        return trusted(flow, read(flow));
    }

    /** Never past now: an interval that has not ended yet is not exported completely beyond now. */
    public synchronized void advance(String flow, Instant to) {
        ObjectNode state = read(flow);
        if (advanced(flow, state, to)) {
            write(flow, state);
        }
    }

    /** Moves the state's watermark to {@code to} (never back, never past now); whether it moved. */
    private boolean advanced(String flow, ObjectNode state, Instant to) {
        Optional<Instant> current = trusted(flow, state);
        Instant now = clock.instant();
        Instant until = to.isAfter(now) ? now : to;
        if (current.isEmpty() || until.isAfter(current.get())) {
            state.put("watermark", until.toString());
            return true;
        }
        return false;
    }

    private Optional<Instant> trusted(String flow, ObjectNode state) {
        if (!state.hasNonNull("watermark")) {
            return Optional.empty();
        }
        Instant w;
        try {
            w = Instant.parse(state.get("watermark").asText());
        } catch (java.time.format.DateTimeParseException e) {
            throw new StateFileException("State file " + file(flow) + " is unreadable (its watermark is not a UTC time "
                    + "such as 2026-11-28T00:00:00Z; was it edited?): fix it, or " + remedy(flow));
        }
        Instant now = clock.instant();
        if (w.isAfter(now.plus(CLOCK_SKEW))) {
            if (reported.add(flow + "@" + w)) {
                LOG.warn("State file {} has watermark {}, after now ({}): ignored as if absent until the flow's next "
                        + "complete run replaces it", file(flow), w, now);
            }
            return Optional.empty();
        }
        return Optional.of(w);
    }

    /** The flow's run in flight (killed, or running now), if any. */
    public synchronized Optional<RunState> inFlight(String flow) {
        ObjectNode state = read(flow);
        if (!(state.get("inFlight") instanceof ObjectNode n)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.treeToValue(n, RunState.class));
        } catch (IOException | IllegalArgumentException e) {
            throw new StateFileException("State file " + file(flow) + " is unreadable (its inFlight run does not have "
                    + "the fields of a run state; was it edited?): " + remedy(flow));
        }
    }

    public synchronized void saveInFlight(String flow, RunState run) {
        ObjectNode state = read(flow);
        state.set("inFlight", JSON.valueToTree(run));
        write(flow, state);
    }

    public synchronized void clearInFlight(String flow) {
        ObjectNode state = read(flow);
        if (state.remove("inFlight") != null) {
            write(flow, state);
        }
    }

    /**
     * Ends a complete run of an interval of its own: clears its in-flight progress and remembers the interval it
     * completed, in one write, so a backfill killed between the run's end and its own record of the chunk can tell
     * that the chunk is done (instead of submitting its jobs and paging its days again).
     */
    public synchronized void completed(String key, String intervalLabel) {
        ObjectNode state = read(key);
        state.remove("inFlight");
        state.put("lastComplete", intervalLabel);
        write(key, state);
    }

    /** The interval (its label) the last complete run under this key exported, if one did. */
    public synchronized Optional<String> lastComplete(String key) {
        return text(key, "lastComplete");
    }

    /** A backfill notes the chunk (its label) it is about to run, before running it. */
    public synchronized void chunkStarted(String backfillKey, String chunkLabel) {
        ObjectNode state = read(backfillKey);
        state.put("chunkStarted", chunkLabel);
        write(backfillKey, state);
    }

    /** A backfill's chunk is done: its progress advances to {@code to} and its started note goes, in one write. */
    public synchronized void chunkDone(String backfillKey, Instant to) {
        ObjectNode state = read(backfillKey);
        boolean noted = state.remove("chunkStarted") != null;
        if (advanced(backfillKey, state, to) || noted) {
            write(backfillKey, state);
        }
    }

    /** The chunk a backfill started last and has not recorded as done, if any. */
    public synchronized Optional<String> chunkStarted(String backfillKey) {
        return text(backfillKey, "chunkStarted");
    }

    private Optional<String> text(String key, String field) {
        return Optional.ofNullable(read(key).get(field)).map(com.fasterxml.jackson.databind.JsonNode::asText);
    }

    /**
     * Jobs a backfill chunk submitted for the next chunk's days (day → {job, query, at}), so the next chunk polls them
     * instead of submitting again: kept apart from the in-flight progress, which a chunk clears when it ends.
     */
    public synchronized java.util.Map<String, JobAhead> jobsAhead(String flow) {
        java.util.Map<String, JobAhead> out = new java.util.TreeMap<>();
        read(flow).path("jobsAhead").fields().forEachRemaining(e -> {
            if (e.getValue() instanceof ObjectNode n) {
                out.put(e.getKey(), JSON.convertValue(n, JobAhead.class));
            }
        });
        return out;
    }

    /** Records (or with {@code job} null forgets) the job submitted ahead for one day. */
    public synchronized void saveJobAhead(String flow, String day, JobAhead job) {
        ObjectNode state = read(flow);
        boolean had = state.path("jobsAhead").has(day);
        if (job == null && !had) {
            return;
        }
        ObjectNode ahead = state.get("jobsAhead") instanceof ObjectNode n ? n : state.putObject("jobsAhead");
        if (job == null) {
            ahead.remove(day);
        } else {
            ahead.set(day, JSON.valueToTree(job));
        }
        write(flow, state);
    }

    /** The hash of the query each day was last exported with (day → hash). */
    public synchronized java.util.Map<String, String> dayQueries(String flow) {
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        read(flow).path("dayQueries").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    /** Remembers the query hash of days being exported; the oldest are forgotten past {@code keep} days. */
    public synchronized void recordDayQueries(String flow, java.util.Collection<String> days, String hash, int keep) {
        ObjectNode state = read(flow);
        java.util.TreeMap<String, String> all = new java.util.TreeMap<>(dayQueries(flow));
        days.forEach(d -> all.put(d, hash));
        while (all.size() > keep) {
            all.pollFirstEntry();
        }
        ObjectNode node = state.putObject("dayQueries");
        all.forEach(node::put);
        write(flow, state);
    }

    private Path file(String flow) {
        return dir.resolve(flow + ".json");
    }

    /**
     * The state, or empty when the flow has none yet. A file that is empty, not JSON or not a JSON object (a full disk,
     * a hand edit) fails the call with one line naming it and what to do; it is never overwritten (a backup may restore it).
     */
    private ObjectNode read(String flow) {
        Path f = file(flow);
        if (!Files.exists(f)) {
            return JSON.createObjectNode();
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(f);
        } catch (IOException e) {
            throw new StateFileException("State file " + f + " is unreadable (" + e.getClass().getSimpleName()
                    + "): fix its permissions, or " + remedy(flow));
        }
        String problem;
        if (new String(bytes, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            problem = "it is empty";
        } else {
            try {
                if (JSON.readTree(bytes) instanceof ObjectNode state) {
                    return state;
                }
                problem = "it is not a JSON object";
            } catch (IOException e) {
                // Where, never what: the parser's message quotes the file's content.
                var at = e instanceof com.fasterxml.jackson.core.JsonProcessingException p ? p.getLocation() : null;
                problem = "it is not valid JSON" + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr());
            }
        }
        throw new StateFileException("State file " + f + " is unreadable (" + problem + "; was the disk full, or was it "
                + "edited?): " + remedy(flow));
    }

    /** What an operator can do about a flow's unreadable state file. */
    private static String remedy(String key) {
        String start = "restore it from a backup, or delete it: ";
        int backfill = key.indexOf("-backfill-");
        if (backfill > 0) { // a backfill's progress (Flows): which chunks are done
            return start + "that backfill of " + key.substring(0, backfill) + " then starts again from its first chunk";
        }
        if (key.endsWith("-backfill")) { // the in-flight job of a run with an interval of its own (LakeRuns)
            return start + "a run of " + key.substring(0, key.length() - "-backfill".length()) + " with an interval of its "
                    + "own (a backfill chunk, a trigger with lakeInterval) that was in flight is exported again when next run";
        }
        return start + "flow " + key + " then starts over as on its first run (the details flows from "
                + "details.initial-lookback-days back), and a job it had in flight is submitted again";
    }

    /** A state file that cannot be used: the one-line message names it and what to do; only its flow fails. */
    public static final class StateFileException extends IllegalStateException {
        public StateFileException(String message) {
            super(message);
        }
    }

    private void write(String flow, ObjectNode state) {
        try {
            OwnerOnly.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, flow, ".tmp"); // 0600 where POSIX
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), state);
            Files.move(tmp, file(flow), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write state file " + file(flow), e);
        }
    }
}
