package io.devsec.storage;

/** The keystore file or folder is readable or writable by others; refused unless KeystoreOptions allow it by its insecure option. */
public final class InsecurePermissionsException extends KeystoreException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong (never secret material)
     */
    public InsecurePermissionsException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong (never secret material)
     * @param cause the underlying failure
     */
    public InsecurePermissionsException(String message, Throwable cause) {
        super(message, cause);
    }
}
