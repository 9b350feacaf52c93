package genesyslake.flows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import genesyslake.local.LocalS3;
import genesyslake.local.genesys.LocalGenesys;
import genesyslake.local.genesys.LocalGenesysSettings;
import genesyslake.testsupport.ProcessTest;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures exactly once against a Genesys whose jobs outlive the daemon, as a real org's do: Genesys and S3 run in
 * this JVM, the daemon (AWS mode, pointed at them) in its own process, killed with SIGKILL at each point of a
 * run of several days. After a restart every record of every day is in the lake exactly once, the run's manifest is
 * complete, and no job was submitted twice; a run so killed still publishes one daily summary per day
 * (agent_handle_daily and queue_daily for conversation-details, agent_status_daily for user-details).
 * The points run side by side (each its own Genesys, S3, folder and port): most of a point is spent waiting on the
 * rate-limited first daemon.
 */
@ProcessTest
class ResumeAtEveryPointTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BUCKET = "gc-usage-api-source";

    /** Where the first process is killed, told by its saved state. */
    enum KillPoint {
        /**
         * Part-way through a day's pages. Any day of the run: a user-details day with few agents (a weekend) has fewer
         * than four pages, so waiting for the run's first day to reach page 3 let the run end first on some dates.
         */
        MID_PAGE(s -> s.path("page").asInt() >= 3 && !s.path("paged").asBoolean()),
        /** The next days' jobs are submitted and saved, the first day's not yet polled: none may be submitted again. */
        JOBS_AHEAD_NOT_YET_POLLED(s -> s.path("day").asText().equals(s.path("firstDay").asText())
                && s.path("jobs").size() >= 2 && s.path("page").asInt() == 0),
        AFTER_A_DAYS_LAST_PAGE(s -> s.path("day").asText().equals(s.path("firstDay").asText())
                && s.path("paged").asBoolean()),
        BETWEEN_TWO_DAYS(s -> !s.path("day").asText().equals(s.path("firstDay").asText()) && s.hasNonNull("jobId")
                && s.path("page").asInt() == 0),
        /** The run's last day is paged: its curated objects are being converted to Parquet. */
        WHILE_CONVERTING(s -> s.path("paged").asBoolean() && s.hasNonNull("interval") && s.path("day").asText().equals(
                genesyslake.query.Interval.parse(s.path("interval").asText(), java.time.Clock.systemUTC()).lastDate().toString())),
        DURING_UPLOAD(s -> "publish".equals(s.path("phase").asText()));

        final Predicate<JsonNode> reached;

        KillPoint(Predicate<JsonNode> reached) {
            this.reached = reached;
        }

        /**
         * The first daemon's rate limit: slow, so that the point lasts long enough to be seen, except while converting,
         * which comes after the run's last Genesys request and lasts as long as the conversion whatever the rate.
         */
        int firstRate() {
            return this == WHILE_CONVERTING ? RESTARTED_RATE : KILLED_RATE;
        }
    }

    /** The first daemon: slow enough (10 requests/s) that each point lasts long enough to be seen and killed at. */
    private static final int KILLED_RATE = 600;
    /** The restarted daemon: the client's rate limit off, since how fast it pages is not what it proves. */
    private static final int RESTARTED_RATE = 0;

    private static Process daemon(Path data, LocalGenesys genesys, int s3Port, int requestsPerMinute) throws IOException {
        return daemon(data, genesys, s3Port, "conversation-details", 25, requestsPerMinute);
    }

    private static Process daemon(Path data, LocalGenesys genesys, int s3Port, String flow, int pageSize,
            int requestsPerMinute) throws IOException {
        List<String> cmd = new ArrayList<>(genesyslake.testsupport.ChildJvm.onTestClassPath());
        cmd.addAll(List.of("-Dlake.mode=aws", "-Daws.region=us-east-1", "-Daws.endpoint-override=http://127.0.0.1:" + s3Port,
                "-Dlocal.data-dir=" + data,
                "-Dgenesys.api-url=" + genesys.baseUrl(), "-Dgenesys.login-url=" + genesys.baseUrl(),
                "-Dgenesys.client-id=local-client", "-Dgenesys.client-secret=local-secret",
                "-Ddetails.page-size=" + pageSize, "-Ddetails.job.poll.delay=50ms", "-Ddetails.initial-lookback-days=4",
                "-Dconversations.trailing-window=0h",
                "-Dgenesys.rate-limit.requests-per-minute=" + requestsPerMinute,
                // S3 is down for the upload point: the lake lock's lease must outlive that (a killed holder is still
                // taken over at once by the restart on this host).
                "-Dlake.lock.lease=5m",
                "genesyslake.GenesysLake", "--once", flow));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(data.resolve("daemon-" + System.nanoTime() + ".log").toFile());
        pb.environment().putAll(Map.of("AWS_ACCESS_KEY_ID", "local-access-key", "AWS_SECRET_ACCESS_KEY", "local-secret-key"));
        return pb.start();
    }

    /**
     * Keeps a stopped S3's port from being taken while it is down (a bound socket that does not listen: connections are
     * still refused), so that a point running beside this one cannot start its own S3 there.
     */
    private static java.net.Socket holdPort(int port) throws IOException {
        java.net.Socket held = new java.net.Socket();
        held.setReuseAddress(true);
        held.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port));
        return held;
    }

    /**
     * For the upload point, stops S3 once the daemon holds the lake lock (a lease object in the bucket) and exports (its
     * flow saved a job in flight); returns null then.
     */
    private static LocalS3 downOnceLocked(KillPoint point, LocalS3 s3, Path s3Root, Path state, Process daemon)
            throws Exception {
        if (point != KillPoint.DURING_UPLOAD) {
            return s3;
        }
        long deadline = System.currentTimeMillis() + 90_000;
        while (inFlight(state, new String[1]).isEmpty() && daemon.isAlive() && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(Files.exists(s3Root.resolve(BUCKET).resolve(genesyslake.lake.LakeLock.LOCK_KEY)), "the lake is locked");
        assertFalse(inFlight(state, new String[1]).isEmpty(), "the daemon is exporting");
        s3.close();
        return null;
    }

    /** The in-flight part of the flow's state file, with the first day of the run added; empty when absent. */
    private static JsonNode inFlight(Path state, String[] firstDay) {
        try {
            JsonNode s = JSON.readTree(state.toFile()).path("inFlight");
            if (s.isObject()) {
                if (firstDay[0] == null && s.hasNonNull("day")) {
                    firstDay[0] = s.get("day").asText();
                }
                ((com.fasterxml.jackson.databind.node.ObjectNode) s).put("firstDay", firstDay[0]);
            }
            return s;
        } catch (IOException | RuntimeException e) {
            return JSON.createObjectNode(); // not written yet, or being replaced
        }
    }

    @ParameterizedTest
    @EnumSource(KillPoint.class)
    @Execution(ExecutionMode.CONCURRENT)
    void aDaemonKilledAtThisPointResumesWithEveryRecordExactlyOnce(KillPoint point, @TempDir Path data) throws Exception {
        Path s3Root = Files.createDirectories(data.resolve("s3/" + BUCKET)).getParent();
        LocalGenesys genesys = new LocalGenesys(LocalGenesysSettings.defaults()).start();
        int s3Port = genesyslake.ops.Ops.freePort();
        // Killed during the upload: S3 is down from when the daemon holds the lake lock (a lease object in the bucket)
        // until then, so the uploads are being retried when the kill comes.
        LocalS3 s3 = new LocalS3(s3Root, s3Port, "local-access-key", "local-secret-key").start();
        java.net.Socket held = null;
        try {
            Process first = daemon(data, genesys, s3Port, point.firstRate());
            Path state = data.resolve("state/conversation-details.json");
            s3 = downOnceLocked(point, s3, s3Root, state, first);
            held = s3 == null ? holdPort(s3Port) : null;
            String[] firstDay = {null};
            long deadline = System.currentTimeMillis() + 90_000;
            while (!point.reached.test(inFlight(state, firstDay)) && first.isAlive()
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(first.isAlive(), point + ": the first daemon was still running when the point came");
            if (point == KillPoint.DURING_UPLOAD) {
                Thread.sleep(500); // well inside the first redelivery delay (2 s)
            }
            JsonNode atKill = inFlight(state, firstDay);
            first.destroyForcibly(); // SIGKILL: no shutdown hooks, no clean-up
            assertTrue(first.waitFor(30, TimeUnit.SECONDS));
            assertTrue(point.reached.test(atKill), point + " was reached: " + atKill);
            if (s3 == null) {
                held.close();
                s3 = new LocalS3(s3Root, s3Port, "local-access-key", "local-secret-key").start();
            }

            Process second = daemon(data, genesys, s3Port, RESTARTED_RATE);
            assertTrue(second.waitFor(120, TimeUnit.SECONDS), point + ": the restarted daemon finished");
            assertEquals(0, second.exitValue(), point + ": the restarted daemon succeeded");

            Path bucket = s3Root.resolve(BUCKET);
            List<Path> partitions;
            try (Stream<Path> dirs = Files.list(bucket.resolve("conversations"))) {
                partitions = dirs.sorted().toList();
            }
            // Four days back to the last whole day jobs can see: four days, or three in the first hour after midnight UTC.
            genesyslake.query.Interval planned = genesyslake.query.Interval.parse(atKill.path("interval").asText(),
                    java.time.Clock.systemUTC());
            long days = java.time.temporal.ChronoUnit.DAYS.between(planned.startDate(), planned.lastDate().plusDays(1));
            assertTrue(days >= 2, "a run of several days: " + planned);
            assertEquals(days, partitions.size(), point + ": every day of " + planned + ": " + partitions);
            assertSubmittedOncePerDay(point, days, genesys.stats().count("POST /api/v2/analytics/conversations/details/jobs"));
            for (Path partition : partitions) {
                LocalDate day = LocalDate.parse(partition.getFileName().toString().substring("date=".length()));
                List<String> lines = genesyslake.testsupport.GzipLines.under(partition);
                List<String> expected = genesys.dataset().conversationsStartingOn(day)
                        .map(b -> new String(b, StandardCharsets.UTF_8)).toList();
                assertEquals(lines.size(), new HashSet<>(lines).size(), point + ": no duplicates on " + day);
                assertEquals(expected, lines, point + ": every record of " + day + " exactly once, byte for byte");
                // The curated rows of those records, once: one Parquet object, as many rows as flattening them gives.
                Path segments = bucket.resolve("conversation_segments/date=" + day);
                List<Path> objects;
                try (Stream<Path> files = Files.list(segments)) {
                    objects = files.toList();
                }
                assertEquals(List.of(segments.resolve("conversation-details_" + day + ".parquet")), objects, point + ": " + day);
                long rows = 0;
                genesyslake.lake.ConversationFlattener flattener = new genesyslake.lake.ConversationFlattener();
                for (String line : expected) {
                    byte[] b = line.getBytes(StandardCharsets.UTF_8);
                    rows += flattener.flatten(b, 0, b.length, (d, buf, o, l) -> { });
                }
                assertEquals(rows, genesyslake.testsupport.Parquet.rows(objects.get(0), "1").size(),
                        point + ": every segment row of " + day + " exactly once");
            }
            JsonNode stateAfter = JSON.readTree(state.toFile());
            assertFalse(stateAfter.has("inFlight"), point + ": nothing left in flight: " + stateAfter);
            List<Path> manifests;
            try (Stream<Path> m = Files.walk(bucket.resolve("_manifests/conversation-details"))) {
                manifests = m.filter(Files::isRegularFile).toList();
            }
            assertEquals(1, manifests.size(), point + ": one manifest for the one run");
            JsonNode manifest = JSON.readTree(manifests.get(0).toFile());
            assertTrue(manifest.path("complete").asBoolean(), point + ": " + manifest);
            long records = 0;
            for (Path p : partitions) {
                records += genesyslake.testsupport.GzipLines.under(p).size();
            }
            assertEquals(records, manifest.path("records").asLong(), point + ": the manifest counts what landed");
            // Each day's agent_handle_daily: one object, the summary of the segment rows that landed, in the manifest.
            for (Path partition : partitions) {
                String day = partition.getFileName().toString().substring("date=".length());
                Path dir = bucket.resolve("agent_handle_daily/date=" + day);
                Path summary = dir.resolve("conversation-details_" + day + ".parquet");
                assertOnlyObject(dir, summary, point + ": exactly one handle summary on " + day);
                List<String> actual = genesyslake.testsupport.Parquet.rows(summary, "concat_ws('|', userId, conversations, "
                        + "coalesce(CAST(handleMs AS VARCHAR), '-'), coalesce(CAST(talkMs AS VARCHAR), '-'), "
                        + "coalesce(CAST(holdMs AS VARCHAR), '-'), coalesce(CAST(wrapupMs AS VARCHAR), '-'), segments)");
                List<String> expected = handleSummaryOf(bucket.resolve("conversation_segments/date=" + day
                        + "/conversation-details_" + day + ".parquet"));
                assertTrue(!expected.isEmpty(), day + " has handle segments");
                assertEquals(expected, actual, point + ": the handle summary of " + day + " is that of the rows that landed");
                String key = "agent_handle_daily/date=" + day + "/conversation-details_" + day + ".parquet";
                assertListed(manifest, key, actual.size(), point);
            }
            // ... and its queue_daily: one object, the per-queue counts of the segment rows that landed.
            for (Path partition : partitions) {
                String day = partition.getFileName().toString().substring("date=".length());
                Path dir = bucket.resolve("queue_daily/date=" + day);
                Path summary = dir.resolve("conversation-details_" + day + ".parquet");
                assertOnlyObject(dir, summary, point + ": exactly one queue summary on " + day);
                List<String> expected = duck("SELECT concat_ws('|', queueId, mediaType, direction, "
                        + "count(DISTINCT conversationId), count(*)) FROM read_parquet('" + bucket.resolve(
                        "conversation_segments/date=" + day + "/conversation-details_" + day + ".parquet")
                        + "', hive_partitioning = false) WHERE queueId IS NOT NULL GROUP BY queueId, mediaType, direction "
                        + "ORDER BY queueId, mediaType, direction");
                assertTrue(!expected.isEmpty(), day + " has queued segments");
                assertEquals(expected, genesyslake.testsupport.Parquet.rows(summary,
                        "concat_ws('|', queueId, mediaType, direction, conversations, segments)"),
                        point + ": the queue summary of " + day + " is that of the rows that landed");
            }
        } finally {
            genesys.close();
            if (s3 != null) {
                s3.close();
            }
            if (held != null) {
                held.close();
            }
        }
    }

    /**
     * The user-details run killed at each point: every day still gets exactly one agent_status_daily object, and it
     * is the summary of exactly the presence and routing-status rows that landed for that day, listed in the manifest.
     */
    @ParameterizedTest
    @EnumSource(KillPoint.class)
    @Execution(ExecutionMode.CONCURRENT)
    void aUserDetailsDaemonKilledAtThisPointLeavesOneDailySummaryPerDay(KillPoint point, @TempDir Path data) throws Exception {
        Path s3Root = Files.createDirectories(data.resolve("s3/" + BUCKET)).getParent();
        LocalGenesys genesys = new LocalGenesys(LocalGenesysSettings.defaults()).start();
        int s3Port = genesyslake.ops.Ops.freePort();
        LocalS3 s3 = new LocalS3(s3Root, s3Port, "local-access-key", "local-secret-key").start();
        java.net.Socket held = null;
        try {
            // 40 users a day at 5 a page: eight pages a day, so the mid-page point (pages 3 to 7 of a weekday) lasts
            // about half a second at 10 requests/s, long enough to be seen on a loaded CI machine.
            Process first = daemon(data, genesys, s3Port, "user-details", 5, point.firstRate());
            Path state = data.resolve("state/user-details.json");
            s3 = downOnceLocked(point, s3, s3Root, state, first);
            held = s3 == null ? holdPort(s3Port) : null;
            String[] firstDay = {null};
            long deadline = System.currentTimeMillis() + 90_000;
            while (!point.reached.test(inFlight(state, firstDay)) && first.isAlive()
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(first.isAlive(), point + ": the first daemon was still running when the point came");
            if (point == KillPoint.DURING_UPLOAD) {
                Thread.sleep(500);
            }
            JsonNode atKill = inFlight(state, firstDay);
            first.destroyForcibly();
            assertTrue(first.waitFor(30, TimeUnit.SECONDS));
            assertTrue(point.reached.test(atKill), point + " was reached: " + atKill);
            if (s3 == null) {
                held.close();
                s3 = new LocalS3(s3Root, s3Port, "local-access-key", "local-secret-key").start();
            }
            Process second = daemon(data, genesys, s3Port, "user-details", 5, RESTARTED_RATE);
            assertTrue(second.waitFor(120, TimeUnit.SECONDS), point + ": the restarted daemon finished");
            assertEquals(0, second.exitValue(), point + ": the restarted daemon succeeded");

            Path bucket = s3Root.resolve(BUCKET);
            genesyslake.query.Interval planned = genesyslake.query.Interval.parse(atKill.path("interval").asText(),
                    java.time.Clock.systemUTC());
            long days = java.time.temporal.ChronoUnit.DAYS.between(planned.startDate(), planned.lastDate().plusDays(1));
            assertTrue(days >= 2, "a run of several days: " + planned);
            assertSubmittedOncePerDay(point, days, genesys.stats().count("POST /api/v2/analytics/users/details/jobs"));
            List<Path> summaryDays;
            try (Stream<Path> dirs = Files.list(bucket.resolve("agent_status_daily"))) {
                summaryDays = dirs.sorted().toList();
            }
            assertEquals(days, summaryDays.size(), point + ": a summary for every day of " + planned + ": " + summaryDays);
            JsonNode manifest;
            try (Stream<Path> m = Files.walk(bucket.resolve("_manifests/user-details"))) {
                List<Path> manifests = m.filter(Files::isRegularFile).toList();
                assertEquals(1, manifests.size(), point + ": one manifest for the one run");
                manifest = JSON.readTree(manifests.get(0).toFile());
            }
            assertTrue(manifest.path("complete").asBoolean(), point + ": " + manifest);
            for (Path dir : summaryDays) {
                String day = dir.getFileName().toString().substring("date=".length());
                Path summary = dir.resolve("user-details_" + day + ".parquet");
                assertOnlyObject(dir, summary, point + ": exactly one summary object on " + day);
                Path presence = bucket.resolve("user_presence/date=" + day + "/user-details_" + day + ".parquet");
                Path routing = bucket.resolve("user_routing_status/date=" + day + "/user-details_" + day + ".parquet");
                List<String> expected = summaryOf(presence, routing);
                List<String> actual = genesyslake.testsupport.Parquet.rows(summary,
                        "concat_ws('|', userId, kind, status, coalesce(CAST(durationMs AS VARCHAR), '-'), intervals)");
                assertTrue(!expected.isEmpty(), day + " has intervals");
                assertEquals(expected, actual, point + ": the summary of " + day + " is that of the rows that landed");
                String key = "agent_status_daily/date=" + day + "/user-details_" + day + ".parquet";
                assertListed(manifest, key, actual.size(), point);
            }
        } finally {
            genesys.close();
            if (s3 != null) {
                s3.close();
            }
            if (held != null) {
                held.close();
            }
        }
    }

    /** The daily summary computed here from a day's published presence and routing-status Parquet objects. */
    private static List<String> summaryOf(Path presence, Path routing) throws Exception {
        String sql = "SELECT concat_ws('|', userId, kind, status, coalesce(CAST(d AS VARCHAR), '-'), n) FROM ("
                + "SELECT userId, 'presence' AS kind, systemPresence AS status, sum(durationMs) AS d, count(*) AS n "
                + "FROM read_parquet('" + presence + "', hive_partitioning = false) GROUP BY ALL UNION ALL "
                + "SELECT userId, 'routing', routingStatus, sum(durationMs), count(*) "
                + "FROM read_parquet('" + routing + "', hive_partitioning = false) GROUP BY ALL) ORDER BY userId, kind, status";
        return duck(sql);
    }

    /** The handle summary computed here from a day's published conversation_segments Parquet object. */
    private static List<String> handleSummaryOf(Path segments) throws Exception {
        String sql = "SELECT concat_ws('|', userId, count(DISTINCT conversationId), coalesce(CAST(sum(segmentDurationMs) AS VARCHAR), '-'), "
                + "coalesce(CAST(sum(segmentDurationMs) FILTER (WHERE segmentType = 'interact') AS VARCHAR), '-'), "
                + "coalesce(CAST(sum(segmentDurationMs) FILTER (WHERE segmentType = 'hold') AS VARCHAR), '-'), "
                + "coalesce(CAST(sum(segmentDurationMs) FILTER (WHERE segmentType = 'wrapup') AS VARCHAR), '-'), count(*)) "
                + "FROM read_parquet('" + segments + "', hive_partitioning = false) WHERE purpose = 'agent' "
                + "AND segmentType IN ('interact', 'hold', 'wrapup') AND userId IS NOT NULL GROUP BY userId ORDER BY userId";
        return duck(sql);
    }


    /** The first column of each row DuckDB answers. */
    private static List<String> duck(String sql) throws Exception {
        List<String> rows = new ArrayList<>();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:duckdb:");
             java.sql.Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }

    /** The folder holds that one object and nothing else. */
    private static void assertOnlyObject(Path dir, Path object, String message) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(object), files.toList(), message);
        }
    }

    /** The run's manifest lists the key with that many rows. */
    private static void assertListed(JsonNode manifest, String key, long rows, Object point) {
        JsonNode listed = null;
        for (JsonNode o : manifest.path("objects")) {
            listed = o.path("key").asText().equals(key) ? o : listed;
        }
        assertTrue(listed != null, point + ": " + key + " in the manifest");
        assertEquals(rows, listed.path("records").asLong(), point + ": " + key + " rows in the manifest");
    }

    /**
     * One job per day, none submitted twice; killed while jobs are being submitted ahead, at most the one in hand may
     * be submitted again: Genesys accepted it but the kill came before its id was saved, and no client can close that
     * gap without an idempotency key Genesys does not offer (the orphan job is never paged: records stay exactly once).
     */
    private static void assertSubmittedOncePerDay(KillPoint point, long days, long submitted) {
        long allowed = days + (point == KillPoint.JOBS_AHEAD_NOT_YET_POLLED ? 1 : 0);
        assertTrue(submitted >= days && submitted <= allowed,
                point + ": one job per day, none submitted twice (at most the one in hand at the kill): " + submitted
                        + " jobs for " + days + " days");
    }
}
