package genesyslake.lake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * An OS file lock on one folder a writer owns, with a holder record beside it ({@code <lock>-holder.json}) so a
 * refused process can say who holds it. The lock file is named after the folder's real path, so every way of naming
 * the folder (relative, absolute, through a symlink or {@code ..}) reaches the same lock. The OS drops the lock when
 * the holder dies, even by SIGKILL.
 *
 * <p>Exclusive for a single writer; shared by the instances of one HA group ({@code lake.ha.enabled}), which share
 * their folders on purpose: a shared lock still refuses a single writer, and an instance of another group is refused
 * because the holder record (written only by whoever found the folder free) names the group that holds it.
 *
 * <p>In one JVM (tests start daemons in-process) the OS lock cannot tell two holders apart, and closing a second
 * channel on the file would release the first one's lock, so held lock files are also tracked here and a second
 * holder never opens the file.
 */
final class FolderLock {

    private static final Logger LOG = LoggerFactory.getLogger(FolderLock.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Lock file (real path) → what this JVM holds on it; guarded by itself. */
    private static final Map<Path, Held> HELD_IN_THIS_JVM = new HashMap<>();

    private static final class Held {
        final String group;
        final FileChannel channel;
        final FileLock lock;
        int count = 1;

        Held(String group, FileChannel channel, FileLock lock) {
            this.group = group;
            this.channel = channel;
            this.lock = lock;
        }
    }

    private final Path folder;
    private final boolean beside;
    private String what;
    private Path lockFile;
    private Path holderFile;
    private Held held;

    private FolderLock(Path folder, String what, boolean beside) {
        this.folder = folder;
        this.what = what;
        this.beside = beside;
    }

    /** The lock file inside the folder ({@code <folder>/.lock}). */
    static FolderLock inside(Path folder, String what) {
        return new FolderLock(folder, what, false);
    }

    /**
     * The lock file beside the folder ({@code <parent>/.<name>.lock}), for folders whose every entry is read as data:
     * the local S3 root lists any file as a bucket, the dead-letter folder any entry as a letter.
     */
    static FolderLock beside(Path folder, String what) {
        return new FolderLock(folder, what, true);
    }

    /**
     * Finds the lock file by the folder's real path and returns it. A folder locked beside it that does not exist yet is
     * not created (nothing the writer would make is made before its settings are checked): its parent's real path
     * names it, as the folder's own will once it is made.
     */
    Path resolve() throws IOException {
        Path real;
        if (beside && !Files.exists(folder)) {
            Path abs = folder.toAbsolutePath().normalize();
            if (abs.getParent() == null) {
                throw new IOException("cannot lock " + abs + ": it has no parent folder to hold the lock file");
            }
            real = OwnerOnly.createDirectories(abs.getParent()).toRealPath().resolve(abs.getFileName());
        } else {
            OwnerOnly.createDirectories(folder);
            real = folder.toRealPath();
        }
        if (beside && real.getParent() == null) {
            throw new IOException("cannot lock " + real + ": it has no parent folder to hold the lock file");
        }
        lockFile = beside ? real.getParent().resolve("." + real.getFileName() + ".lock") : real.resolve(".lock");
        holderFile = lockFile.resolveSibling(lockFile.getFileName() + "-holder.json");
        return lockFile;
    }

    /** Another name for the same folder (two settings naming one folder take one lock). */
    void alsoKnownAs(String other) {
        what = what + " and " + other;
    }

    String what() {
        return what;
    }

    Path folder() {
        return folder.toAbsolutePath().normalize();
    }

    Path lockFile() {
        return lockFile;
    }

    Path holderFile() {
        return holderFile;
    }

    /**
     * Takes the lock without waiting and writes {@code holder} beside it; false when another process (or another
     * holder in this JVM) has it.
     *
     * @param group null for an exclusive lock; the HA group id for a lock shared with the group's other instances
     */
    boolean tryAcquire(String group, ObjectNode holder) throws IOException {
        synchronized (HELD_IN_THIS_JVM) {
            Held h = HELD_IN_THIS_JVM.get(lockFile);
            if (h != null) {
                if (group != null && group.equals(h.group)) {
                    h.count++;
                    held = h;
                    return true;
                }
                return false; // never open (and close) a second channel on the file
            }
            FileChannel ch = FileChannel.open(OwnerOnly.createFileIfAbsent(lockFile), StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            try {
                FileLock lock = ch.tryLock();
                if (group == null) {
                    if (lock == null) {
                        ch.close();
                        return false;
                    }
                    writeHolder(holder);
                } else if (lock != null) {
                    // Free: this instance forms its group's hold, names the group, and shares it from now on.
                    writeHolder(holder);
                    lock.release();
                    lock = ch.tryLock(0, Long.MAX_VALUE, true);
                    if (lock == null) { // a single writer came in between: retried by the caller
                        ch.close();
                        return false;
                    }
                } else {
                    lock = ch.tryLock(0, Long.MAX_VALUE, true);
                    JsonNode record = lock == null ? null : holder();
                    if (lock == null || record == null || !group.equals(record.path("group").asText(null))) {
                        if (lock != null) {
                            lock.release();
                        }
                        ch.close(); // held by a single writer, or by another HA group
                        return false;
                    }
                }
                held = new Held(group, ch, lock);
                HELD_IN_THIS_JVM.put(lockFile, held);
                return true;
            } catch (OverlappingFileLockException e) {
                // Held in this JVM through a path the map did not tell apart (a bind mount). Closing this channel would
                // drop the other holder's OS lock (POSIX locks are per process), so it is left open.
                return false;
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
        }
    }

    /** Releases the lock (the holder record of an exclusive one first: a record on disk names a live holder). */
    void release() {
        synchronized (HELD_IN_THIS_JVM) {
            Held h = held;
            if (h == null) {
                return;
            }
            held = null;
            if (--h.count > 0) {
                return;
            }
            if (h.group == null) {
                try {
                    Files.deleteIfExists(holderFile);
                } catch (IOException e) {
                    LOG.debug("Could not remove {}: {}", holderFile, e.toString());
                }
            }
            try {
                h.lock.release();
            } catch (IOException e) {
                LOG.debug("Could not release {}: {}", lockFile, e.toString());
            } finally {
                try {
                    h.channel.close();
                } catch (IOException ignored) {
                    // the lock goes with the channel anyway
                }
                HELD_IN_THIS_JVM.remove(lockFile);
            }
        }
    }

    boolean held() {
        return held != null;
    }

    /** The holder record, or null when it is not there (yet) or unreadable. */
    JsonNode holder() {
        try {
            JsonNode h = JSON.readTree(holderFile.toFile());
            return h != null && h.isObject() ? h : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private void writeHolder(ObjectNode holder) {
        try {
            Path tmp = holderFile.resolveSibling(holderFile.getFileName() + ".tmp");
            try (OutputStream out = OwnerOnly.newOutputStream(tmp)) {
                JSON.writeValue(out, holder);
            }
            Files.move(tmp, holderFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the lake lock holder record " + holderFile, e);
        }
    }
}
