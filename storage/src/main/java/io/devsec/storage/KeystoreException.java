package io.devsec.storage;

import java.security.GeneralSecurityException;

/**
 * The root of every checked exception the storage module throws: a keystore, a counter or a master-key
 * source refused to open or to change; the subclass says why and carries the facts. Never carries secret
 * material.
 *
 * <p>Catching {@code KeystoreException} catches every refusal of this module; plain file-system faults stay
 * {@link java.io.IOException}. Misuse (a malformed entry name, a closed keystore) is unchecked.
 */
public abstract class KeystoreException extends GeneralSecurityException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong (never secret material)
     */
    protected KeystoreException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong (never secret material)
     * @param cause the underlying failure
     */
    protected KeystoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
