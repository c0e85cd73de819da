package io.devsec.storage;

/** The master key source does not open this keystore (wrong secret, passphrase or token key). */
public final class WrongMasterKeyException extends KeystoreException {
    private static final long serialVersionUID = 1L;

    public WrongMasterKeyException(String message) {
        super(message);
    }

    public WrongMasterKeyException(String message, Throwable cause) {
        super(message, cause);
    }
}
