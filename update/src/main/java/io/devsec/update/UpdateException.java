package io.devsec.update;

import java.security.GeneralSecurityException;

/**
 * An update, its metadata or a root was refused; the subclass says why and carries the facts.
 * Messages never hold key material or payload bytes.
 */
public class UpdateException extends GeneralSecurityException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong
     */
    protected UpdateException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong
     * @param cause the underlying failure
     */
    protected UpdateException(String message, Throwable cause) {
        super(message, cause);
    }
}
