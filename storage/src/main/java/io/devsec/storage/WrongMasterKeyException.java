package io.devsec.storage;

/** The master key source does not open this keystore (wrong secret, passphrase or token key). */
public final class WrongMasterKeyException extends KeystoreException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong (never secret material)
     */
    public WrongMasterKeyException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong (never secret material)
     * @param cause the underlying failure
     */
    public WrongMasterKeyException(String message, Throwable cause) {
        super(message, cause);
    }
}
