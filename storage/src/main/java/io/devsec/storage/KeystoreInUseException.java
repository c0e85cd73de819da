package io.devsec.storage;

/** Another process holds the keystore's lock. */
public final class KeystoreInUseException extends KeystoreException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong (never secret material)
     */
    public KeystoreInUseException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong (never secret material)
     * @param cause the underlying failure
     */
    public KeystoreInUseException(String message, Throwable cause) {
        super(message, cause);
    }
}
