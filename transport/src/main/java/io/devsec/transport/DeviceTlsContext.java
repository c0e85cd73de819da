package io.devsec.transport;

import io.devsec.transport.internal.EnforcingSocketFactory;
import io.devsec.transport.internal.PinningTrustManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A client TLS context built from the device identity, the trust anchors and {@link TlsSettings}.
 * Immutable and thread-safe.
 *
 * <p>Every socket from {@link #socketFactory()} or {@link #connect} speaks only the configured
 * protocols and suites and verifies the server's host name. The trust manager inside
 * {@link #sslContext()} enforces the same rules even for a socket configured elsewhere: it refuses
 * a handshake without host name identification, a negotiated protocol or suite outside the
 * settings, and (when pins are set) a validated path without a pinned key.
 *
 * <p>Refusals surface as {@link javax.net.ssl.SSLHandshakeException} whose cause says why:
 * {@link java.security.cert.CertificateExpiredException} somewhere in the chain for an expired
 * certificate, a {@link java.security.cert.CertificateException} naming the host for a wrong host
 * name, a {@code CertPathBuilderException} for an unknown CA, {@link PeerPinMismatchException},
 * {@link PeerCertificateRevokedException} (when {@link TlsSettings#revocation()} is on),
 * {@link TlsPolicyException}.
 *
 * <p>Pins are compared only with the keys of the path that PKIX validation built from the
 * server's certificate to a trust anchor, and with that anchor's key: a pinned certificate the
 * server merely appends to its chain never satisfies a pin.
 */
public final class DeviceTlsContext {
    private final SSLContext context;
    private final EnforcingSocketFactory socketFactory;
    private final TlsSettings settings;
    private final Optional<TlsIdentity> identity;
    private final TrustAnchors anchors;
    private final List<String> protocols;
    private final List<String> suites;

    private DeviceTlsContext(SSLContext context, EnforcingSocketFactory factory, TlsSettings settings,
            Optional<TlsIdentity> identity, TrustAnchors anchors, List<String> protocols, List<String> suites) {
        this.context = context;
        this.socketFactory = factory;
        this.settings = settings;
        this.identity = identity;
        this.anchors = anchors;
        this.protocols = protocols;
        this.suites = suites;
    }

    /**
     * A context with a client identity, for mutual TLS (the normal case for a device).
     *
     * @param identity the device's key and certificate chain
     * @param anchors the CAs that may sign the server's certificate
     * @param settings protocols, suites, pins and timeout
     * @return the context
     * @throws GeneralSecurityException when the JDK cannot build the TLS context from them
     */
    public static DeviceTlsContext create(TlsIdentity identity, TrustAnchors anchors, TlsSettings settings)
            throws GeneralSecurityException {
        return build(Optional.of(Objects.requireNonNull(identity, "identity")), anchors, settings);
    }

    /**
     * A context without a client certificate: servers that require one will refuse it.
     *
     * @param anchors the CAs that may sign the server's certificate
     * @param settings protocols, suites, pins and timeout
     * @return the context
     * @throws GeneralSecurityException when the JDK cannot build the TLS context from them
     */
    public static DeviceTlsContext createWithoutClientIdentity(TrustAnchors anchors, TlsSettings settings)
            throws GeneralSecurityException {
        return build(Optional.empty(), anchors, settings);
    }

    private static DeviceTlsContext build(Optional<TlsIdentity> identity, TrustAnchors anchors, TlsSettings settings)
            throws GeneralSecurityException {
        Objects.requireNonNull(anchors, "anchors");
        Objects.requireNonNull(settings, "settings");
        KeyStore ts = KeyStore.getInstance("PKCS12");
        try {
            ts.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot create an in-memory trust store", e);
        }
        int i = 0;
        for (X509Certificate c : anchors.certificates()) {
            ts.setCertificateEntry("anchor-" + i++, c);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(ts);
        X509ExtendedTrustManager pkix = null;
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509ExtendedTrustManager) {
                pkix = (X509ExtendedTrustManager) tm;
            }
        }
        if (pkix == null) {
            throw new GeneralSecurityException("the JDK offers no X509ExtendedTrustManager for PKIX");
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        SSLSocketFactory probe;
        List<String> protocols;
        List<String> suites;
        {
            SSLContext tmp = SSLContext.getInstance("TLS");
            tmp.init(null, null, null);
            List<String> supportedP = Arrays.asList(tmp.getSupportedSSLParameters().getProtocols());
            List<String> supportedS = Arrays.asList(tmp.getSupportedSSLParameters().getCipherSuites());
            protocols = intersect(settings.protocols(), supportedP);
            suites = intersect(settings.cipherSuites(), supportedS);
        }
        if (protocols.isEmpty()) {
            throw new GeneralSecurityException("none of the configured protocols " + settings.protocols() + " is supported by this JDK");
        }
        if (suites.isEmpty()) {
            throw new GeneralSecurityException("none of the configured cipher suites is supported by this JDK");
        }
        TrustManager tm = new PinningTrustManager(pkix, settings.pins(), anchors.certificates(), protocols, suites,
                settings.revocation());
        KeyManager[] kms = identity.isPresent() ? new KeyManager[] {identity.get().keyManager()} : new KeyManager[0];
        ctx.init(kms, new TrustManager[] {tm}, new java.security.SecureRandom());
        probe = ctx.getSocketFactory();
        EnforcingSocketFactory factory = new EnforcingSocketFactory(probe, protocols.toArray(new String[0]),
                suites.toArray(new String[0]));
        return new DeviceTlsContext(ctx, factory, settings, identity, anchors, List.copyOf(protocols), List.copyOf(suites));
    }

    private static List<String> intersect(List<String> wanted, List<String> supported) {
        List<String> out = new ArrayList<>();
        for (String w : wanted) {
            if (supported.contains(w)) {
                out.add(w);
            }
        }
        return out;
    }

    /**
     * A socket factory whose sockets carry DevSec's protocols, suites and host name verification.
     *
     * @return the socket factory
     */
    public SSLSocketFactory socketFactory() {
        return socketFactory;
    }

    /**
     * The underlying context. Its trust manager still refuses a handshake without host name identification, but sockets made from it directly have the JDK's default protocol list: prefer {@link #socketFactory()}.
     *
     * @return the context
     */
    public SSLContext sslContext() {
        return context;
    }

    /**
     * Opens a TCP connection and completes the TLS handshake within the settings' handshake timeout.
     *
     * <p>Warning: with TLS 1.3 a server that requires a client certificate and rejects ours
     * reports it only after the client's handshake has finished; the refusal then arrives as an
     * {@link javax.net.ssl.SSLException} on the first read.
     *
     * @param host the server's host name (checked against its certificate)
     * @param port the server's port
     * @return the connected socket, handshake done
     * @throws javax.net.ssl.SSLHandshakeException when the peer is refused or refuses us
     * @throws IOException when the connection fails or times out
     */
    public SSLSocket connect(String host, int port) throws IOException {
        Objects.requireNonNull(host, "host");
        int timeout = (int) Math.min(Integer.MAX_VALUE, settings.handshakeTimeout().toMillis());
        Socket raw = new Socket();
        SSLSocket s;
        try {
            raw.connect(new InetSocketAddress(host, port), timeout);
            raw.setTcpNoDelay(true);
            s = (SSLSocket) socketFactory.createSocket(raw, host, port, true);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
        boolean ok = false;
        try {
            s.setSoTimeout(timeout);
            s.startHandshake();
            s.setSoTimeout(0);
            ok = true;
            return s;
        } finally {
            if (!ok) {
                s.close();
            }
        }
    }

    /**
     * The settings this context was built with.
     *
     * @return the settings
     */
    public TlsSettings settings() {
        return settings;
    }

    /**
     * The client identity, for mutual TLS.
     *
     * @return the identity, or empty for a context without one
     */
    public Optional<TlsIdentity> identity() {
        return identity;
    }

    /**
     * The CAs that may sign the server's certificate.
     *
     * @return the trust anchors
     */
    public TrustAnchors trustAnchors() {
        return anchors;
    }

    /**
     * The protocols in effect: the configured ones this JDK supports, in order.
     *
     * @return the protocol names
     */
    public List<String> enabledProtocols() {
        return protocols;
    }

    /**
     * The cipher suites in effect: the configured ones this JDK supports, in order.
     *
     * @return the suite names
     */
    public List<String> enabledCipherSuites() {
        return suites;
    }

    /**
     * The handshake timeout from the settings.
     *
     * @return the timeout
     */
    public Duration handshakeTimeout() {
        return settings.handshakeTimeout();
    }

    @Override
    public String toString() {
        return "DeviceTlsContext{" + settings + ", identity=" + identity.isPresent() + ", " + anchors + "}";
    }
}
