package io.devsec.transport;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The files of an outbox directory ({@link OutboxSettings#directory()}), for the code that owns the directory's
 * lifecycle: deleting them when the messages in it must go (a personal data wipe) or can no longer be read
 * (their {@link OutboxKey} was destroyed). The outbox's file layout stays the transport module's business.
 */
public final class OutboxFiles {

    private final long files;
    private final long bytes;

    private OutboxFiles(long files, long bytes) {
        this.files = files;
        this.bytes = bytes;
    }

    /**
     * Deletes every regular file directly in {@code directory} and syncs the directory, so the deletion is
     * durable. Close every client using the outbox first: a client writing to it meanwhile would lose messages
     * and fail. A directory that does not exist is left alone.
     *
     * @param directory the outbox directory
     * @return how many files and bytes were deleted
     * @throws IOException when the directory cannot be listed or a file cannot be deleted (the files deleted
     *     before stay deleted)
     */
    public static OutboxFiles delete(Path directory) throws IOException {
        Objects.requireNonNull(directory, "directory");
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            return new OutboxFiles(0, 0);
        }
        List<Path> found = new ArrayList<>();
        try (Stream<Path> s = Files.list(directory)) {
            s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).forEach(found::add);
        }
        long bytes = 0;
        for (Path f : found) {
            bytes += Files.size(f);
            Files.delete(f);
        }
        try (FileChannel d = FileChannel.open(directory, StandardOpenOption.READ)) {
            d.force(true);
        } catch (AccessDeniedException e) {
            throw e;
        } catch (FileSystemException | UnsupportedOperationException e) {
            // a directory cannot be synced on this platform: the deletions are as durable as it allows
        }
        return new OutboxFiles(found.size(), bytes);
    }

    /** @return the number of files deleted */
    public long files() {
        return files;
    }

    /** @return their total size in bytes */
    public long bytes() {
        return bytes;
    }

    @Override
    public String toString() {
        return "OutboxFiles{files=" + files + ", bytes=" + bytes + "}";
    }
}
