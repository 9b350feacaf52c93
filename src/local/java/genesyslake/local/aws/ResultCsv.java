package genesyslake.local.aws;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * A query result as Athena keeps it: a CSV object in the results bucket (every value in double quotes, quotes doubled,
 * a null as an empty unquoted field, one row a line), written a row at a time up to a size cap and read back a page
 * at a time from a byte offset. Neither side holds more than one page (or one row) in memory.
 */
final class ResultCsv {

    /** A page stops after about this many bytes of CSV, whatever MaxResults asks (always at least one row). */
    static final int PAGE_BYTES = 1 << 20;
    /** No single row of a result may exceed this (its page is held in memory whole). */
    static final int MAX_ROW_BYTES = 16 << 20;

    /** The result has grown past the cap (the whole result, or one row). */
    static final class TooLarge extends IOException {
        TooLarge(String message) {
            super(message);
        }
    }

    /** One page: its rows and the offset of the next row, or -1 when the object has no more. */
    record Page(List<List<String>> rows, long next) {
    }

    /** Writes rows to {@code file}; the row source answers the next row, or null at the end. */
    interface Rows {
        List<String> next() throws Exception;
    }

    private ResultCsv() {
    }

    /**
     * Writes {@code header} (if not null) and then every row of {@code rows} to {@code file}.
     *
     * @param stopped asked before each row: true ends the write with a CancellationException
     * @return the number of bytes written
     * @throws TooLarge once the CSV would exceed {@code maxBytes}
     */
    static long write(Path file, List<String> header, Rows rows, long maxBytes, BooleanSupplier stopped)
            throws Exception {
        long total = 0;
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            List<String> row = header;
            if (row == null) {
                row = rows.next();
            }
            while (row != null) {
                if (stopped.getAsBoolean()) {
                    throw new CancellationException();
                }
                line.reset();
                encode(row, line);
                if (line.size() > MAX_ROW_BYTES) {
                    throw new TooLarge("a row of more than " + MAX_ROW_BYTES + " bytes");
                }
                total += line.size();
                if (total > maxBytes) {
                    throw new TooLarge("more than " + maxBytes + " bytes");
                }
                line.writeTo(out);
                row = rows.next();
            }
        }
        return total;
    }

    private static void encode(List<String> values, ByteArrayOutputStream line) {
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                line.write(',');
            }
            String v = values.get(i);
            if (v != null) {
                line.writeBytes(('"' + v.replace("\"", "\"\"") + '"').getBytes(StandardCharsets.UTF_8));
            }
        }
        line.write('\n');
    }

    /**
     * Reads up to {@code maxRows} rows from {@code offset} (an offset a previous page returned, or 0).
     *
     * @throws IllegalArgumentException for an offset outside the object
     */
    static Page read(Path file, long offset, int maxRows) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (offset < 0 || offset > size) {
                throw new IllegalArgumentException("offset " + offset + " outside the result");
            }
            channel.position(offset);
            InputStream in = new BufferedInputStream(Channels.newInputStream(channel), 1 << 16);
            List<List<String>> rows = new ArrayList<>();
            long position = offset;
            long pageBytes = 0;
            while (rows.size() < maxRows && position < size && pageBytes < PAGE_BYTES) {
                long start = position;
                List<String> row = new ArrayList<>();
                ByteArrayOutputStream field = new ByteArrayOutputStream();
                boolean quoted = false;
                boolean inQuotes = false;
                boolean end = false;
                while (!end) {
                    int b = in.read();
                    if (b >= 0) {
                        position++;
                    }
                    if (position - start > MAX_ROW_BYTES + 1) {
                        throw new IOException("a row of the result is larger than " + MAX_ROW_BYTES + " bytes");
                    }
                    if (inQuotes) {
                        if (b < 0) {
                            throw new IOException("the result ends inside a quoted value");
                        } else if (b == '"') {
                            in.mark(1);
                            int after = in.read();
                            if (after == '"') {
                                position++;
                                field.write('"');
                            } else {
                                in.reset();
                                inQuotes = false;
                            }
                        } else {
                            field.write(b);
                        }
                    } else if (b == '"' && field.size() == 0 && !quoted) {
                        quoted = true;
                        inQuotes = true;
                    } else if (b == ',' || b == '\n' || b < 0) {
                        row.add(quoted || field.size() > 0 ? field.toString(StandardCharsets.UTF_8) : null);
                        field.reset();
                        quoted = false;
                        end = b != ',';
                    } else {
                        field.write(b);
                    }
                }
                rows.add(row);
                pageBytes += position - start;
            }
            return new Page(rows, position < size ? position : -1);
        }
    }
}
