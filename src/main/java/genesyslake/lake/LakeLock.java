package genesyslake.lake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import genesyslake.config.Settings;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One writer per lake: an exclusive OS file lock on {@code <lake.state-dir>/.lock}, held from start-up to stop by the
 * daemon, {@code --once} and {@code --backfill} alike. Two processes on one state folder would resume each other's
 * in-flight jobs and spools and upload torn objects, so a second one is refused (or waits up to
 * {@code lake.lock.wait}). A holder record beside the lock ({@code .lock-holder.json}: pid, host, since, command)
 * lets the refused one say who holds it. The OS drops the lock when the holder dies, even by SIGKILL.
 *
 * <p>In one JVM (tests start daemons in-process) the OS lock cannot tell two holders apart, and closing a second
 * channel on the file would release the first one's lock, so held folders are also tracked here and a second
 * holder never opens the file. With {@code lake.ha.enabled} several instances share the state folder on purpose and
 * Camel's leader election lock plays this role instead (see LakeConfiguration).
 */
public final class LakeLock extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(LakeLock.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<Path> HELD_IN_THIS_JVM = ConcurrentHashMap.newKeySet();
    private static final long RETRY_MILLIS = 200;

    /** The property GenesysLake sets for a one-shot command (once, backfill); a daemon leaves it unset. */
    public static final String RUN_MODE = "lake.run-mode";

    private final Path stateDir;
    private final Duration wait;
    private final String settingHint;
    private final String role;
    private Path key;
    private FileChannel channel;
    private FileLock lock;

    /**
     * @param stateDir    the folder whose state this process owns
     * @param wait        how long to wait for a holder to go away (zero: refuse at once)
     * @param settingHint the setting(s) an operator changes to use another folder, named in the refusal
     * @param role        what this process is (daemon, once, backfill), recorded so a refused one can say who holds it
     */
    public LakeLock(Path stateDir, Duration wait, String settingHint, String role) {
        this.stateDir = stateDir;
        this.wait = wait;
        this.settingHint = settingHint;
        this.role = role;
    }

    /** The refusal: its message is the one line a second process logs. */
    public static final class LakeLockedException extends IllegalStateException {
        public LakeLockedException(String message) {
            super(message);
        }
    }

    /**
     * Takes the lock for this process's state folder before anything else starts, as a context service released on
     * stop. Not with HA: there the instances share the state folder on purpose and the leader election lock
     * ({@code lake.ha.lock-dir}) decides which one writes.
     */
    public static void takeFor(CamelContext context, Settings s) throws Exception {
        if (s.bool("lake.ha.enabled", false)) {
            LOG.info("High availability: the state folder is shared; the leader election lock decides which instance writes");
            return;
        }
        LakeLock lock = new LakeLock(Path.of(s.string("lake.state-dir")), s.duration("lake.lock.wait", Duration.ZERO),
                "local.data-dir (or lake.state-dir)", s.string(RUN_MODE, "daemon"));
        lock.start(); // now, not when the context starts: nothing (local servers included) may start before it
        try {
            context.addService(lock, true, true);
        } catch (Exception | Error e) {
            lock.stop();
            throw e;
        }
    }

    public Path lockFile() {
        return stateDir.resolve(".lock");
    }

    public Path holderFile() {
        return stateDir.resolve(".lock-holder.json");
    }

    @Override
    protected void doStart() throws Exception {
        OwnerOnly.createDirectories(stateDir);
        key = stateDir.toRealPath();
        long deadline = System.nanoTime() + wait.toNanos();
        boolean announced = false;
        while (!tryAcquire()) {
            if (System.nanoTime() - deadline >= 0) {
                throw new LakeLockedException(refusal());
            }
            if (!announced) {
                LOG.info("Waiting up to {} for the lake lock ({})", wait, describeHolder());
                announced = true;
            }
            Thread.sleep(RETRY_MILLIS);
        }
        writeHolder();
        LOG.debug("Holding the lake lock {}", lockFile());
    }

    private boolean tryAcquire() throws IOException {
        if (!HELD_IN_THIS_JVM.add(key)) {
            return false; // another daemon in this JVM holds it: never open (and close) a second channel on the file
        }
        FileChannel ch = null;
        try {
            ch = FileChannel.open(OwnerOnly.createFileIfAbsent(lockFile()), StandardOpenOption.WRITE);
            FileLock l = ch.tryLock();
            if (l != null) {
                channel = ch;
                lock = l;
                return true;
            }
        } catch (OverlappingFileLockException e) {
            // Held in this JVM through a path the set did not tell apart. Closing this channel would drop the other
            // holder's OS lock (POSIX locks are per process), so it is left open: one descriptor, never a torn lake.
            HELD_IN_THIS_JVM.remove(key);
            return false;
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch);
            HELD_IN_THIS_JVM.remove(key);
            throw e;
        }
        closeQuietly(ch);
        HELD_IN_THIS_JVM.remove(key);
        return false;
    }

    @Override
    protected void doStop() throws Exception {
        if (lock == null) {
            return;
        }
        try {
            Files.deleteIfExists(holderFile()); // before the release: a record on disk always names a live holder
        } catch (IOException e) {
            LOG.debug("Could not remove {}: {}", holderFile(), e.toString());
        }
        try {
            lock.release();
        } finally {
            closeQuietly(channel);
            lock = null;
            channel = null;
            HELD_IN_THIS_JVM.remove(key);
        }
    }

    private void writeHolder() {
        ObjectNode h = JSON.createObjectNode();
        h.put("pid", ProcessHandle.current().pid());
        h.put("host", hostName());
        h.put("since", Instant.now().toString());
        h.put("role", role);
        // The main class/jar and its arguments only: JVM options (-D...) may carry secrets.
        h.put("command", System.getProperty("sun.java.command", "?"));
        try {
            Path tmp = stateDir.resolve(".lock-holder.json.tmp");
            try (OutputStream out = OwnerOnly.newOutputStream(tmp)) {
                JSON.writeValue(out, h);
            }
            Files.move(tmp, holderFile(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the lake lock holder record " + holderFile(), e);
        }
    }

    private String refusal() {
        JsonNode h = holder();
        boolean daemon = h != null && h.path("role").asText().equals("daemon");
        return "Another genesys-lake is using the state folder " + stateDir.toAbsolutePath() + " (" + describeHolder()
                + "); two writers would corrupt the lake. "
                // A daemon is meant to keep running: run the flow in it rather than stopping it.
                + (daemon ? "To run a flow now, trigger it in that daemon (JMX or Jolokia startFlow(\"<flow>\")); or stop it,"
                : "Stop it,") + " or give this one its own folder with " + settingHint
                + (wait.isZero() ? ", or set lake.lock.wait to wait for it" : " (waited " + wait + ")");
    }

    private String describeHolder() {
        JsonNode h = holder();
        if (h == null) {
            return "held by a process that has not written " + holderFile().getFileName() + " yet";
        }
        String role = switch (h.path("role").asText("")) {
            case "daemon" -> "the daemon, ";
            case "once" -> "a --once run, ";
            case "backfill" -> "a --backfill run, ";
            default -> "";
        };
        return "held by " + role + "pid " + h.path("pid").asText("?") + " on host " + h.path("host").asText("?") + " since "
                + h.path("since").asText("?") + ", command: " + h.path("command").asText("?");
    }

    /** The holder record, or null when it is not there (yet) or unreadable. */
    private JsonNode holder() {
        try {
            return JSON.readTree(holderFile().toFile());
        } catch (IOException | RuntimeException e) {
            return null;
        }
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

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing held
            }
        }
    }
}
