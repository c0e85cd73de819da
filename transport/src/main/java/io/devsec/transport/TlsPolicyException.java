package io.devsec.transport;

import java.security.cert.CertificateException;

/**
 * A handshake negotiated something DevSec's {@link TlsSettings} do not allow (a protocol version or
 * cipher suite outside the configured lists). A second line of defence behind the enabled
 * protocol and suite lists; reported as the cause of an {@link javax.net.ssl.SSLHandshakeException}.
 */
public final class TlsPolicyException extends CertificateException {
    private static final long serialVersionUID = 1L;
    /** See {@link #protocol()}. */
    private final String protocol;
    /** See {@link #cipherSuite()}. */
    private final String cipherSuite;

    /**
     * Creates the exception.
     *
     * @param protocol the negotiated protocol version
     * @param cipherSuite the negotiated cipher suite
     */
    public TlsPolicyException(String protocol, String cipherSuite) {
        super("negotiated " + protocol + " / " + cipherSuite + " is not allowed by the TLS settings");
        this.protocol = protocol;
        this.cipherSuite = cipherSuite;
    }

    /**
     * The negotiated protocol version.
     *
     * @return the protocol, such as {@code TLSv1.2}
     */
    public String protocol() {
        return protocol;
    }

    /**
     * The negotiated cipher suite.
     *
     * @return the suite name
     */
    public String cipherSuite() {
        return cipherSuite;
    }
}
