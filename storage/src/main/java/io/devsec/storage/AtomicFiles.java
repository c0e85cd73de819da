package io.devsec.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Atomic, durable file replacement and owner-only file creation.
 *
 * <p>{@link #write(Path, byte[])} writes a temporary file in the same folder, forces it to disk,
 * renames it over the target and forces the folder, so after a crash at any instant the target holds
 * either its old or its new content, never a mix, and once the method returns the new content
 * survives a power cut. Files are created with mode 0600 and folders with 0700 on POSIX file systems.
 *
 * <p>Temporary files are named {@code .<target name>.<random>.tmp}; {@link #deleteStaleTemporaryFiles(Path)}
 * removes those left by a crash.
 */
public final class AtomicFiles {

    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");
    private static final boolean WINDOWS =
            System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("windows");
    private static final SecureRandom RANDOM = new SecureRandom();

    private AtomicFiles() {}

    /**
     * Replaces {@code target}'s content with {@code content}, atomically and durably; a new file is 0600.
     *
     * @param target the file to replace or create
     * @param content its new content
     * @throws IOException when the file cannot be written; it then keeps its old content
     */
    public static void write(Path target, byte[] content) throws IOException {
        Objects.requireNonNull(content, "content");
        write(target, content, 0, content.length);
    }

    /**
     * As {@link #write(Path, byte[])}, with a slice of {@code content}.
     *
     * @param target the file to replace or create
     * @param content holds its new content
     * @param offset where the new content starts in {@code content}
     * @param length how many bytes of {@code content} to write
     * @throws IOException when the file cannot be written; it then keeps its old content
     */
    public static void write(Path target, byte[] content, int offset, int length) throws IOException {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(content, "content");
        if (offset < 0 || length < 0 || offset + length > content.length || offset + length < 0) {
            throw new IndexOutOfBoundsException("offset " + offset + ", length " + length + ", array " + content.length);
        }
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Path tmp = dir.resolve("." + absolute.getFileName() + "." + Long.toHexString(RANDOM.nextLong() >>> 1) + ".tmp");
        boolean moved = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    ownerOnlyFileAttributes())) {
                ByteBuffer buf = ByteBuffer.wrap(content, offset, length);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
            fsyncDirectory(dir);
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /**
     * Creates {@code file} with the given content and mode 0600, durably, failing when it exists.
     *
     * @param file the file to create
     * @param content its content
     * @throws FileAlreadyExistsException when the file exists
     * @throws IOException when the file cannot be created
     */
    public static void createNew(Path file, byte[] content) throws IOException {
        Path absolute = file.toAbsolutePath();
        Path tmp = absolute.resolveSibling("." + absolute.getFileName() + "." + Long.toHexString(RANDOM.nextLong() >>> 1) + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    ownerOnlyFileAttributes())) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            // A hard link fails when the target exists, so a racing creator never gets overwritten.
            try {
                Files.createLink(absolute, tmp);
            } catch (UnsupportedOperationException e) {
                if (Files.exists(absolute, LinkOption.NOFOLLOW_LINKS)) {
                    throw new FileAlreadyExistsException(absolute.toString());
                }
                Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE);
            }
            fsyncDirectory(absolute.getParent());
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Creates {@code dir} and any missing parents; the folders created are 0700. Existing ones are left alone.
     *
     * @param dir the folder
     * @throws IOException when a folder cannot be created, or a file stands in the way
     */
    public static void createOwnerOnlyDirectories(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            return;
        }
        Path parent = absolute.getParent();
        if (parent != null) {
            createOwnerOnlyDirectories(parent);
        }
        try {
            if (isPosix(parent)) {
                Files.createDirectory(absolute, PosixFilePermissions.asFileAttribute(OWNER_DIR));
            } else {
                Files.createDirectory(absolute);
            }
            if (parent != null) {
                fsyncDirectory(parent);
            }
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(absolute)) {
                throw e;
            }
        }
    }

    /**
     * Forces a folder's entries (renames, creations) to disk; a no-op where the platform cannot (Windows).
     *
     * @param dir the folder
     * @throws IOException when the folder cannot be opened or synced
     */
    public static void fsyncDirectory(Path dir) throws IOException {
        if (WINDOWS) {
            return;
        }
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /**
     * Deletes temporary files that {@link #write} left beside {@code target} when a process died mid-write.
     *
     * @param target the file whose leftovers to delete
     * @return how many files were deleted
     * @throws IOException when the folder cannot be listed or a leftover cannot be deleted
     */
    public static int deleteStaleTemporaryFiles(Path target) throws IOException {
        Path absolute = target.toAbsolutePath();
        String prefix = "." + absolute.getFileName() + ".";
        int deleted = 0;
        // An anonymous class, not a lambda: this runs at every keystore open, and a lambda spun a class there.
        java.nio.file.DirectoryStream.Filter<Path> stale = new java.nio.file.DirectoryStream.Filter<Path>() {
            @Override
            public boolean accept(Path p) {
                String name = p.getFileName().toString();
                return name.startsWith(prefix) && name.endsWith(".tmp");
            }
        };
        try (java.nio.file.DirectoryStream<Path> stream = Files.newDirectoryStream(absolute.getParent(), stale)) {
            for (Path p : stream) {
                if (Files.deleteIfExists(p)) {
                    deleted++;
                }
            }
        }
        return deleted;
    }

    /**
     * The attributes that make a new file 0600 on POSIX file systems (none elsewhere).
     *
     * @return the attributes to pass when creating a file
     */
    public static FileAttribute<?>[] ownerOnlyFileAttributes() {
        if (WINDOWS) {
            return new FileAttribute<?>[0];
        }
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_FILE)};
    }

    private static boolean isPosix(Path anyPathOnFs) {
        Path p = anyPathOnFs == null ? Paths.get("").toAbsolutePath() : anyPathOnFs;
        return p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
