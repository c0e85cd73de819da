package io.devsec.core;

import java.security.GeneralSecurityException;

/**
 * The root of the core module's own checked failures: a certificate chain, a password or a login refused,
 * input refused by a validator, personal data without consent or damaged, a provisioning record or
 * declarations refused, evidence missing. The subclass says which and carries the facts.
 *
 * <p>The leaves' failures pass through the facade with their own roots, which like this one extend
 * {@link GeneralSecurityException}: {@link io.devsec.storage.KeystoreException},
 * {@link io.devsec.transport.TransportException} and {@link io.devsec.update.UpdateException}. File and
 * network faults are {@link java.io.IOException}s. So one clause,
 * {@code catch (GeneralSecurityException | IOException e)}, catches every checked failure of a
 * {@link DeviceSecurity} call, and {@code catch (DeviceSecurityException e)} the ones the core itself
 * decided. Misuse (a bad argument, a call in the wrong state) is unchecked.
 */
public abstract class DeviceSecurityException extends GeneralSecurityException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was refused (never secret material)
     */
    protected DeviceSecurityException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what was refused (never secret material)
     * @param cause the underlying failure
     */
    protected DeviceSecurityException(String message, Throwable cause) {
        super(message, cause);
    }
}
