package genesyslake.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import genesyslake.management.FlowOutcome;
import genesyslake.management.FlowRunStatus;
import genesyslake.management.Flows;
import genesyslake.management.ManagementPort;
import genesyslake.testsupport.FlowTest;
import genesyslake.testsupport.LocalDaemon;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures what a query file holds never reaches an operator's screen (issue 23, item 4): a file that is not JSON
 * fails its flow with the file, line and column named and none of its text in the run's outcome, health, the status
 * page, recentRuns or the log; and a query file outside {@code lake.queries-dir} (by path or through a link) is not
 * read at all: its flow fails in one line naming the setting and the folder.
 */
@FlowTest
class QueryFilesStayPrivateTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "SECRET7f3a9cDoNotShow"; // one token, as Jackson reads it

    @Test
    void aQueryFileThatIsNotJsonFailsItsFlowWithoutItsContentShowingAnywhere(@TempDir Path tmp) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("queries"));
        Path bad = root.resolve("user-details.json");
        // The first token Jackson cannot read is the secret: Jackson's own message would quote it (up to 256 chars).
        Files.writeString(bad, "{\n  \"order\": \"asc\",\n  \"paging\": " + SECRET + "\n}\n");
        try (LogCapture logs = new LogCapture();
             LocalDaemon daemon = LocalDaemon.start(tmp.resolve("data"), Map.of("camel.management.enabled", "true",
                     "camel.management.port", "0", "camel.management.health-check-enabled", "true",
                     "lake.queries-dir", root.toString(), "users.query-file", bad.toString()))) {
            FlowOutcome failed = daemon.run("user-details", Map.of());
            assertFalse(failed.success(), failed.toString());

            Flows flows = daemon.bean("flowsMBean", Flows.class);
            FlowRunStatus started = flows.startFlow("user-details");
            assertTrue(Ops.await(() -> !flows.runStatus(started.getRunId()).active(), 60_000), "the triggered run ends");
            List<String> shown = new ArrayList<>();
            shown.add(failed.getSummary());
            flows.recentRuns().forEach(r -> shown.add(r.toString() + " " + r.getSummary()));
            assertEquals("failed", flows.runStatus(started.getRunId()).getState());

            String base = "http://127.0.0.1:" + ManagementPort.actual(daemon.context()).orElseThrow();
            JsonNode health = JSON.readTree(Ops.get(base + "/observe/health?exposureLevel=full&data=true").body());
            assertTrue(health.toString().contains("user-details.json"), "health names the file: " + health);
            shown.add(health.toString());
            String status = Ops.get(base + "/status.json").body();
            assertTrue(status.contains("user-details.json"), "the status page names the file: " + status);
            shown.add(status);
            shown.add(Ops.get(base + "/").body());
            shown.addAll(logs.lines());
            for (String s : shown) {
                assertFalse(s.contains("7f3a9c"), "the file's content is shown: " + s);
            }
            assertTrue(failed.getSummary().contains("user-details.json: is not valid JSON at line 3, column 35 "
                    + "(expected a value: a string, number, object, array, true, false or null)"),
                    "the file, line and column, and what was expected there: " + failed.getSummary());
        }
    }

    @Test
    void aQueryFileOutsideTheQueryFolderIsNotReadAndItsFlowFailsInOneLineNamingTheSetting(@TempDir Path tmp)
            throws Exception {
        Path root = Files.createDirectories(tmp.resolve("queries"));
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Path conversations = Files.copy(Path.of("queries/conversation-details.json"), elsewhere.resolve("c.json"));
        Path usage = Files.copy(Path.of("queries/usage-query.json"), elsewhere.resolve("u.json"));
        Files.copy(Path.of("queries/user-details.json"), elsewhere.resolve("users.json"));
        Path link = Files.createSymbolicLink(root.resolve("usage-query.json"), usage);
        Path sneaky = root.resolve("..").resolve("elsewhere").resolve("users.json");
        try (LogCapture logs = new LogCapture();
             LocalDaemon daemon = LocalDaemon.start(tmp.resolve("data"), Map.of("lake.queries-dir", root.toString(),
                "conversations.query-file", conversations.toString(), "users.query-file", sneaky.toString(),
                "usage.query-files", link.toString()))) {
            // The start says so at once, naming the setting that points there; the daemon serves the other flows.
            String startUp = logs.matching(l -> l.startsWith("ERROR") && l.contains("Flow conversation-details")).toString();
            assertTrue(startUp.contains("(conversations.query-file): Query file " + conversations + ": outside the query "
                    + "folder " + root.toRealPath() + " (lake.queries-dir)"), startUp);
            for (String flow : List.of("conversation-details", "user-details", "usage-export")) {
                FlowOutcome outcome = daemon.run(flow, flow.equals("usage-export")
                        ? Map.of("lakeInterval", "2025-01-01/2025-02-01") : Map.of());
                assertFalse(outcome.success(), flow + " read a file outside the query folder: " + outcome);
                String line = outcome.getSummary();
                assertTrue(line.contains("outside the query folder " + root.toRealPath() + " (lake.queries-dir)"), line);
                assertFalse(line.contains("\n"), line);
            }
            assertTrue(daemon.lake().keys("").stream().noneMatch(k -> k.startsWith("conversations/")
                    || k.startsWith("granularity=")), "nothing exported");
        }
    }
}
