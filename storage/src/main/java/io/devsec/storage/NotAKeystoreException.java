package io.devsec.storage;

/** The file does not start with the DevSec keystore magic. */
public final class NotAKeystoreException extends KeystoreException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong (never secret material)
     */
    public NotAKeystoreException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong (never secret material)
     * @param cause the underlying failure
     */
    public NotAKeystoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
