package io.devsec.storage;

/**
 * The keystore file is older than the version its {@link RollbackProtection} records: a copy of an
 * earlier keystore file was put back (which would reset login failure counts, update anti-rollback
 * floors and trusted roots), or the file is ahead of or unknown to the counter. The file is left untouched.
 *
 * <p>{@link #fileVersion()} is the version written in the (authentic) file; {@link #protectedVersion()}
 * the value of the rollback counter, {@link RollbackProtection#NEVER_SET} when the counter was never set.
 */
public final class KeystoreRollbackException extends KeystoreException {
    private static final long serialVersionUID = 1L;

    /** The version recorded in the keystore file. */
    private final long fileVersion;
    /** The rollback counter's value, or {@link RollbackProtection#NEVER_SET}. */
    private final long protectedVersion;

    /**
     * @param message what was found, without secrets
     * @param fileVersion the version recorded in the keystore file (0 for a file never bound to a counter)
     * @param protectedVersion the rollback counter's value, or {@link RollbackProtection#NEVER_SET}
     */
    public KeystoreRollbackException(String message, long fileVersion, long protectedVersion) {
        super(message);
        this.fileVersion = fileVersion;
        this.protectedVersion = protectedVersion;
    }

    /** @return the version recorded in the keystore file */
    public long fileVersion() {
        return fileVersion;
    }

    /** @return the value of the rollback counter, or {@link RollbackProtection#NEVER_SET} */
    public long protectedVersion() {
        return protectedVersion;
    }
}
