import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Puts jar entries into other jars with their compressed bytes as they are: not inflated and deflated again. Run by
 * {@code mvn package} after maven-shade-plugin (pom.xml, antrun), which then deflates about a third of what it did:
 *
 * <ul>
 * <li>{@code add <source.jar> <name>... -- <target.jar>...} appends the source's entries of those names to every
 * target, whose own entries stay where they are (only the central directory is written again, after the new records);
 * a name ending in {@code *} stands for every name it begins. The shades leave out DuckDB's native libraries (239 MB
 * uncompressed in each jar, half of each), which this copies from DuckDB's jar into genesys-lake-production.jar.
 * <li>{@code merge <base.jar> <part.jar> <out.jar>} writes every entry of the base, then the part's entries the base
 * does not have. genesys-lake.jar is the production jar (the base) and a shade of the project with only what the
 * stand-ins pull in (the part). Where both have a name with different content, a {@code META-INF/services/} file
 * (maven-shade-plugin's ServicesResourceTransformer merged each) gets the base's lines, then the part's other lines;
 * any other entry is the base's, as shade kept it in the full jar (the product's libraries come first), and its name
 * is listed, as shade lists overlapping resources.
 * </ul>
 *
 * A name matching nothing in the source, or an entry a target already has, fails the build. Plain JDK (a single-file
 * program): the ZIP layout of APPNOTE.TXT, local records, central directory, end records, ZIP64's included (the full jar
 * has more than 65 535 entries); a multi-disk or over-4-GiB jar is refused.
 */
public class CopyEntriesRaw {

    private static final int LOC = 0x04034b50, CEN = 0x02014b50, END = 0x06054b50;
    private static final int ZIP64_END = 0x06064b50, ZIP64_LOCATOR = 0x07064b50;
    private static final String SERVICES = "META-INF/services/";

    public static void main(String[] args) throws IOException {
        if (args.length == 4 && args[0].equals("merge")) {
            merge(Path.of(args[1]), Path.of(args[2]), Path.of(args[3]));
            return;
        }
        int dashes = List.of(args).indexOf("--");
        if (args.length < 5 || !args[0].equals("add") || dashes < 3 || dashes == args.length - 1) {
            throw new IllegalArgumentException("usage: CopyEntriesRaw add <source.jar> <name>... -- <target.jar>...\n"
                    + "       CopyEntriesRaw merge <base.jar> <part.jar> <out.jar>");
        }
        Path source = Path.of(args[1]);
        try (FileChannel from = FileChannel.open(source, StandardOpenOption.READ)) {
            Zip src = Zip.read(from, source);
            List<Entry> picked = new ArrayList<>();
            for (String pattern : List.of(args).subList(2, dashes)) {
                List<Entry> matching = src.entries.stream().filter(e -> pattern.endsWith("*")
                        ? e.name.startsWith(pattern.substring(0, pattern.length() - 1)) : e.name.equals(pattern)).toList();
                if (matching.isEmpty()) {
                    throw new IllegalStateException(source + " has no entry " + pattern);
                }
                picked.addAll(matching);
            }
            for (String target : List.of(args).subList(dashes + 1, args.length)) {
                add(from, src, picked, Path.of(target));
            }
        }
    }

    private static void add(FileChannel from, Zip src, List<Entry> picked, Path target) throws IOException {
        try (FileChannel to = FileChannel.open(target, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            Zip jar = Zip.read(to, target);
            Set<String> present = new HashSet<>();
            jar.entries.forEach(e -> present.add(e.name));
            // The new records go where the central directory began; it follows them, with theirs.
            Writer out = new Writer(to, jar.cdOffset);
            jar.entries.forEach(e -> out.centralDirectory.writeBytes(e.cen));
            out.count = jar.entries.size();
            for (Entry e : picked) {
                if (!present.add(e.name)) {
                    throw new IllegalStateException(target + " already has " + e.name);
                }
                out.copy(from, src, e);
            }
            out.finish(target);
        }
    }

    private static void merge(Path basePath, Path partPath, Path outPath) throws IOException {
        Path tmp = outPath.resolveSibling(outPath.getFileName() + ".tmp");
        List<String> kept = new ArrayList<>();
        try (FileChannel baseCh = FileChannel.open(basePath, StandardOpenOption.READ);
             FileChannel partCh = FileChannel.open(partPath, StandardOpenOption.READ);
             FileChannel to = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                     StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            Zip base = Zip.read(baseCh, basePath);
            Zip part = Zip.read(partCh, partPath);
            Map<String, Entry> inPart = new HashMap<>();
            part.entries.forEach(e -> inPart.put(e.name, e));
            Set<String> inBase = new HashSet<>();
            Writer out = new Writer(to, 0);
            for (Entry e : base.entries) {
                inBase.add(e.name);
                Entry p = inPart.get(e.name);
                if (p == null || e.name.endsWith("/") || e.sameContentAs(p)) {
                    out.copy(baseCh, base, e);
                } else if (e.name.startsWith(SERVICES)) {
                    Set<String> lines = new LinkedHashSet<>(base.text(baseCh, e).lines().toList());
                    lines.addAll(part.text(partCh, p).lines().toList());
                    StringBuilder merged = new StringBuilder();
                    lines.forEach(l -> merged.append(l).append('\n'));
                    out.deflated(e, merged.toString().getBytes(StandardCharsets.UTF_8));
                } else {
                    kept.add(e.name);
                    out.copy(baseCh, base, e);
                }
            }
            for (Entry p : part.entries) {
                if (!inBase.contains(p.name)) {
                    out.copy(partCh, part, p);
                }
            }
            out.finish(outPath);
        }
        Files.move(tmp, outPath, StandardCopyOption.REPLACE_EXISTING);
        if (!kept.isEmpty()) {
            System.out.println(outPath.getFileName() + ": " + kept.size() + " entries differ between "
                    + basePath.getFileName() + " and the part merged into it; " + basePath.getFileName()
                    + "'s are kept, as a shade of all the jars kept them: " + kept);
        }
    }

    /** Local records written from a position on, then the central directory and the end records. */
    private static final class Writer {
        final FileChannel to;
        long position;
        long count;
        final ByteArrayOutputStream centralDirectory = new ByteArrayOutputStream(1 << 20);

        Writer(FileChannel to, long position) {
            this.to = to;
            this.position = position;
        }

        /** An entry's local record (header, compressed data, data descriptor) as it is, and its central record. */
        void copy(FileChannel from, Zip src, Entry e) throws IOException {
            long length = src.recordLength(e);
            for (long copied = 0; copied < length; ) {
                copied += from.transferTo(e.localOffset + copied, length - copied, to.position(position + copied));
            }
            byte[] cen = e.cen.clone();
            ByteBuffer.wrap(cen).order(ByteOrder.LITTLE_ENDIAN).putInt(42, (int) position);
            centralDirectory.writeBytes(cen);
            position += length;
            count++;
        }

        /** A new entry for like's name, flags, times and central extra fields, holding data (deflated). */
        void deflated(Entry like, byte[] data) throws IOException {
            Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
            deflater.setInput(data);
            deflater.finish();
            ByteArrayOutputStream packed = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            while (!deflater.finished()) {
                packed.write(buf, 0, deflater.deflate(buf));
            }
            deflater.end();
            CRC32 crc = new CRC32();
            crc.update(data);
            ByteBuffer cen = ByteBuffer.wrap(like.cen.clone()).order(ByteOrder.LITTLE_ENDIAN);
            short flags = (short) (cen.getShort(8) & ~0x8); // sizes in the header: no data descriptor
            cen.putShort(8, flags).putShort(10, (short) 8).putInt(16, (int) crc.getValue())
                    .putInt(20, packed.size()).putInt(24, data.length).putInt(42, (int) position);
            byte[] name = like.name.getBytes(StandardCharsets.UTF_8);
            ByteBuffer loc = ByteBuffer.allocate(30 + name.length).order(ByteOrder.LITTLE_ENDIAN);
            loc.putInt(LOC).putShort(cen.getShort(6)).putShort(flags).putShort((short) 8).putShort(cen.getShort(12))
                    .putShort(cen.getShort(14)).putInt((int) crc.getValue()).putInt(packed.size()).putInt(data.length)
                    .putShort((short) name.length).putShort((short) 0).put(name).flip();
            to.position(position);
            writeFully(loc);
            writeFully(ByteBuffer.wrap(packed.toByteArray()));
            centralDirectory.writeBytes(cen.array());
            position = to.position();
            count++;
        }

        void finish(Path target) throws IOException {
            long cdOffset = position;
            long cdSize = centralDirectory.size();
            if (cdOffset + cdSize >= 0xFFFFFFFFL) {
                throw new IllegalStateException(target + " would be over 4 GiB");
            }
            ByteBuffer end = ByteBuffer.allocate(56 + 20 + 22).order(ByteOrder.LITTLE_ENDIAN);
            // ZIP64 end records when the count does not fit 16 bits, as java.util.zip.ZipOutputStream writes them.
            if (count >= 0xFFFF) {
                end.putInt(ZIP64_END).putLong(44).putShort((short) 45).putShort((short) 45).putInt(0).putInt(0)
                        .putLong(count).putLong(count).putLong(cdSize).putLong(cdOffset);
                end.putInt(ZIP64_LOCATOR).putInt(0).putLong(cdOffset + cdSize).putInt(1);
            }
            short entries = (short) Math.min(count, 0xFFFF);
            end.putInt(END).putShort((short) 0).putShort((short) 0).putShort(entries).putShort(entries)
                    .putInt((int) cdSize).putInt((int) cdOffset).putShort((short) 0).flip();
            to.position(cdOffset);
            writeFully(ByteBuffer.wrap(centralDirectory.toByteArray()));
            writeFully(end);
            to.truncate(to.position());
        }

        private void writeFully(ByteBuffer b) throws IOException {
            while (b.hasRemaining()) {
                to.write(b);
            }
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

        int method() {
            return ByteBuffer.wrap(cen).order(ByteOrder.LITTLE_ENDIAN).getShort(10);
        }

        /** CRC-32, compressed and uncompressed size. */
        long[] sums() {
            ByteBuffer b = ByteBuffer.wrap(cen).order(ByteOrder.LITTLE_ENDIAN);
            return new long[] {Integer.toUnsignedLong(b.getInt(16)), Integer.toUnsignedLong(b.getInt(20)),
                    Integer.toUnsignedLong(b.getInt(24))};
        }

        boolean sameContentAs(Entry other) {
            return sums()[0] == other.sums()[0] && sums()[2] == other.sums()[2];
        }
    }

    private record Zip(Path path, List<Entry> entries, long cdOffset, long cdSize, TreeMap<Long, Entry> byOffset) {

        /** A local record's length: up to the next one, or the central directory (its data descriptor included). */
        long recordLength(Entry e) {
            Long next = byOffset.higherKey(e.localOffset);
            return (next == null ? cdOffset : next) - e.localOffset;
        }

        /** An entry's content, inflated, as UTF-8 text. */
        String text(FileChannel ch, Entry e) throws IOException {
            ByteBuffer loc = ByteBuffer.allocate(30).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, loc, e.localOffset);
            if (loc.getInt(0) != LOC) {
                throw new IOException(path + ": bad local record for " + e.name);
            }
            long[] sums = e.sums();
            ByteBuffer packed = ByteBuffer.allocate((int) sums[1]);
            readFully(ch, packed, e.localOffset + 30 + Short.toUnsignedInt(loc.getShort(26))
                    + Short.toUnsignedInt(loc.getShort(28)));
            byte[] data = new byte[(int) sums[2]];
            if (e.method() == 0) {
                packed.get(data);
            } else if (e.method() == 8) {
                Inflater inflater = new Inflater(true);
                inflater.setInput(packed);
                try {
                    for (int n = 0; n < data.length && !inflater.finished(); ) {
                        n += inflater.inflate(data, n, data.length - n);
                    }
                } catch (DataFormatException x) {
                    throw new IOException(path + ": " + e.name + ": " + x.getMessage(), x);
                } finally {
                    inflater.end();
                }
            } else {
                throw new IOException(path + ": " + e.name + " has compression method " + e.method());
            }
            CRC32 crc = new CRC32();
            crc.update(data);
            if (crc.getValue() != sums[0]) {
                throw new IOException(path + ": " + e.name + " fails its CRC");
            }
            return new String(data, StandardCharsets.UTF_8);
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
            if (b.getShort(endAt + 4) != 0 || b.getShort(endAt + 6) != 0) {
                throw new IOException(path + ": a multi-disk archive");
            }
            long entries = Short.toUnsignedLong(b.getShort(endAt + 10));
            long cdSize = Integer.toUnsignedLong(b.getInt(endAt + 12));
            long cdOffset = Integer.toUnsignedLong(b.getInt(endAt + 16));
            if (endAt >= 20 && b.getInt(endAt - 20) == ZIP64_LOCATOR) {
                ByteBuffer z = ByteBuffer.allocate(56).order(ByteOrder.LITTLE_ENDIAN);
                readFully(ch, z, b.getLong(endAt - 12));
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
                if (local == 0xFFFFFFFFL || Integer.toUnsignedLong(cd.getInt(at + 20)) == 0xFFFFFFFFL
                        || Integer.toUnsignedLong(cd.getInt(at + 24)) == 0xFFFFFFFFL) {
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
