package io.devsec.storage;

import java.security.GeneralSecurityException;

/**
 * A keystore refused to open or to change; the subclass says why. Never carries secret material.
 */
public class KeystoreException extends GeneralSecurityException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong (never secret material)
     */
    public KeystoreException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong (never secret material)
     * @param cause the underlying failure
     */
    public KeystoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
