package io.devsec.storage.internal;

import io.devsec.storage.InsecurePermissionsException;
import io.devsec.storage.KeystoreOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Refuses files that group or others can read or write, and folders that they can write. */
final class Permissions {
    /**
     * The logger, made on first use: this class logs only on rare events, and a static logger field ran
     * SLF4J's initialisation (provider lookup on the class path, configuration) at every start.
     */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(Permissions.class);
    }

    private static final Set<PosixFilePermission> FILE_FORBIDDEN = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
    private static final Set<PosixFilePermission> DIR_FORBIDDEN =
            EnumSet.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);

    private Permissions() {}

    static void checkFile(Path file, String what, KeystoreOptions options) throws IOException, InsecurePermissionsException {
        check(file, what, FILE_FORBIDDEN, "chmod 600", options);
    }

    static void checkFolder(Path dir, String what, KeystoreOptions options) throws IOException, InsecurePermissionsException {
        check(dir, what, DIR_FORBIDDEN, "chmod 700", options);
    }

    private static void check(Path p, String what, Set<PosixFilePermission> forbidden, String fix, KeystoreOptions options)
            throws IOException, InsecurePermissionsException {
        PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (view == null) {
            return; // not a POSIX file system: nothing we can check
        }
        Set<PosixFilePermission> perms = view.readAttributes().permissions();
        Set<PosixFilePermission> bad = EnumSet.noneOf(PosixFilePermission.class);
        for (PosixFilePermission perm : perms) {
            if (forbidden.contains(perm)) {
                bad.add(perm);
            }
        }
        if (bad.isEmpty()) {
            return;
        }
        String message = "The " + what + " " + p + " has permissions " + PosixFilePermissions.toString(perms)
                + ": group or others can " + (bad.stream().anyMatch(x -> x.name().endsWith("WRITE")) ? "write" : "read")
                + " it. Restrict it (" + fix + " " + p + "), or opt out with KeystoreOptions.insecureAllowLoosePermissions(true).";
        if (options.insecureAllowLoosePermissions()) {
            Log.LOG.warn("{} Accepted because insecureAllowLoosePermissions is set.", message);
            return;
        }
        throw new InsecurePermissionsException(message);
    }
}
