package io.devsec.transport.internal;

import io.devsec.transport.PeerPinMismatchException;
import io.devsec.transport.PublicKeyPin;
import io.devsec.transport.TlsPolicyException;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Client-side trust manager: PKIX validation against the configured anchors (delegated to the
 * JDK, which also checks the host name when the socket asks for HTTPS identification), then
 * three fail-closed checks of our own: host name verification was on, the negotiated protocol
 * and suite are allowed, and the chain matches a pin when pins are configured.
 */
public final class PinningTrustManager extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager delegate;
    private final List<PublicKeyPin> pins;
    private final List<X509Certificate> anchors;
    private final List<String> protocols;
    private final List<String> suites;

    public PinningTrustManager(X509ExtendedTrustManager delegate, List<PublicKeyPin> pins, List<X509Certificate> anchors,
            List<String> protocols, List<String> suites) {
        this.delegate = delegate;
        this.pins = List.copyOf(pins);
        this.anchors = List.copyOf(anchors);
        this.protocols = List.copyOf(protocols);
        this.suites = List.copyOf(suites);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        if (!(socket instanceof SSLSocket)) {
            throw new CertificateException("host name verification needs an SSLSocket");
        }
        SSLSocket s = (SSLSocket) socket;
        requireIdentification(s.getSSLParameters());
        delegate.checkServerTrusted(chain, authType, socket);
        checkNegotiated(s.getHandshakeSession());
        checkPins(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        if (engine == null) {
            throw new CertificateException("host name verification needs an SSLEngine");
        }
        requireIdentification(engine.getSSLParameters());
        delegate.checkServerTrusted(chain, authType, engine);
        checkNegotiated(engine.getHandshakeSession());
        checkPins(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("DevSec refuses a server check without a socket: host name verification is mandatory");
    }

    private static void requireIdentification(SSLParameters p) throws CertificateException {
        if (!"HTTPS".equalsIgnoreCase(p.getEndpointIdentificationAlgorithm())) {
            throw new CertificateException("host name verification is off on this connection; DevSec requires it");
        }
    }

    private void checkNegotiated(SSLSession session) throws CertificateException {
        if (session == null) {
            return;
        }
        String protocol = session.getProtocol();
        String suite = session.getCipherSuite();
        if (!protocols.contains(protocol) || !suites.contains(suite)) {
            throw new TlsPolicyException(protocol, suite);
        }
    }

    private void checkPins(X509Certificate[] chain) throws CertificateException {
        if (pins.isEmpty()) {
            return;
        }
        List<PublicKeyPin> peer = new ArrayList<>();
        for (X509Certificate c : chain) {
            peer.add(PublicKeyPin.of(c));
        }
        X509Certificate last = chain[chain.length - 1];
        for (X509Certificate a : anchors) {
            if (a.getSubjectX500Principal().equals(last.getIssuerX500Principal())) {
                PublicKeyPin p = PublicKeyPin.of(a);
                if (!peer.contains(p)) {
                    peer.add(p);
                }
            }
        }
        for (PublicKeyPin want : pins) {
            for (PublicKeyPin have : peer) {
                if (want.equals(have)) {
                    return;
                }
            }
        }
        throw new PeerPinMismatchException(peer, pins);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("DevSec's trust manager is client-side only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("DevSec's trust manager is client-side only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("DevSec's trust manager is client-side only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate.getAcceptedIssuers();
    }
}
