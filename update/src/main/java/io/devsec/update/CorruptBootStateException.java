package io.devsec.update;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The boot state file was refused: unreadable, not authenticated by the device's key (changed or
 * forged), in the unauthenticated old format, or reached through a symbolic link. It is reported,
 * never replaced: the device must not guess which slot to run.
 */
public final class CorruptBootStateException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;
    /** Why the record was refused. */
    private final String reason;

    /**
     * A refused boot state file.
     *
     * @param file the state file
     * @param reason why it was refused
     */
    public CorruptBootStateException(Path file, String reason) {
        super("boot state " + file + " is corrupt or forged (" + reason + "); refusing to guess");
        this.file = file;
        this.reason = reason;
    }

    /**
     * A refused boot record that is not a file (a bootloader environment).
     *
     * @param where the environment, as its {@code toString()} names it
     * @param reason why it was refused
     */
    public CorruptBootStateException(String where, String reason) {
        super("boot state in " + where + " is corrupt or inconsistent (" + reason + "); refusing to guess");
        this.file = null;
        this.reason = reason;
    }

    /**
     * The refused file; null when the record is a bootloader environment rather than a file, and after
     * deserialization (the path is not serialized).
     *
     * @return the refused file, or null
     */
    public Path file() {
        return file;
    }

    /**
     * Why it was refused.
     *
     * @return the reason, without secrets
     */
    public String reason() {
        return reason;
    }
}
