package genesyslake.lake;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;

/**
 * Folders and files the daemon writes under its data folder (spool, state, dead letters, reports) hold exported
 * records and in-flight job state: they are created owner-only (0700 folders, 0600 files) where the file system
 * has POSIX permissions, whatever the umask. Elsewhere (Windows) they are created with the platform's defaults.
 */
public final class OwnerOnly {

    private static final boolean POSIX = Path.of("").toAbsolutePath().getFileSystem().supportedFileAttributeViews().contains("posix");
    private static final FileAttribute<?>[] DIR = POSIX
            ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))}
            : new FileAttribute<?>[0];
    private static final FileAttribute<?>[] FILE = POSIX
            ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
            : new FileAttribute<?>[0];

    private OwnerOnly() {
    }

    /** {@link Files#createDirectories}, every folder it creates 0700 (existing ones are left as they are). */
    public static Path createDirectories(Path dir) throws IOException {
        return Files.createDirectories(dir, DIR);
    }

    /** Creates the file 0600 if it does not exist yet; an existing file is left as it is. */
    public static Path createFileIfAbsent(Path file) throws IOException {
        try {
            return Files.createFile(file, FILE);
        } catch (FileAlreadyExistsException e) {
            return file;
        }
    }

    /** Creates the file 0600; fails with FileAlreadyExistsException if it exists (atomically: one creator wins). */
    public static Path createNew(Path file) throws IOException {
        return Files.createFile(file, FILE);
    }

    /** Opens the file for writing from the start (created 0600 if absent, truncated if present). */
    public static OutputStream newOutputStream(Path file) throws IOException {
        return Channels.newOutputStream(Files.newByteChannel(file, EnumSet.of(StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING), FILE));
    }

    /** Makes a file another program wrote (DuckDB's Parquet) owner-only like the daemon's own. */
    public static Path restrict(Path file) throws IOException {
        if (POSIX) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
        return file;
    }
}
