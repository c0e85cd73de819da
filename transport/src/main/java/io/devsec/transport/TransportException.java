package io.devsec.transport;

import java.security.GeneralSecurityException;

/**
 * The root of the transport module's checked security failures: a damaged outbox, an inbound message
 * refused before the application saw it, a publish the broker refused. The subclass says which and
 * carries the facts.
 *
 * <p>What stays outside, and why: network and file faults are {@link java.io.IOException}s
 * ({@link NotConnectedException}, {@link OutboxFullException}, and {@link InboundPacketTooLargeException},
 * which Paho's socket read must see as one); a peer refused during the TLS handshake is a
 * {@link java.security.cert.CertificateException} ({@link PeerPinMismatchException},
 * {@link PeerCertificateRevokedException}, {@link TlsPolicyException}), because the JDK's trust-manager
 * contract allows nothing else, and reaches the caller as the cause of the handshake failure. Misuse, such
 * as a topic outside the device's namespace, is unchecked ({@link TopicOutsideNamespaceException}).
 */
public abstract class TransportException extends GeneralSecurityException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was refused (never payload or secrets)
     */
    protected TransportException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what was refused (never payload or secrets)
     * @param cause the underlying failure
     */
    protected TransportException(String message, Throwable cause) {
        super(message, cause);
    }
}
