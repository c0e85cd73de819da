package io.devsec.update;

import java.security.GeneralSecurityException;

/**
 * An update, its metadata or a root was refused; the subclass says why and carries the facts.
 * Messages never hold key material or payload bytes.
 */
public class UpdateException extends GeneralSecurityException {
    private static final long serialVersionUID = 1L;

    protected UpdateException(String message) {
        super(message);
    }

    protected UpdateException(String message, Throwable cause) {
        super(message, cause);
    }
}
