package io.devsec.storage;

/**
 * The keystore file is bound to a rollback counter but was opened without
 * {@link KeystoreOptions.Builder#rollbackProtection(RollbackProtection)}: opening it would silently drop
 * the protection, so it is refused. The file is left untouched.
 */
public final class RollbackProtectionRequiredException extends KeystoreException {
    private static final long serialVersionUID = 1L;

    /** @param message what was found */
    public RollbackProtectionRequiredException(String message) {
        super(message);
    }
}
