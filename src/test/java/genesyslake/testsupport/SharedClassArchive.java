package genesyslake.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * A dynamic AppCDS archive (JDK class-data sharing) of the classes a child JVM on the test class path loads, so that
 * children map them, parsed and verified, instead of loading each from its jar: measured on a local --once
 * user-details run here, 6.2 to 6.4 s of CPU without, 4.1 to 4.2 s with (load 7 to 10). What a child does is
 * unchanged: the same classes from the same jars in the same order.
 *
 * <p>The JDK archives classes from jars only (a class path with a non-empty folder cannot be dumped), so the class
 * path's folders (target/test-classes, target/classes) go into one jar in their place, first occurrence of a name
 * winning as on the folder class path. The archive and that jar live under {@code ${build.dir}/child-jvm/<key>},
 * the key a digest of the class path and of every file in its folders (name, size, time): made once per build for
 * the first test JVM that asks (it creates a claim file; the others, and every child until it is done, run
 * without), by one local --once run that dumps what it loaded at exit, then moved into place whole. A missing archive means the
 * plain class path; one the JVM rejects (a jar changed since) means the JVM runs without it, silently
 * ({@code -Xlog:cds*=off}: children's output is read by tests, and a rejected archive prints a warning line).
 */
final class SharedClassArchive {

    /** Set to false ({@code -Dchild-jvm.cds=false}) to run children on the plain class path, without an archive. */
    private static final boolean ENABLED = Boolean.parseBoolean(System.getProperty("child-jvm.cds", "true"));

    private static final AtomicBoolean PREPARING = new AtomicBoolean();
    private static volatile Layout layout;

    private SharedClassArchive() {
    }

    /** Where this class path's archive and jar are, and the class path children use with them. */
    private record Layout(Path dir, Path archive, Path ownJar, List<String> jars, List<Path> folders) {

        String classPath() {
            List<String> entries = new ArrayList<>();
            entries.add(ownJar.toString());
            entries.addAll(jars);
            return String.join(java.io.File.pathSeparator, entries);
        }
    }

    /**
     * The JVM options for a child on this class path ({@code -XX:SharedArchiveFile=... -Xlog:cds*=off ... -cp <jar>:<jars>})
     * once the archive is made; empty (the caller uses the plain class path) until then, when it starts making it.
     */
    static Optional<List<String>> options(String classPath) {
        if (!ENABLED) {
            return Optional.empty();
        }
        Layout l;
        try {
            l = layout(classPath);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        if (l == null) {
            return Optional.empty();
        }
        if (Files.isRegularFile(l.archive())) {
            // Mapped where it was dumped, not relocated (JDK 17's default, 1, relocates every pointer in the 90 MB:
            // 0.07 s of sys CPU a child, measured on a short-lived child here); relocated only if that address is taken.
            return Optional.of(List.of("-XX:SharedArchiveFile=" + l.archive(), "-Xlog:cds*=off",
                    "-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0", "-cp", l.classPath()));
        }
        if (PREPARING.compareAndSet(false, true)) {
            try {
                make(l);
            } catch (IOException | RuntimeException e) {
                // no archive: children run on the plain class path
            }
        }
        return Optional.empty();
    }

    /** This class path's layout, computed once per test JVM (its folders do not change while its tests run). */
    private static synchronized Layout layout(String classPath) throws IOException {
        if (layout != null) {
            return layout;
        }
        List<String> jars = new ArrayList<>();
        List<Path> folders = new ArrayList<>();
        for (String e : classPath.split(java.io.File.pathSeparator)) {
            if (e.isEmpty()) {
                continue;
            }
            Path p = Path.of(e);
            if (Files.isDirectory(p)) {
                if (!jars.isEmpty()) {
                    return null; // a folder after a jar: one jar for the folders, first, would change the order
                }
                folders.add(p);
            } else if (e.endsWith(".jar") && Files.isRegularFile(p)) {
                jars.add(e);
            } else {
                return null; // something else (a missing entry, a zip): left to the plain class path
            }
        }
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        digest.update(classPath.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        digest.update(System.getProperty("java.home").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        for (Path folder : folders) {
            for (Path f : files(folder)) {
                BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                digest.update((folder.relativize(f) + "|" + a.size() + "|" + a.lastModifiedTime().toMillis() + "\n")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        String key = HexFormat.of().formatHex(digest.digest()).substring(0, 16);
        Path root = Path.of(System.getProperty("build.dir", "target"), "child-jvm").toAbsolutePath();
        Path dir = root.resolve(key);
        layout = new Layout(dir, dir.resolve("classes.jsa"), dir.resolve("classes.jar"), List.copyOf(jars),
                List.copyOf(folders));
        return layout;
    }

    private static List<Path> files(Path folder) throws IOException {
        try (Stream<Path> s = Files.walk(folder)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    /**
     * Starts making the archive unless it is there, failed once, or another test JVM is making it (it created the
     * claim file first: a claim older than {@link #STALE_CLAIM} without an archive is taken over).
     */
    private static void make(Layout l) throws IOException {
        Files.createDirectories(l.dir());
        Path claim = l.dir().resolve("claimed");
        if (Files.isRegularFile(l.archive()) || Files.exists(l.dir().resolve("failed"))) {
            return;
        }
        try {
            Files.createFile(claim);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            java.time.Instant claimed = Files.getLastModifiedTime(claim).toInstant();
            if (claimed.plus(STALE_CLAIM).isAfter(java.time.Instant.now())) {
                return;
            }
            Files.setLastModifiedTime(claim, java.nio.file.attribute.FileTime.from(java.time.Instant.now()));
        }
        removeOtherBuilds(l.dir());
        writeOwnJar(l);
        dump(l);
    }

    /** How long a claim stands without an archive: a dump run takes 15 to 50 s here. */
    private static final java.time.Duration STALE_CLAIM = java.time.Duration.ofMinutes(10);

    /** Earlier builds' archives (90 MB each). */
    private static void removeOtherBuilds(Path dir) throws IOException {
        try (Stream<Path> others = Files.list(dir.getParent())) {
            for (Path other : others.filter(p -> !p.equals(dir) && Files.isDirectory(p)).toList()) {
                try {
                    deleteTree(other);
                } catch (IOException e) {
                    // gone, or another build's: left
                }
            }
        }
    }

    private static void deleteTree(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }

    /** The folders' files in one jar, in class path order, a name's first occurrence winning. */
    private static void writeOwnJar(Layout l) throws IOException {
        Path tmp = l.dir().resolve("classes.jar.tmp");
        Set<String> seen = new HashSet<>();
        try (OutputStream out = Files.newOutputStream(tmp); JarOutputStream jar = new JarOutputStream(out)) {
            for (Path folder : l.folders()) {
                for (Path f : files(folder)) {
                    String name = folder.relativize(f).toString().replace(java.io.File.separatorChar, '/');
                    if (seen.add(name)) {
                        JarEntry e = new JarEntry(name);
                        e.setTime(Files.getLastModifiedTime(f).toMillis());
                        jar.putNextEntry(e);
                        Files.copy(f, jar);
                        jar.closeEntry();
                    }
                }
            }
        }
        move(tmp, l.ownJar());
    }

    /**
     * Starts a local --once user-details run (local Genesys, S3 and Glue/Athena in the JVM, DuckDB, the Camel
     * routes: what children load) that writes the archive at exit, under a shell that moves it into place if the run
     * exited 0 (else leaves a "failed" file: no test JVM tries again this build). Not waited for, nor killed when
     * this JVM exits: a targeted run's test JVM may end first, and the next run then has the archive.
     */
    private static void dump(Layout l) throws IOException {
        long pid = ProcessHandle.current().pid();
        Path tmpArchive = l.dir().resolve("classes.jsa." + pid);
        Path data = l.dir().resolve("dump-data-" + pid);
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c", "\"$@\"; rc=$?; rm -rf \"$DATA\"; "
                + "if [ $rc = 0 ] && [ -s \"$TMP\" ]; then mv -f \"$TMP\" \"$ARCHIVE\"; "
                + "else rm -f \"$TMP\"; echo \"exit $rc\" > \"$FAILED\"; fi", "sh"));
        cmd.addAll(ChildJvm.java());
        cmd.addAll(List.of("-XX:ArchiveClassesAtExit=" + tmpArchive, "-Xlog:cds*=off", "-cp", l.classPath(),
                "-Dlake.mode=local", "-Dlocal.data-dir=" + data, "-Dlocal.genesys.port=0", "-Dlocal.s3.port=0",
                "-Dlocal.aws.port=0", "-Dlocal.genesys.job-latency=0", "-Ddetails.job.poll.delay=50ms",
                "genesyslake.GenesysLake", "--once", "user-details"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(l.dir().resolve("dump.log").toFile());
        pb.environment().putAll(java.util.Map.of("DATA", data.toString(), "TMP", tmpArchive.toString(),
                "ARCHIVE", l.archive().toString(), "FAILED", l.dir().resolve("failed").toString()));
        pb.start();
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
