package genesyslake.catalog;

import java.util.List;
import java.util.Map;

/**
 * A flow's tables cannot be placed where its parameters say: two flows' tables would clash (one location, one Glue
 * name, or one inside the other's partition folder), or a folder parameter is not a folder. Its message is the one line
 * an operator reads (the daemon refuses to start with it; a reload is rejected with it), naming the flows and, once
 * {@link FlowCatalogs} knows them, the route files that declare them.
 */
public final class FlowPlacementException extends IllegalArgumentException {

    private final List<String> flows;
    private final boolean clash;
    private final String reason;

    private FlowPlacementException(List<String> flows, boolean clash, String reason, Map<String, String> files) {
        super(message(flows, clash, reason, files));
        this.flows = List.copyOf(flows);
        this.clash = clash;
        this.reason = reason;
    }

    /** Two tables (of two flows, or of one) that clash, and why. */
    static FlowPlacementException clash(String first, String second, String reason) {
        return new FlowPlacementException(first.equals(second) ? List.of(first) : List.of(first, second), true, reason,
                Map.of());
    }

    /** One flow whose parameters place no table (a folder that is no folder, an unknown kind or entity). */
    static FlowPlacementException refused(String flow, String reason) {
        return new FlowPlacementException(List.of(flow), false, reason, Map.of());
    }

    /** The flows the refusal names (one, or the two whose tables clash). */
    public List<String> flows() {
        return flows;
    }

    /** The same refusal naming the file of each of its flows ({@code files}: flow id to route file) that is known. */
    public FlowPlacementException declaredIn(Map<String, String> files) {
        return new FlowPlacementException(flows, clash, reason, files);
    }

    private static String message(List<String> flows, boolean clash, String reason, Map<String, String> files) {
        List<String> named = flows.stream().map(f -> files.get(f) == null ? f : f + " (" + files.get(f) + ")").toList();
        if (named.size() == 2) {
            return "Flows " + named.get(0) + " and " + named.get(1) + " have tables that clash: " + reason;
        }
        return "Flow " + named.get(0) + (clash ? " has two tables that clash: " : ": ") + reason;
    }
}
