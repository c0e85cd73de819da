package io.devsec.storage;

import java.security.GeneralSecurityException;

/**
 * A keystore refused to open or to change; the subclass says why. Never carries secret material.
 */
public class KeystoreException extends GeneralSecurityException {
    private static final long serialVersionUID = 1L;

    public KeystoreException(String message) {
        super(message);
    }

    public KeystoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
