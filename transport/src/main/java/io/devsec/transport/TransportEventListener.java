package io.devsec.transport;

import java.security.cert.X509Certificate;
import java.time.Instant;

/**
 * Tells the application (and core's security event stream) what happens in transport. Every
 * method has an empty default. Called from DevSec's threads: do not block.
 */
public interface TransportEventListener {
    /**
     * The connection state changed.
     *
     * @param state the new state
     */
    default void connectionStateChanged(ConnectionState state) {
    }

    /**
     * A security-relevant outcome: a refused peer, a dropped message, a refused publish.
     *
     * @param event what happened
     */
    default void securityEvent(TransportSecurityEvent event) {
    }

    /**
     * The device certificate expires at {@code notAfter}, within the configured renewal window:
     * make a new CSR, get it signed and call {@code DeviceMqttClient.renewIdentity}.
     *
     * @param certificate the device certificate
     * @param notAfter when it expires
     */
    default void certificateExpiring(X509Certificate certificate, Instant notAfter) {
    }

    /** A listener that ignores everything. */
    TransportEventListener NONE = new TransportEventListener() { };
}
