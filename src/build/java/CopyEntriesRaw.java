import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * Appends entries of one jar to others with their compressed bytes as they are: not inflated and deflated again, and
 * the target's own entries left where they are (only its central directory is written again, after the new ones).
 * {@code mvn package} runs it after maven-shade-plugin (pom.xml, as a single-file program: java CopyEntriesRaw.java):
 * the shades leave out DuckDB's native libraries, 238 MB uncompressed in the two jars, half of what shading deflated;
 * this copies them from DuckDB's jar into both, so each jar is still self-contained.
 *
 * <p>Usage: {@code CopyEntriesRaw <source.jar> <name>... -- <target.jar>...}; a name ending in {@code *} stands for
 * every name it begins. A name matching nothing in the source, or an entry a target already has, fails the build.
 * Plain JDK: the ZIP layout (APPNOTE.TXT) of local records, central directory and end records, ZIP64 included (the
 * full jar has more than 65 535 entries); a multi-disk or over-4-GiB jar is refused.
 */
public class CopyEntriesRaw {

    private static final int LOC = 0x04034b50, CEN = 0x02014b50, END = 0x06054b50;
    private static final int ZIP64_END = 0x06064b50, ZIP64_LOCATOR = 0x07064b50;

    public static void main(String[] args) throws IOException {
        int dashes = List.of(args).indexOf("--");
        if (dashes < 2 || dashes == args.length - 1) {
            throw new IllegalArgumentException("usage: CopyEntriesRaw <source.jar> <name>... -- <target.jar>...");
        }
        Path source = Path.of(args[0]);
        try (FileChannel from = FileChannel.open(source, StandardOpenOption.READ)) {
            Zip src = Zip.read(from, source);
            List<Entry> picked = new ArrayList<>();
            for (String pattern : List.of(args).subList(1, dashes)) {
                List<Entry> matching = src.entries.stream().filter(e -> pattern.endsWith("*")
                        ? e.name.startsWith(pattern.substring(0, pattern.length() - 1)) : e.name.equals(pattern)).toList();
                if (matching.isEmpty()) {
                    throw new IllegalStateException(source + " has no entry " + pattern);
                }
                picked.addAll(matching);
            }
            for (String target : List.of(args).subList(dashes + 1, args.length)) {
                append(from, src, picked, Path.of(target));
            }
        }
    }

    private static void append(FileChannel from, Zip src, List<Entry> picked, Path target) throws IOException {
        try (FileChannel to = FileChannel.open(target, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            Zip jar = Zip.read(to, target);
            Set<String> present = new HashSet<>();
            jar.entries.forEach(e -> present.add(e.name));
            ByteBuffer centralDirectory = ByteBuffer.allocate((int) jar.cdSize);
            readFully(to, centralDirectory, jar.cdOffset); // (flipped: ready to be written)
            // The new entries' local records go where the central directory began; it follows them, then theirs.
            long position = jar.cdOffset;
            ByteBuffer added = ByteBuffer.allocate(picked.stream().mapToInt(e -> e.cen.length).sum()).order(ByteOrder.LITTLE_ENDIAN);
            for (Entry e : picked) {
                if (!present.add(e.name)) {
                    throw new IllegalStateException(target + " already has " + e.name);
                }
                long length = src.recordLength(e);
                long copied = 0;
                while (copied < length) {
                    copied += from.transferTo(e.localOffset + copied, length - copied, to.position(position + copied));
                }
                ByteBuffer cen = ByteBuffer.wrap(e.cen.clone()).order(ByteOrder.LITTLE_ENDIAN);
                cen.putInt(42, (int) position);
                added.put(cen);
                position += length;
            }
            long cdOffset = position;
            long entries = jar.entries.size() + picked.size();
            long cdSize = jar.cdSize + added.capacity();
            if (cdOffset + cdSize >= 0xFFFFFFFFL) {
                throw new IllegalStateException(target + " would be over 4 GiB");
            }
            ByteBuffer end = ByteBuffer.allocate(56 + 20 + 22).order(ByteOrder.LITTLE_ENDIAN);
            // ZIP64 end records when the count does not fit 16 bits, as java.util.zip.ZipOutputStream writes them.
            if (entries >= 0xFFFF) {
                end.putInt(ZIP64_END).putLong(44).putShort((short) 45).putShort((short) 45).putInt(0).putInt(0)
                        .putLong(entries).putLong(entries).putLong(cdSize).putLong(cdOffset);
                end.putInt(ZIP64_LOCATOR).putInt(0).putLong(cdOffset + cdSize).putInt(1);
            }
            short count = (short) Math.min(entries, 0xFFFF);
            end.putInt(END).putShort((short) 0).putShort((short) 0).putShort(count).putShort(count)
                    .putInt((int) cdSize).putInt((int) cdOffset).putShort((short) 0);
            added.flip();
            end.flip();
            to.position(cdOffset);
            for (ByteBuffer b : new ByteBuffer[] {centralDirectory, added, end}) {
                while (b.hasRemaining()) {
                    to.write(b);
                }
            }
            to.truncate(to.position());
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b, at + b.position()) < 0) {
                throw new IOException("unexpected end of file");
            }
        }
        b.flip();
    }

    private record Entry(String name, long localOffset, byte[] cen) {
    }

    private record Zip(Path path, List<Entry> entries, long cdOffset, long cdSize, TreeMap<Long, Entry> byOffset) {

        /** A local record's length: up to the next one, or the central directory (its data descriptor included). */
        long recordLength(Entry e) {
            Long next = byOffset.higherKey(e.localOffset);
            return (next == null ? cdOffset : next) - e.localOffset;
        }

        static Zip read(FileChannel ch, Path path) throws IOException {
            long size = ch.size();
            int tail = (int) Math.min(size, 22 + 0xFFFF + 20 + 56);
            ByteBuffer b = ByteBuffer.allocate(tail).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, b, size - tail);
            int endAt = -1;
            for (int i = tail - 22; i >= 0; i--) {
                if (b.getInt(i) == END && i + 22 + Short.toUnsignedInt(b.getShort(i + 20)) == tail) {
                    endAt = i;
                    break;
                }
            }
            if (endAt < 0) {
                throw new IOException(path + ": no end of central directory record");
            }
            if (b.getShort(endAt + 20) != 0) {
                throw new IOException(path + ": a jar comment (not written again)");
            }
            long entries = Short.toUnsignedLong(b.getShort(endAt + 10));
            long cdSize = Integer.toUnsignedLong(b.getInt(endAt + 12));
            long cdOffset = Integer.toUnsignedLong(b.getInt(endAt + 16));
            if (b.getShort(endAt + 4) != 0 || b.getShort(endAt + 6) != 0) {
                throw new IOException(path + ": a multi-disk archive");
            }
            if (endAt >= 20 && b.getInt(endAt - 20) == ZIP64_LOCATOR) {
                long z64 = b.getLong(endAt - 12);
                ByteBuffer z = ByteBuffer.allocate(56).order(ByteOrder.LITTLE_ENDIAN);
                readFully(ch, z, z64);
                if (z.getInt(0) != ZIP64_END) {
                    throw new IOException(path + ": bad ZIP64 end record");
                }
                entries = z.getLong(32);
                cdSize = z.getLong(40);
                cdOffset = z.getLong(48);
            }
            ByteBuffer cd = ByteBuffer.allocate((int) cdSize).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, cd, cdOffset);
            List<Entry> list = new ArrayList<>();
            TreeMap<Long, Entry> byOffset = new TreeMap<>();
            int at = 0;
            for (long n = 0; n < entries; n++) {
                if (cd.getInt(at) != CEN) {
                    throw new IOException(path + ": bad central directory record " + n);
                }
                int nameLength = Short.toUnsignedInt(cd.getShort(at + 28));
                int recordLength = 46 + nameLength + Short.toUnsignedInt(cd.getShort(at + 30))
                        + Short.toUnsignedInt(cd.getShort(at + 32));
                long local = Integer.toUnsignedLong(cd.getInt(at + 42));
                if (local == 0xFFFFFFFFL || Integer.toUnsignedLong(cd.getInt(at + 20)) == 0xFFFFFFFFL) {
                    throw new IOException(path + ": an entry with ZIP64 sizes or offset");
                }
                byte[] name = new byte[nameLength];
                cd.get(at + 46, name);
                byte[] record = new byte[recordLength];
                cd.get(at, record);
                Entry e = new Entry(new String(name, StandardCharsets.UTF_8), local, record);
                list.add(e);
                byOffset.put(local, e);
                at += recordLength;
            }
            return new Zip(path, list, cdOffset, cdSize, byOffset);
        }
    }
}
