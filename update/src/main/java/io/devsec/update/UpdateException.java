package io.devsec.update;

import java.security.GeneralSecurityException;

/**
 * The root of the update module's checked security failures: an update, its metadata or a root was
 * refused; the subclass says why and carries the facts. Messages never hold key material or payload bytes.
 *
 * <p>What stays outside, and why: a {@link BootControl} reports its faults as {@link java.io.IOException}s,
 * the contract its implementations (including an integrator's own) are written against, so
 * {@link CorruptBootStateException} and {@link SlotLinkException} are I/O faults; a {@link RollbackCounter}
 * may throw any {@link GeneralSecurityException} (the core's keystore counter throws the storage module's
 * exceptions), which {@link UpdateAgent} passes on unchanged. Misuse is unchecked.
 */
public abstract class UpdateException extends GeneralSecurityException {
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
