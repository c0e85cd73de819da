package io.devsec.transport;

import java.security.cert.CertificateException;
import java.util.Collections;
import java.util.List;

/**
 * The peer's certificate chain was valid but carried none of the configured public key pins.
 *
 * <p>Thrown from the trust manager during the handshake, so the JDK reports it as the cause of
 * an {@link javax.net.ssl.SSLHandshakeException}. It names the peer's pins so that an operator
 * can tell a key rotation from an interception.
 */
public final class PeerPinMismatchException extends CertificateException {
    private static final long serialVersionUID = 1L;
    /** See {@link #peerPins()}. */
    private final transient List<PublicKeyPin> peerPins;
    /** See {@link #expectedPins()}. */
    private final transient List<PublicKeyPin> expectedPins;

    /**
     * Creates the exception.
     *
     * @param peerPins the pins of every certificate in the peer's chain, leaf first
     * @param expectedPins the pins that were configured
     */
    public PeerPinMismatchException(List<PublicKeyPin> peerPins, List<PublicKeyPin> expectedPins) {
        super("peer matches no configured pin; validated path pins: " + peerPins + ", configured: " + expectedPins);
        this.peerPins = List.copyOf(peerPins);
        this.expectedPins = List.copyOf(expectedPins);
    }

    /**
     * The pins of the validated path from the peer's certificate to the trust anchor, leaf first, anchor last.
     *
     * @return the pins (empty after deserialization)
     */
    public List<PublicKeyPin> peerPins() {
        return peerPins == null ? Collections.emptyList() : peerPins;
    }

    /**
     * The pins that were configured.
     *
     * @return the configured pins (empty after deserialization)
     */
    public List<PublicKeyPin> expectedPins() {
        return expectedPins == null ? Collections.emptyList() : expectedPins;
    }
}
