package genesyslake.lake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import genesyslake.config.Settings;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One writer per lake, whatever the settings: held from start-up to stop by the daemon, {@code --once} and
 * {@code --backfill} alike, on everything a writer owns.
 * <ul>
 *   <li>Every folder it writes ({@code lake.state-dir}, {@code lake.work-dir}, {@code lake.dead-letter-dir},
 *   {@code lake.reports-dir}): an OS file lock beside it ({@code <parent>/.<name>.lock}: inside, every entry of those
 *   folders is read as data), the state folder's also inside it ({@code <state>/.lock}). Named by real path: symlinks,
 *   {@code ..} and relative paths reach the same lock, and two settings naming one folder take it once.</li>
 *   <li>The lake: in local mode the local S3 folder ({@code local.data-dir/s3}, lock beside it); in AWS mode the source
 *   bucket, by a lease object ({@value #LOCK_KEY}, see {@link LeaseLock}) renewed while the process runs.</li>
 * </ul>
 * A second writer is refused in one line naming the holder (pid, host, since, command) and only what is safe to do,
 * or waits up to {@code lake.lock.wait}. The OS drops the file locks when the holder dies, even by SIGKILL; a killed
 * holder's lease is taken over once nobody has renewed it for {@code lake.lock.lease}.
 *
 * <p>With {@code lake.ha.enabled} the instances of one HA group (those sharing {@code lake.ha.lock-dir}) share their
 * folders on purpose: they hold these locks together (shared file locks, one lease for the group) and Camel's leader
 * election decides which instance writes; a single writer, or an instance of another group, is still refused.
 */
public final class LakeLock extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(LakeLock.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long RETRY_MILLIS = 200;

    /** The property GenesysLake sets for a one-shot command (once, backfill); a daemon leaves it unset. */
    public static final String RUN_MODE = "lake.run-mode";
    /** How long a lease object lives without renewal (renewed every third of it). */
    public static final String LEASE = "lake.lock.lease";
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(60);
    /** The lease object in the source bucket: under the manifests prefix, which no crawler target or table reads. */
    public static final String LOCK_KEY = "_manifests/writer.lock";

    /** A global option set on a context whose lake lock was lost (it stops; the process then exits non-zero). */
    private static final String LOST = "genesys-lake.lake-lock-lost";

    private final List<FolderLock> folders;
    private final LeaseLock lake;
    private final Duration wait;
    private final String group;
    private final ObjectNode identity;
    private final String ownLake;
    private S3Client ownedClient;
    private Runnable onLost = () -> { };

    /** The refusal: its message is the one line a second process logs. */
    public static final class LakeLockedException extends IllegalStateException {
        public LakeLockedException(String message) {
            super(message);
        }
    }

    /** What stopped this try: which lock, and the record of whoever holds it (null when it has none yet). */
    private record Blocked(String what, JsonNode holder, Path holderFile) {
    }

    LakeLock(List<FolderLock> folders, LeaseLock lake, Duration wait, String group, ObjectNode identity, String ownLake) {
        this.folders = folders;
        this.lake = lake;
        this.wait = wait;
        this.group = group;
        this.identity = identity;
        this.ownLake = ownLake;
    }

    /**
     * Takes the folder locks (and the local lake's) now, before anything else starts, and the source bucket's lease
     * (AWS mode) when the context starts, before its routes; both are context services released on stop. If a lease is
     * lost (another writer took it over), the context stops: two writers must never write.
     *
     * @param mode local or aws (which lake: the local S3 folder, or the source bucket)
     */
    public static void takeFor(CamelContext context, Settings s, String mode) throws Exception {
        Duration lease = s.duration(LEASE, DEFAULT_LEASE);
        if (lease.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new Settings.SettingsException(LEASE, "must be at least 1s (the lease is renewed every third of it), was '"
                    + s.string(LEASE, "") + "'");
        }
        boolean ha = HaCluster.enabled(s);
        String group = ha ? haGroup(Path.of(s.string("lake.ha.lock-dir"))) : null;
        ObjectNode identity = identity(s.string(RUN_MODE, "daemon"));
        List<FolderLock> folders = new ArrayList<>();
        // Each folder's lock beside it, whatever setting names it (so one folder is one lock: a daemon's state folder
        // given to another as its work folder is refused); the state folder's also inside it, where it always was
        // (and on the shared file system when the state folder is a mount point).
        folders.add(FolderLock.inside(Path.of(s.string("lake.state-dir")), "state folder (lake.state-dir)"));
        folders.add(FolderLock.beside(Path.of(s.string("lake.state-dir")), "state folder (lake.state-dir)"));
        folders.add(FolderLock.beside(Path.of(s.string("lake.work-dir")), "work folder (lake.work-dir)"));
        folders.add(FolderLock.beside(Path.of(s.string("lake.dead-letter-dir")), "dead-letter folder (lake.dead-letter-dir)"));
        folders.add(FolderLock.beside(Path.of(s.string("lake.reports-dir")), "reports folder (lake.reports-dir)"));
        LeaseLock lake = null;
        S3Client client = null;
        String ownLake;
        String others = "lake.state-dir, lake.work-dir, lake.dead-letter-dir and lake.reports-dir (under local.data-dir "
                + "unless set) not shared either";
        if (mode.equals("aws")) {
            client = AwsClients.aws(s.string("aws.region"), s.string("aws.endpoint-override", "")).s3();
            lake = new LeaseLock(client, s.string("lake.source-bucket"), LOCK_KEY, lease, group, identity);
            ownLake = "give this one a lake of its own: another lake.source-bucket and another local.data-dir, with " + others;
        } else {
            folders.add(FolderLock.beside(Path.of(s.string("local.data-dir")).resolve("s3"), "lake (the local S3 folder "
                    + "local.data-dir/s3)"));
            ownLake = "give this one a lake of its own: another local.data-dir, with " + others;
        }
        if (ha) {
            LOG.info("High availability: this instance holds the lake lock together with its HA group {} (lake.ha.lock-dir "
                    + "{}); the leader election decides which instance writes", group, s.string("lake.ha.lock-dir"));
        }
        LakeLock lock = new LakeLock(folders, lake, s.duration("lake.lock.wait", Duration.ZERO), group, identity, ownLake);
        lock.ownedClient = client;
        lock.onLost = () -> {
            context.getGlobalOptions().put(LOST, "true");
            Thread t = new Thread(() -> {
                try {
                    context.stop();
                } catch (RuntimeException e) {
                    LOG.warn("Stopping after losing the lake lock failed: {}", e.toString());
                }
            }, "genesys-lake-lock-lost");
            t.start();
        };
        try {
            lock.start(); // now, not when the context starts: nothing (local servers included) may start before it
        } catch (Exception | Error e) {
            lock.closeClient();
            throw e;
        }
        try {
            context.addService(lock, true, true);
            if (lake != null) {
                // The bucket's lease when the context starts (before any route, so before any write), after the
                // settings are checked: a bad setting is named before S3 is asked anything.
                context.addService(lock.new LakeLease(), true, false);
            }
        } catch (Exception | Error e) {
            lock.stop();
            throw e;
        }
    }

    /** Whether this context stopped because another writer took its lake lock over: the process exits non-zero. */
    public static boolean lost(CamelContext context) {
        return context != null && "true".equals(context.getGlobalOptions().get(LOST));
    }

    @Override
    protected void doStart() throws Exception {
        Map<Path, FolderLock> distinct = new LinkedHashMap<>();
        for (FolderLock f : folders) {
            Path file;
            try {
                file = f.resolve();
            } catch (IOException e) {
                throw new LakeLockedException("Cannot lock the " + f.what() + " " + f.folder() + ": " + e
                        + " (its folder, or the one holding it, must be writable by this process)");
            }
            FolderLock same = distinct.get(file);
            if (same != null) {
                same.alsoKnownAs(f.what()); // two settings, one folder: one lock
            } else {
                distinct.put(file, f);
            }
        }
        folders.retainAll(distinct.values());
        long deadline = System.nanoTime() + wait.toNanos();
        boolean announced = false;
        Blocked blocked;
        while ((blocked = tryFolders()) != null) {
            if (System.nanoTime() - deadline >= 0) {
                throw new LakeLockedException(refusal(blocked));
            }
            if (!announced) {
                LOG.info("Waiting up to {} for the lake lock: the {} is {}", wait, blocked.what(), describe(blocked));
                announced = true;
            }
            Thread.sleep(RETRY_MILLIS);
        }
        LOG.debug("Holding the lake lock: {}", folders.stream().map(FolderLock::lockFile).toList());
    }

    /** The source bucket's lease (AWS mode): taken when the context starts, renewed while it runs, released on stop. */
    final class LakeLease extends ServiceSupport {

        @Override
        protected void doStart() throws Exception {
            long deadline = System.nanoTime() + wait.toNanos();
            boolean announced = false;
            while (true) {
                JsonNode holder;
                try {
                    holder = lake.acquire(deadline);
                } catch (SdkClientException e) {
                    // S3 not reachable (yet): with lake.lock.wait, keep trying until the wait is over.
                    if (System.nanoTime() - deadline >= 0) {
                        throw new LakeLockedException("Cannot take the lake lock " + lake.where() + ": " + e.getMessage()
                                + " (check aws.region, aws.endpoint-override and the network; lake.lock.wait waits for S3)");
                    }
                    if (!announced) {
                        LOG.info("Waiting up to {} for S3 to take the lake lock {}: {}", wait, lake.where(), e.getMessage());
                        announced = true;
                    }
                    Thread.sleep(1000);
                    continue;
                } catch (SdkException | IllegalStateException e) {
                    throw new LakeLockedException("Cannot take the lake lock " + lake.where() + ": " + e.getMessage()
                            + " (check lake.source-bucket, aws.region and aws.endpoint-override, and that this process may "
                            + "s3:GetObject and s3:PutObject there)");
                }
                if (holder != null) {
                    throw new LakeLockedException(refusal(new Blocked("lake s3://" + lake.bucket() + " (lock object "
                            + LOCK_KEY + ")", holder, null)));
                }
                lake.startRenewing(onLost);
                return;
            }
        }

        @Override
        protected void doStop() {
            try {
                lake.release();
            } finally {
                closeClient();
            }
        }
    }

    /** All folder locks or none: the first one held elsewhere, or null when every one is now ours. */
    private Blocked tryFolders() throws IOException {
        for (FolderLock f : folders) {
            ObjectNode holder = identity.deepCopy();
            holder.put("since", Instant.now().toString());
            if (group != null) {
                holder.put("group", group);
            }
            boolean taken;
            try {
                taken = f.tryAcquire(group, holder);
            } catch (IOException | RuntimeException e) {
                releaseFolders();
                throw e;
            }
            if (!taken) {
                releaseFolders();
                return new Blocked(f.what() + " " + f.folder(), f.holder(), f.holderFile());
            }
        }
        return null;
    }

    private void releaseFolders() {
        for (int i = folders.size() - 1; i >= 0; i--) {
            folders.get(i).release();
        }
    }

    @Override
    protected void doStop() {
        try {
            releaseFolders();
        } finally {
            if (lake == null) {
                closeClient();
            }
        }
    }

    private void closeClient() {
        if (ownedClient != null) {
            ownedClient.close();
            ownedClient = null;
        }
    }

    private String refusal(Blocked b) {
        JsonNode h = b.holder();
        String role = h == null ? "" : h.path("role").asText("");
        String action;
        if (h != null && h.hasNonNull("group")) {
            // An HA group: one of them leads and runs the flows.
            action = "To run a flow now, trigger it in the group's leader (JMX or Jolokia startFlow(\"<flow>\")); to add this "
                    + "instance to that group, give it lake.ha.enabled=true and the group's lake.ha.lock-dir; or stop them, or ";
        } else if (role.equals("daemon")) {
            // A daemon is meant to keep running: run the flow in it rather than stopping it.
            action = "To run a flow now, trigger it in that daemon (JMX or Jolokia startFlow(\"<flow>\")); or stop it, or ";
        } else {
            action = "Stop it (or wait for it to finish), or ";
        }
        return "Another genesys-lake is using the " + b.what() + " (" + describe(b) + "); two writers would corrupt the "
                + "lake. " + action + ownLake
                + (wait.isZero() ? "; or set lake.lock.wait to wait for it" : " (waited " + wait + ")");
    }

    private static String describe(Blocked b) {
        if (b.holder() == null) {
            return b.holderFile() == null ? "held by a process whose record is unreadable"
                    : "held by a process that has not written " + b.holderFile().getFileName() + " yet";
        }
        return describe(b.holder());
    }

    /** "held by the daemon, pid 42 on host h since 2026-…, command: …" from a holder record. */
    static String describe(JsonNode h) {
        if (h == null || h.isEmpty()) {
            return "held by a process whose record is unreadable";
        }
        String role = switch (h.path("role").asText("")) {
            case "daemon" -> "the daemon, ";
            case "once" -> "a --once run, ";
            case "backfill" -> "a --backfill run, ";
            default -> "";
        };
        return "held by " + role + "pid " + h.path("pid").asText("?") + " on host " + h.path("host").asText("?") + " since "
                + h.path("since").asText("?") + ", command: " + h.path("command").asText("?")
                + (h.hasNonNull("group") ? ", with the HA group " + h.get("group").asText() : "");
    }

    private static ObjectNode identity(String role) {
        ObjectNode h = JSON.createObjectNode();
        h.put("pid", ProcessHandle.current().pid());
        h.put("host", hostName());
        h.put("since", Instant.now().toString());
        h.put("role", role);
        // The main class/jar and its arguments only: JVM options (-D...) may carry secrets.
        h.put("command", System.getProperty("sun.java.command", "?"));
        // What tells, on this host, that the holder is gone (LeaseLock#goneFromThisHost).
        ProcessHandle.current().info().startInstant().ifPresent(t -> h.put("started", t.toString()));
        machine().forEach(h::put);
        return h;
    }

    /**
     * This machine's boot and this process's pid namespace (Linux): with the host name, they say whether a pid in a
     * holder record is a process this one can see. Empty where they are not known.
     */
    static Map<String, String> machine() {
        Map<String, String> m = new LinkedHashMap<>();
        try {
            m.put("bootId", Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).trim());
            m.put("pidNamespace", Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString());
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        return m;
    }

    /**
     * The id of the HA group sharing this lock folder: made once by the first instance ({@code <lock-dir>/.lake-group}),
     * read by the others, so every instance sharing the folder (however each host mounts it) names the same group.
     */
    static String haGroup(Path lockDir) throws IOException {
        OwnerOnly.createDirectories(lockDir);
        Path file = lockDir.resolve(".lake-group");
        try {
            OwnerOnly.createNew(file);
            Files.write(file, UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII), StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            // another instance made it
        }
        for (int i = 0; i < 50; i++) {
            String id = Files.readString(file, StandardCharsets.US_ASCII).trim();
            if (!id.isEmpty()) {
                return id;
            }
            try {
                Thread.sleep(20); // being written by the instance that made it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new IOException(file + " is empty: delete it (every instance of the HA group must be stopped) and start again");
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
