package io.devsec.storage;

/** Another process holds the keystore's lock. */
public final class KeystoreInUseException extends KeystoreException {
    private static final long serialVersionUID = 1L;

    public KeystoreInUseException(String message) {
        super(message);
    }

    public KeystoreInUseException(String message, Throwable cause) {
        super(message, cause);
    }
}
