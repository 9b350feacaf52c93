package genesyslake.lake;

import java.io.Closeable;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Spools NDJSON lines for one export run into one gzip file per final S3 object key under a run directory, with
 * checkpoints that let an interrupted run resume exactly.
 *
 * <p>Lines are compressed while they arrive, on a writer thread of the spool's own, so the thread that reads
 * Genesys pages never waits for the Deflater and no gzip pass is left for the end. Each checkpoint closes the
 * current gzip member of every key written since the last one, so a checkpoint's committed length is always a
 * member boundary: cutting a file back to it leaves a valid multi-member gzip (RFC 1952 §2.2), which gzip, the
 * JDK's GZIPInputStream, DuckDB and Athena's readers decompress as one stream.
 *
 * <p>Memory is bounded: at most {@code maxOpen} keys hold a pending buffer of {@code bufferSize} bytes and at most
 * {@code maxOpen} files (each with a Deflater) are open on the writer; {@value #IN_FLIGHT} buffers at most wait for
 * the writer, after which {@link #append} blocks (back-pressure). One thread appends; the writer is internal.
 */
public final class PartitionSpool implements Closeable {

    /**
     * Default Deflater level. On 334 MB of generated usage rows (TransformBench spool) level 1 took 2.6–3.6 s and
     * gave 13.5 % of the raw size; level 6 took 10.6–12.2 s for 10.4 %: 30 % more bytes for a quarter of the CPU.
     */
    public static final int DEFAULT_LEVEL = Deflater.BEST_SPEED;
    public static final int DEFAULT_MAX_OPEN = 64;
    public static final int DEFAULT_BUFFER = 256 * 1024;
    /** Buffers handed to the writer and not yet compressed, across all keys. */
    static final int IN_FLIGHT = 8;

    private static final byte[] GZIP_HEADER = {0x1f, (byte) 0x8b, Deflater.DEFLATED, 0, 0, 0, 0, 0, 0, (byte) 0xff};

    /** Committed gzip length, record count and uncompressed length of one key's file. */
    public record Committed(long length, long records, long rawBytes) {
    }

    /** Everything needed to resume a run: the committed state of every key, in key order. */
    public record Checkpoint(Map<String, Committed> keys) {
        public Checkpoint {
            keys = Map.copyOf(keys);
        }

        public long records() {
            return keys.values().stream().mapToLong(Committed::records).sum();
        }
    }

    /**
     * One gzip NDJSON object ready to upload: its key, local file, line count, gzip size, uncompressed size, and the
     * bucket it goes to (null until the run that made it says).
     */
    public record LakeObject(String key, Path file, long records, long bytes, long rawBytes, String bucket) {
        public LakeObject(String key, Path file, long records, long bytes, long rawBytes) {
            this(key, file, records, bytes, rawBytes, null);
        }

        public LakeObject inBucket(String name) {
            return new LakeObject(key, file, records, bytes, rawBytes, name);
        }
    }

    /** One key. Fields above the line belong to the appending thread, below it to the writer thread. */
    private static final class Part {
        final String key;
        final Path file;
        long records;
        long raw;
        byte[] pending;
        int fill;
        boolean touched; // appended to since the last checkpoint
        // ---- writer thread only
        long length; // bytes in the file
        FileOutputStream out;
        Deflater deflater;
        final CRC32 crc = new CRC32();
        long memberRaw;
        boolean unsynced;

        Part(String key, Path file) {
            this.key = key;
            this.file = file;
        }
    }

    private final Path runDir;
    private final Path spoolDir;
    private final int level;
    private final int maxOpen;
    private final int bufferSize;
    private final Map<String, Part> parts = new TreeMap<>();
    /** Keys holding a pending buffer, least recently appended first (appending thread). */
    private final LinkedHashMap<String, Part> buffered = new LinkedHashMap<>(16, 0.75f, true);
    /** Keys with an open file on the writer, least recently written first (writer thread). */
    private final LinkedHashMap<String, Part> openFiles = new LinkedHashMap<>(16, 0.75f, true);
    private final ArrayDeque<Deflater> idleDeflaters = new ArrayDeque<>(); // writer thread
    private final ConcurrentLinkedQueue<byte[]> freeBuffers = new ConcurrentLinkedQueue<>();
    private final Semaphore inFlight = new Semaphore(IN_FLIGHT);
    private final ExecutorService writer;
    private final byte[] deflated;
    private volatile IOException failure;
    private boolean finished;

    public PartitionSpool(Path runDir) throws IOException {
        this(runDir, DEFAULT_LEVEL, DEFAULT_MAX_OPEN, DEFAULT_BUFFER);
    }

    public PartitionSpool(Path runDir, int level, int maxOpen, int bufferSize) throws IOException {
        if (level < Deflater.DEFAULT_COMPRESSION || level > Deflater.BEST_COMPRESSION) {
            throw new IllegalArgumentException("deflater level must be -1..9: " + level);
        }
        if (maxOpen < 1 || bufferSize < 1) {
            throw new IllegalArgumentException("maxOpen and bufferSize must be positive");
        }
        this.runDir = runDir;
        this.spoolDir = runDir.resolve("spool");
        this.level = level;
        this.maxOpen = maxOpen;
        this.bufferSize = bufferSize;
        this.deflated = new byte[Math.max(bufferSize, 8192)];
        OwnerOnly.createDirectories(spoolDir);
        // One writer thread, in submission order; it ends when idle, so a spool abandoned by a failed run leaks nothing.
        ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "spool-writer");
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
        this.writer = pool;
    }

    /**
     * Reopens a run after an interruption: every key's file is cut back to its committed length, and files of keys
     * first written after the checkpoint are deleted.
     */
    public static PartitionSpool resume(Path runDir, Checkpoint checkpoint) throws IOException {
        return resume(runDir, checkpoint, DEFAULT_LEVEL, DEFAULT_MAX_OPEN, DEFAULT_BUFFER);
    }

    public static PartitionSpool resume(Path runDir, Checkpoint checkpoint, int level, int maxOpen, int bufferSize)
            throws IOException {
        PartitionSpool spool = new PartitionSpool(runDir, level, maxOpen, bufferSize);
        try {
            spool.parts.putAll(spool.cutBack(checkpoint));
        } catch (IOException | RuntimeException e) {
            spool.writer.shutdownNow();
            throw e;
        }
        return spool;
    }

    private Map<String, Part> cutBack(Checkpoint checkpoint) throws IOException {
        Map<String, Part> restored = new TreeMap<>();
        Set<Path> known = new HashSet<>();
        for (Map.Entry<String, Committed> e : checkpoint.keys().entrySet()) {
            Part part = new Part(e.getKey(), spoolFile(e.getKey()));
            long have = Files.exists(part.file) ? Files.size(part.file) : -1;
            if (have < e.getValue().length()) {
                throw new IOException("spool file for " + e.getKey() + " has " + Math.max(have, 0)
                        + " bytes but the checkpoint committed " + e.getValue().length() + ": cannot resume");
            }
            try (FileChannel ch = FileChannel.open(part.file, StandardOpenOption.WRITE)) {
                ch.truncate(e.getValue().length());
                ch.force(true);
            }
            part.length = e.getValue().length();
            part.records = e.getValue().records();
            part.raw = e.getValue().rawBytes();
            restored.put(e.getKey(), part);
            known.add(part.file);
        }
        try (Stream<Path> files = Files.walk(spoolDir)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                if (!known.contains(f)) {
                    Files.delete(f);
                }
            }
        }
        return restored;
    }

    /** Appends one record as a line (a newline is added) to the file for that object key. */
    public void append(String objectKey, byte[] buf, int off, int len) throws IOException {
        if (finished) {
            throw new IllegalStateException("spool already finished");
        }
        rethrow();
        Part part = parts.get(objectKey);
        if (part == null) {
            part = new Part(objectKey, spoolFile(objectKey));
            parts.put(objectKey, part);
        }
        if (part.pending == null) {
            refill(part);
        } else {
            buffered.get(objectKey); // recency
        }
        int left = len;
        while (left > 0) {
            int n = Math.min(left, part.pending.length - part.fill);
            System.arraycopy(buf, off, part.pending, part.fill, n);
            part.fill += n;
            off += n;
            left -= n;
            if (part.fill == part.pending.length) {
                handOver(part);
                refill(part);
            }
        }
        part.pending[part.fill++] = '\n';
        if (part.fill == part.pending.length) {
            handOver(part);
        }
        part.raw += len + 1L;
        part.records++;
        part.touched = true;
    }

    public void append(String objectKey, byte[] record) throws IOException {
        append(objectKey, record, 0, record.length);
    }

    /** Records appended so far for a key (0 if none). */
    public long records(String objectKey) {
        Part part = parts.get(objectKey);
        return part == null ? 0 : part.records;
    }

    /** The spool file holding a key's lines (gzip NDJSON, complete up to the last checkpoint). */
    public Path file(String objectKey) {
        return spoolFile(objectKey);
    }

    public Set<String> keys() {
        return Set.copyOf(parts.keySet());
    }

    /** Makes everything appended so far durable (gzip members closed, files forced) and returns the committed state. */
    public Checkpoint checkpoint() throws IOException {
        return await(checkpoint(null));
    }

    /**
     * Starts a checkpoint of everything appended so far and returns at once; appending may go on. When the data is
     * on disk the writer thread calls {@code onDurable} (if not null) with the committed state, before it touches
     * anything appended later, so state saved there (a cursor, a page number) never runs ahead of the data.
     */
    public Future<Checkpoint> checkpoint(DurableListener onDurable) throws IOException {
        rethrow();
        List<Part> touched = new ArrayList<>();
        List<Part> all = new ArrayList<>(parts.values());
        long[][] counts = new long[all.size()][];
        for (int i = 0; i < all.size(); i++) {
            Part part = all.get(i);
            if (part.touched) {
                touched.add(part);
                part.touched = false;
                if (part.pending != null) {
                    handOver(part);
                }
            }
            counts[i] = new long[] {part.records, part.raw};
        }
        return writer.submit(() -> {
            if (failure != null) {
                throw failure;
            }
            try {
                for (Part part : touched) {
                    endMember(part);
                }
                Map<String, Committed> keys = new TreeMap<>();
                for (int i = 0; i < all.size(); i++) {
                    Part part = all.get(i);
                    if (part.unsynced) {
                        if (part.out != null) {
                            part.out.getChannel().force(false);
                        } else {
                            try (FileChannel ch = FileChannel.open(part.file, StandardOpenOption.WRITE)) {
                                ch.force(false);
                            }
                        }
                        part.unsynced = false;
                    }
                    keys.put(part.key, new Committed(part.length, counts[i][0], counts[i][1]));
                }
                Checkpoint cp = new Checkpoint(keys);
                if (onDurable != null) {
                    onDurable.committed(cp);
                }
                return cp;
            } catch (IOException | RuntimeException e) {
                fail(e);
                throw e;
            }
        });
    }

    /** Called on the writer thread once a checkpoint's data is on disk. */
    @FunctionalInterface
    public interface DurableListener {
        void committed(Checkpoint checkpoint) throws IOException;
    }

    /** Rewinds this spool to an earlier checkpoint of its own (e.g. a Genesys job expired and is resubmitted). */
    public void restore(Checkpoint checkpoint) throws IOException {
        dropPending();
        closeFilesOnWriter(false);
        rethrow();
        parts.clear();
        parts.putAll(cutBack(checkpoint));
    }

    /** Closes every gzip file and returns the objects in key order; the spool cannot be appended to after. */
    public List<LakeObject> finish() throws IOException {
        if (finished) {
            throw new IllegalStateException("spool already finished");
        }
        checkpoint();
        finished = true;
        closeFilesOnWriter(true);
        rethrow();
        List<LakeObject> objects = new ArrayList<>();
        for (Part part : parts.values()) {
            objects.add(new LakeObject(part.key, part.file, part.records, Files.size(part.file), part.raw));
        }
        return objects;
    }

    /**
     * Leaves the run for a later {@link #resume}: lets the writer finish what it was given (so the last checkpoint it
     * reported is on disk), closes the files and stops. Used when an export fails part-way.
     */
    public void abandon() throws IOException {
        finished = true;
        dropPending();
        if (!writer.isShutdown()) {
            try {
                closeFilesOnWriter(false);
            } finally {
                writer.shutdown();
            }
        }
    }

    /** Stops the writer, closes open files and deletes the run directory with everything in it. */
    @Override
    public void close() throws IOException {
        finished = true;
        dropPending();
        if (!writer.isShutdown()) {
            try {
                closeFilesOnWriter(false);
            } catch (IOException e) {
                // the run directory goes anyway; a writer that cannot close its files has failed already
            }
            writer.shutdownNow();
        }
        if (Files.exists(runDir)) {
            try (Stream<Path> all = Files.walk(runDir)) {
                for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    // ---- appending thread

    /** Gives the part an empty pending buffer, first handing over the least recently used one if too many are held. */
    private void refill(Part part) throws IOException {
        if (buffered.size() >= maxOpen) {
            Iterator<Part> eldest = buffered.values().iterator();
            Part evicted = eldest.next();
            eldest.remove();
            handOver(evicted);
        }
        byte[] b = freeBuffers.poll();
        part.pending = b != null ? b : new byte[bufferSize];
        part.fill = 0;
        buffered.put(part.key, part);
    }

    /** Hands the part's pending buffer to the writer (blocking while {@value #IN_FLIGHT} are queued). */
    private void handOver(Part part) throws IOException {
        byte[] chunk = part.pending;
        int n = part.fill;
        part.pending = null;
        part.fill = 0;
        buffered.remove(part.key);
        if (n == 0) {
            freeBuffers.add(chunk);
            return;
        }
        try {
            inFlight.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while spooling " + part.key);
        }
        writer.execute(() -> {
            try {
                if (failure == null) {
                    deflate(part, chunk, n);
                }
            } catch (IOException | RuntimeException e) {
                fail(e);
            } finally {
                freeBuffers.add(chunk);
                inFlight.release();
            }
        });
    }

    private void dropPending() {
        for (Part part : parts.values()) {
            if (part.pending != null) {
                freeBuffers.add(part.pending);
                part.pending = null;
                part.fill = 0;
            }
            part.touched = false;
        }
        buffered.clear();
    }

    /** Closes the files on the writer thread, after everything already handed to it, and waits. */
    private void closeFilesOnWriter(boolean complete) throws IOException {
        await(writer.submit(() -> {
            closeFiles(complete);
            return null;
        }));
    }

    private <T> T await(Future<T> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the spool writer");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw new IOException(io.getMessage(), io);
            }
            throw new IOException("spool writer failed: " + cause, cause);
        }
    }

    private void rethrow() throws IOException {
        IOException f = failure;
        if (f != null) {
            throw new IOException("spool writer failed: " + f.getMessage(), f);
        }
    }

    private void fail(Exception e) {
        if (failure == null) {
            failure = e instanceof IOException io ? io : new IOException(e.toString(), e);
        }
    }

    // ---- writer thread

    private void deflate(Part part, byte[] chunk, int n) throws IOException {
        FileOutputStream out = open(part);
        if (part.deflater == null) {
            Deflater d = idleDeflaters.poll();
            part.deflater = d != null ? d : new Deflater(level, true);
            part.crc.reset();
            part.memberRaw = 0;
            write(part, out, GZIP_HEADER, GZIP_HEADER.length);
        }
        part.crc.update(chunk, 0, n);
        part.memberRaw += n;
        Deflater d = part.deflater;
        d.setInput(chunk, 0, n);
        while (!d.needsInput()) {
            int k = d.deflate(deflated, 0, deflated.length, Deflater.NO_FLUSH);
            if (k > 0) {
                write(part, out, deflated, k);
            }
        }
    }

    /** Ends the key's current gzip member (if one is open): deflate tail plus CRC-32 and length trailer. */
    private void endMember(Part part) throws IOException {
        Deflater d = part.deflater;
        if (d == null) {
            return;
        }
        FileOutputStream out = open(part);
        d.finish();
        while (!d.finished()) {
            int k = d.deflate(deflated, 0, deflated.length, Deflater.NO_FLUSH);
            if (k > 0) {
                write(part, out, deflated, k);
            }
        }
        byte[] trailer = new byte[8];
        putIntLe(trailer, 0, (int) part.crc.getValue());
        putIntLe(trailer, 4, (int) part.memberRaw);
        write(part, out, trailer, 8);
        d.reset();
        idleDeflaters.push(d);
        part.deflater = null;
    }

    private FileOutputStream open(Part part) throws IOException {
        FileOutputStream out = part.out;
        if (out != null) {
            openFiles.get(part.key); // recency
            return out;
        }
        if (openFiles.size() >= maxOpen) {
            Iterator<Part> eldest = openFiles.values().iterator();
            Part evicted = eldest.next();
            eldest.remove();
            endMember(evicted); // a closed file never holds half a member
            evicted.out.close();
            evicted.out = null;
        }
        OwnerOnly.createDirectories(part.file.getParent());
        out = new FileOutputStream(OwnerOnly.createFileIfAbsent(part.file).toFile(), true);
        part.out = out;
        openFiles.put(part.key, part);
        return out;
    }

    private static void write(Part part, FileOutputStream out, byte[] b, int n) throws IOException {
        out.write(b, 0, n);
        part.length += n;
        part.unsynced = true;
    }

    /** Closes every open file; {@code complete} ends open gzip members first, otherwise they are abandoned. */
    private void closeFiles(boolean complete) throws IOException {
        IOException first = null;
        for (Part part : openFiles.values()) {
            try {
                if (complete) {
                    endMember(part);
                }
                part.out.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
            part.out = null;
            if (part.deflater != null) {
                part.deflater.end();
                part.deflater = null;
            }
        }
        openFiles.clear();
        for (Deflater d : idleDeflaters) {
            d.end();
        }
        idleDeflaters.clear();
        if (first != null) {
            throw first;
        }
    }

    private static void putIntLe(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
        b[at + 2] = (byte) (v >>> 16);
        b[at + 3] = (byte) (v >>> 24);
    }

    /** The spool file of a key: the key's path under spool/ (the key is checked to stay inside it). */
    private Path spoolFile(String key) {
        if (key.isEmpty() || key.startsWith("/") || key.contains("\\") || key.endsWith("/")) {
            throw new IllegalArgumentException("bad object key: " + key);
        }
        for (String segment : key.split("/")) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("bad object key: " + key);
            }
        }
        return spoolDir.resolve(key);
    }
}
