package genesyslake.lake;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Optional;

/**
 * Per-flow state that must survive restarts: the end of the last interval exported completely, and any
 * in-flight job (id, cursor, spool checkpoint) so a restarted daemon resumes instead of resubmitting.
 * Files are replaced atomically (write to temp, then move), so a kill never leaves half a state file.
 */
public final class Watermarks {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dir;

    public Watermarks(Path dir) {
        this.dir = dir;
    }

    public synchronized Optional<Instant> watermark(String flow) {
        ObjectNode state = read(flow);
        return state.hasNonNull("watermark") ? Optional.of(Instant.parse(state.get("watermark").asText())) : Optional.empty();
    }

    public synchronized void advance(String flow, Instant to) {
        ObjectNode state = read(flow);
        Optional<Instant> current = state.hasNonNull("watermark")
                ? Optional.of(Instant.parse(state.get("watermark").asText())) : Optional.empty();
        if (current.isEmpty() || to.isAfter(current.get())) {
            state.put("watermark", to.toString());
            write(flow, state);
        }
    }

    public synchronized Optional<ObjectNode> inFlight(String flow) {
        ObjectNode state = read(flow);
        return state.get("inFlight") instanceof ObjectNode n ? Optional.of(n.deepCopy()) : Optional.empty();
    }

    public synchronized void saveInFlight(String flow, ObjectNode job) {
        ObjectNode state = read(flow);
        state.set("inFlight", job);
        write(flow, state);
    }

    public synchronized void clearInFlight(String flow) {
        ObjectNode state = read(flow);
        if (state.remove("inFlight") != null) {
            write(flow, state);
        }
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

    private ObjectNode read(String flow) {
        Path f = file(flow);
        try {
            return Files.exists(f) ? (ObjectNode) JSON.readTree(f.toFile()) : JSON.createObjectNode();
        } catch (IOException | ClassCastException e) {
            throw new IllegalStateException("State file " + f + " is unreadable: " + e.getMessage()
                    + " (fix or delete it; deleting restarts the flow from its configured start)", e);
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
