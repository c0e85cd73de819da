package io.devsec.storage;

/** The file does not start with the DevSec keystore magic. */
public final class NotAKeystoreException extends KeystoreException {
    private static final long serialVersionUID = 1L;

    public NotAKeystoreException(String message) {
        super(message);
    }

    public NotAKeystoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
