package io.devsec.transport.internal;

import io.devsec.transport.PeerCertificateRevokedException;
import io.devsec.transport.PeerPinMismatchException;
import io.devsec.transport.PublicKeyPin;
import io.devsec.transport.RevocationSettings;
import io.devsec.transport.TlsPolicyException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.CertPath;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateRevokedException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXCertPathBuilderResult;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Client-side trust manager: PKIX validation against the configured anchors and the host name
 * check (delegated to the JDK), then fail-closed checks of our own: host name verification was
 * on, the negotiated protocol and suite are allowed, and, when pins or revocation checking are
 * configured, the path is built again here from the presented leaf ({@code chain[0]}) to an
 * anchor and validated with {@link CertPathValidator}, with the revocation checker when one is set.
 * Pins are compared only with the certificates of that validated path and the public key of the
 * anchor it ends at: a certificate the server merely appended (duplicated, out of order, not on
 * the path) never satisfies a pin, and an anchor counts by the key that verified the path, never
 * by its name.
 */
public final class PinningTrustManager extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager delegate;
    private final List<PublicKeyPin> pins;
    private final Set<TrustAnchor> anchors;
    private final List<String> protocols;
    private final List<String> suites;
    private final RevocationSettings revocation;

    public PinningTrustManager(X509ExtendedTrustManager delegate, List<PublicKeyPin> pins, List<X509Certificate> anchors,
            List<String> protocols, List<String> suites, RevocationSettings revocation) {
        this.delegate = delegate;
        this.pins = Collections.unmodifiableList(new ArrayList<>(pins));
        Set<TrustAnchor> a = new HashSet<>();
        for (X509Certificate c : anchors) {
            a.add(new TrustAnchor(c, null));
        }
        this.anchors = Collections.unmodifiableSet(a);
        this.protocols = Collections.unmodifiableList(new ArrayList<>(protocols));
        this.suites = Collections.unmodifiableList(new ArrayList<>(suites));
        this.revocation = revocation;
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
        checkPath(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        if (engine == null) {
            throw new CertificateException("host name verification needs an SSLEngine");
        }
        requireIdentification(engine.getSSLParameters());
        delegate.checkServerTrusted(chain, authType, engine);
        checkNegotiated(engine.getHandshakeSession());
        checkPath(chain);
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

    private void checkPath(X509Certificate[] chain) throws CertificateException {
        if (pins.isEmpty() && !revocation.enabled()) {
            return;
        }
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the server sent no certificate");
        }
        PKIXCertPathBuilderResult built = buildPath(chain);
        CertPath path = built.getCertPath();
        TrustAnchor anchor = built.getTrustAnchor();
        if (revocation.enabled()) {
            checkRevocation(path, anchor);
        }
        if (!pins.isEmpty()) {
            checkPins(path, anchor);
        }
    }

    /** The path from {@code chain[0]} to one of our anchors, using the other presented certificates as candidates only. */
    private PKIXCertPathBuilderResult buildPath(X509Certificate[] chain) throws CertificateException {
        try {
            X509CertSelector target = new X509CertSelector();
            target.setCertificate(chain[0]);
            PKIXBuilderParameters p = new PKIXBuilderParameters(anchors, target);
            p.setRevocationEnabled(false);
            p.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(Arrays.asList(chain))));
            CertPathBuilder b = CertPathBuilder.getInstance("PKIX");
            PKIXCertPathBuilderResult r = (PKIXCertPathBuilderResult) b.build(p);
            List<? extends Certificate> certs = r.getCertPath().getCertificates();
            if (!certs.isEmpty() && !certs.get(0).equals(chain[0])) {
                throw new CertificateException("the validated path does not start at the presented leaf");
            }
            return r;
        } catch (GeneralSecurityException e) {
            throw new CertificateException("no valid certification path from the server's certificate to a trust anchor: "
                    + e.getMessage(), e);
        }
    }

    private void checkRevocation(CertPath path, TrustAnchor anchor) throws CertificateException {
        try {
            CertPathValidator v = CertPathValidator.getInstance("PKIX");
            PKIXRevocationChecker rc = (PKIXRevocationChecker) v.getRevocationChecker();
            Set<PKIXRevocationChecker.Option> options = EnumSet.noneOf(PKIXRevocationChecker.Option.class);
            if (!revocation.ocsp()) {
                options.add(PKIXRevocationChecker.Option.PREFER_CRLS);
                options.add(PKIXRevocationChecker.Option.NO_FALLBACK);
            } else if (revocation.crls().isEmpty()) {
                options.add(PKIXRevocationChecker.Option.NO_FALLBACK);
            }
            if (revocation.softFail()) {
                options.add(PKIXRevocationChecker.Option.SOFT_FAIL);
            }
            if (revocation.onlyEndEntity()) {
                options.add(PKIXRevocationChecker.Option.ONLY_END_ENTITY);
            }
            rc.setOptions(options);
            if (revocation.ocspResponder().isPresent()) {
                rc.setOcspResponder(revocation.ocspResponder().get());
            }
            PKIXParameters p = new PKIXParameters(Collections.singleton(anchor));
            p.setRevocationEnabled(true);
            p.addCertPathChecker(rc);
            if (!revocation.crls().isEmpty()) {
                p.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(revocation.crls())));
            }
            v.validate(path, p);
        } catch (CertPathValidatorException e) {
            if (e.getReason() == CertPathValidatorException.BasicReason.REVOKED) {
                int i = e.getIndex();
                List<? extends Certificate> certs = path.getCertificates();
                X509Certificate c = (X509Certificate) certs.get(i >= 0 && i < certs.size() ? i : 0);
                CertificateRevokedException r = find(e, CertificateRevokedException.class);
                throw new PeerCertificateRevokedException(c.getSubjectX500Principal().getName(), c.getSerialNumber(),
                        r == null ? null : r.getRevocationDate(), r == null ? null : String.valueOf(r.getRevocationReason()), e);
            }
            throw new CertificateException("revocation check failed: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new CertificateException("revocation check failed: " + e.getMessage(), e);
        }
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null && c.getCause() != c; c = c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    private void checkPins(CertPath path, TrustAnchor anchor) throws CertificateException {
        List<PublicKeyPin> peer = new ArrayList<>();
        for (Certificate c : path.getCertificates()) {
            peer.add(PublicKeyPin.of(c.getPublicKey()));
        }
        PublicKey anchorKey = anchor.getTrustedCert() != null ? anchor.getTrustedCert().getPublicKey() : anchor.getCAPublicKey();
        PublicKeyPin a = PublicKeyPin.of(anchorKey);
        if (!peer.contains(a)) {
            peer.add(a);
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
