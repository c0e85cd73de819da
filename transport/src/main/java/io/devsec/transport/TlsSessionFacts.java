package io.devsec.transport;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * What a live TLS session actually negotiated, read from the JDK's {@link SSLSession} after the
 * handshake: the protocol, the cipher suite, whether this side presented a client certificate (mutual
 * TLS), the subjects of both certificates, the peer, and when this was observed. These are observed
 * facts, not settings: they are evidence that, for example, "the MQTT session negotiated TLS 1.3 with
 * a client certificate". Immutable and thread-safe.
 *
 * <p>A client certificate counts as presented when the session holds the local certificate chain the
 * client sent in its Certificate message. The peer certificate was validated by the
 * {@link DeviceTlsContext}'s trust manager before the session existed (a session with an unverified
 * peer is refused by {@link #of}).
 *
 * @see DeviceMqttClient#tlsSession()
 */
public final class TlsSessionFacts {
    private final String protocol;
    private final String cipherSuite;
    private final boolean clientCertificatePresented;
    private final String clientCertificateSubject;
    private final String peerCertificateSubject;
    private final String peerHost;
    private final int peerPort;
    private final Instant observedAt;

    private TlsSessionFacts(String protocol, String cipherSuite, String clientCertificateSubject,
            String peerCertificateSubject, String peerHost, int peerPort, Instant observedAt) {
        this.protocol = protocol;
        this.cipherSuite = cipherSuite;
        this.clientCertificatePresented = clientCertificateSubject != null;
        this.clientCertificateSubject = clientCertificateSubject;
        this.peerCertificateSubject = peerCertificateSubject;
        this.peerHost = peerHost;
        this.peerPort = peerPort;
        this.observedAt = observedAt;
    }

    /**
     * The facts of an established session.
     *
     * @param session the session after its handshake completed (for example {@code sslSocket.getSession()})
     * @param observedAt when the session was observed
     * @return the facts
     * @throws IllegalArgumentException when the session has no verified peer certificate (the handshake
     *     did not complete or the peer was not authenticated)
     */
    public static TlsSessionFacts of(SSLSession session, Instant observedAt) {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(observedAt, "observedAt");
        Certificate[] peer;
        try {
            peer = session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            throw new IllegalArgumentException("the TLS session has no verified peer certificate", e);
        }
        if (peer == null || peer.length == 0 || !(peer[0] instanceof X509Certificate)) {
            throw new IllegalArgumentException("the TLS session has no verified X.509 peer certificate");
        }
        String protocol = session.getProtocol();
        String suite = session.getCipherSuite();
        if (protocol == null || suite == null || "NONE".equals(protocol) || suite.endsWith("_NULL_WITH_NULL_NULL")) {
            throw new IllegalArgumentException("the TLS session has not completed its handshake");
        }
        Certificate[] local = session.getLocalCertificates();
        String clientSubject = local != null && local.length > 0 && local[0] instanceof X509Certificate
                ? ((X509Certificate) local[0]).getSubjectX500Principal().getName() : null;
        return new TlsSessionFacts(protocol, suite, clientSubject,
                ((X509Certificate) peer[0]).getSubjectX500Principal().getName(), session.getPeerHost(),
                session.getPeerPort(), observedAt);
    }

    /**
     * The negotiated protocol, as the JDK names it (for example {@code TLSv1.3}).
     *
     * @return the protocol
     */
    public String protocol() {
        return protocol;
    }

    /**
     * The negotiated cipher suite, as the JDK names it (for example {@code TLS_AES_256_GCM_SHA384}).
     *
     * @return the suite
     */
    public String cipherSuite() {
        return cipherSuite;
    }

    /**
     * Whether this side presented a client certificate in the handshake (mutual TLS).
     *
     * @return true when a client certificate was sent
     */
    public boolean clientCertificatePresented() {
        return clientCertificatePresented;
    }

    /**
     * The subject (RFC 2253) of the client certificate this side presented.
     *
     * @return the subject, or empty when none was presented
     */
    public Optional<String> clientCertificateSubject() {
        return Optional.ofNullable(clientCertificateSubject);
    }

    /**
     * The subject (RFC 2253) of the peer's (the server's) certificate, which the trust manager validated.
     *
     * @return the subject
     */
    public String peerCertificateSubject() {
        return peerCertificateSubject;
    }

    /**
     * The peer's host as the session knows it (the name connected to), or null when the JDK does not know it.
     *
     * @return the host, or null
     */
    public String peerHost() {
        return peerHost;
    }

    /**
     * The peer's port, or -1 when the JDK does not know it.
     *
     * @return the port
     */
    public int peerPort() {
        return peerPort;
    }

    /**
     * When the session was observed (for a {@link DeviceMqttClient}: when the connection was established).
     *
     * @return the time
     */
    public Instant observedAt() {
        return observedAt;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof TlsSessionFacts)) {
            return false;
        }
        TlsSessionFacts t = (TlsSessionFacts) o;
        return clientCertificatePresented == t.clientCertificatePresented && peerPort == t.peerPort
                && protocol.equals(t.protocol) && cipherSuite.equals(t.cipherSuite)
                && Objects.equals(clientCertificateSubject, t.clientCertificateSubject)
                && peerCertificateSubject.equals(t.peerCertificateSubject) && Objects.equals(peerHost, t.peerHost)
                && observedAt.equals(t.observedAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(protocol, cipherSuite, clientCertificateSubject, peerCertificateSubject, peerHost, peerPort,
                observedAt);
    }

    @Override
    public String toString() {
        return "TlsSessionFacts{" + protocol + ", " + cipherSuite + ", clientCertificate="
                + (clientCertificatePresented ? clientCertificateSubject : "none") + ", peer=" + peerCertificateSubject
                + " at " + peerHost + ":" + peerPort + ", observedAt=" + observedAt + "}";
    }
}
