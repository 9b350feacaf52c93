package genesyslake.ops;

import genesyslake.genesys.DetailsExport;
import genesyslake.management.FlowOutcome;
import genesyslake.testsupport.FlowTest;
import genesyslake.testsupport.LocalDaemon;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Ensures what the daemon writes under its data folder (state, lock, spool, manifests, dead letters, report CSVs)
 * is owner-only: no folder or file there is readable, writable or searchable by group or others, whatever the
 * umask. {@code s3/} is left out: it is the local S3 stand-in's storage (the lake itself), not the daemon's files.
 */
@FlowTest
class OwnerOnlyFilesTest {

    private static final Set<PosixFilePermission> NOT_OWNER = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    /** Paths under data (s3/ excluded) that group or others may use, with their mode. */
    private static List<String> shared(Path data) throws IOException {
        List<String> bad = new ArrayList<>();
        try (Stream<Path> all = Files.walk(data)) {
            for (Path p : all.filter(p -> !p.equals(data) && !data.relativize(p).startsWith("s3")).toList()) {
                try {
                    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
                    if (perms.stream().anyMatch(NOT_OWNER::contains)) {
                        bad.add(data.relativize(p) + " " + java.nio.file.attribute.PosixFilePermissions.toString(perms));
                    }
                } catch (java.nio.file.NoSuchFileException gone) {
                    // removed while walking (a spool file uploaded)
                }
            }
        }
        return bad;
    }

    private static List<Path> files(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void everyFolderAndFileTheDaemonWritesIsOwnerOnly(@TempDir Path tmp) throws Exception {
        assumeTrue(tmp.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX file system");
        Path data = tmp.resolve("data"); // created by the daemon itself, not by the test
        LocalDate day = LocalDate.now(ZoneOffset.UTC).minusDays(3);
        List<String> midRun = new ArrayList<>();
        List<Path> spoolFilesSeen = new ArrayList<>();
        try (LocalDaemon daemon = LocalDaemon.start(data, Map.of("local.s3.port", String.valueOf(Ops.freePort()),
                "details.page-size", "50", "local.genesys.conversations-per-day", "200", "lake.upload.redeliveries", "1",
                "usage.query-files", "queries/usage-query.json"))) {
            assertTrue(daemon.run("usage-export", Map.of()).success());
            assertTrue(daemon.run("user-details", Map.of()).success());
            assertTrue(daemon.run("catalog-refresh", Map.of()).success());
            assertTrue(daemon.run("athena-report", Map.of("lakeReport", "top10-rate-limited-clients")).success());

            // Mid-export: the spool is on disk; then S3 goes away, so the run's objects become dead letters.
            var s3 = daemon.local().s3();
            AtomicBoolean stopped = new AtomicBoolean();
            daemon.bean("details", DetailsExport.class).setPageHook((job, page) -> {
                if (page == 3 && stopped.compareAndSet(false, true)) {
                    spoolFilesSeen.addAll(files(data.resolve("work")));
                    midRun.addAll(shared(data));
                    try {
                        s3.close();
                    } catch (Exception e) {
                        throw new IOException(e);
                    }
                }
            });
            FlowOutcome outcome = daemon.run("conversation-details", Map.of("lakeInterval", day + "/" + day.plusDays(1)));
            assertTrue(stopped.get());
            assertFalse(outcome.success(), outcome.toString());

            assertFalse(spoolFilesSeen.isEmpty(), "spool files existed mid-run");
            assertEquals(List.of(), midRun, "owner-only while exporting");
            assertFalse(files(data.resolve("dead-letter")).isEmpty(), "dead letters were kept");
            assertFalse(files(data.resolve("reports")).isEmpty(), "report CSVs were written");
            assertTrue(Files.exists(data.resolve("state/user-details.json")), "state was written");
            assertTrue(Files.exists(data.resolve("state/.lock")), "the lock is held");
            assertEquals(List.of(), shared(data), "owner-only after the runs");
        }
        assertEquals(List.of(), shared(data), "owner-only after stop");
    }
}
