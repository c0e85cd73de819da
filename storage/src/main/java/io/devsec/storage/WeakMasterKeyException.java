package io.devsec.storage;

/** The master key source is too weak to protect a keystore, such as a device secret file shorter than 32 bytes. */
public final class WeakMasterKeyException extends KeystoreException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong (never secret material)
     */
    public WeakMasterKeyException(String message) {
        super(message);
    }
}
