package io.devsec.update;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Resolves file paths carried by an update inside a slot folder, refusing any that could escape
 * it: absolute paths, {@code ..} segments, empty or odd segments, and paths through a symbolic
 * link (checked on the file system as it is now).
 */
public final class SlotPaths {
    private SlotPaths() {
    }

    /**
     * The file {@code relative} (segments separated by {@code /}) inside {@code slotRoot}.
     *
     * @param slotRoot the slot's root folder
     * @param relative the path from the update, relative to the slot
     * @return the resolved path, inside {@code slotRoot}
     * @throws UnsafePathException when the path is absolute, contains {@code ..}, {@code .}, an
     *     empty segment, a backslash or a NUL, or when an existing part of it is a symbolic link
     * @throws IOException when the file system cannot be inspected
     */
    public static Path resolve(Path slotRoot, String relative) throws UnsafePathException, IOException {
        Objects.requireNonNull(slotRoot, "slotRoot");
        Objects.requireNonNull(relative, "relative");
        if (relative.isEmpty() || relative.length() > 1024) {
            throw new UnsafePathException(relative, "must be 1 to 1024 characters");
        }
        if (relative.startsWith("/") || relative.indexOf('\\') >= 0 || relative.indexOf('\0') >= 0
                || (relative.length() > 1 && relative.charAt(1) == ':')) {
            throw new UnsafePathException(relative, "must be a relative path with '/' separators");
        }
        Path root = slotRoot.toAbsolutePath().normalize();
        Path current = root;
        for (String segment : relative.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new UnsafePathException(relative, "must not contain empty, '.' or '..' segments");
            }
            current = current.resolve(segment);
            if (Files.isSymbolicLink(current)) {
                throw new UnsafePathException(relative, "goes through a symbolic link");
            }
        }
        if (!current.normalize().startsWith(root)) {
            throw new UnsafePathException(relative, "leaves the slot");
        }
        if (Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            Path real = root.toRealPath();
            Path parent = current.getParent();
            while (parent != null && !Files.exists(parent, LinkOption.NOFOLLOW_LINKS)) {
                parent = parent.getParent();
            }
            if (parent != null && !parent.toRealPath().startsWith(real)) {
                throw new UnsafePathException(relative, "leaves the slot through a link");
            }
        }
        return current;
    }
}
