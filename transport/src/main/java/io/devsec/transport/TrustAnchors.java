package io.devsec.transport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The certificate authorities DevSec trusts to vouch for a server: a PEM bundle, never the JDK's
 * default {@code cacerts}. Immutable.
 */
public final class TrustAnchors {
    private final List<X509Certificate> certificates;

    private TrustAnchors(List<X509Certificate> certificates) {
        this.certificates = Collections.unmodifiableList(new ArrayList<>(certificates));
    }

    /**
     * Trust exactly these certificates.
     *
     * @param certificates the CA certificates (or a self-signed server certificate) to trust
     * @return the anchors
     * @throws IllegalArgumentException when the collection is empty or holds null
     */
    public static TrustAnchors of(Collection<X509Certificate> certificates) {
        Objects.requireNonNull(certificates, "certificates");
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("certificates must not be empty");
        }
        for (X509Certificate c : certificates) {
            if (c == null) {
                throw new IllegalArgumentException("certificates must not hold null");
            }
        }
        return new TrustAnchors(new ArrayList<>(certificates));
    }

    /**
     * Reads a PEM bundle of one or more {@code CERTIFICATE} blocks, strictly ({@link PemCertificates#read(InputStream)}:
     * nothing but certificate blocks and blank lines; a private key, other text or a damaged block is refused).
     *
     * @param pem the stream, read to its end and not closed
     * @return the anchors
     * @throws IOException when the stream cannot be read
     * @throws CertificateParsingException when the bundle is empty, holds anything but certificates, or a damaged one
     */
    public static TrustAnchors fromPem(InputStream pem) throws IOException, CertificateParsingException {
        return new TrustAnchors(PemCertificates.read(Objects.requireNonNull(pem, "pem")));
    }

    /**
     * Reads a PEM bundle from a file, strictly (see {@link PemCertificates}).
     *
     * @param file the PEM file
     * @return the anchors
     * @throws IOException when the file cannot be read
     * @throws CertificateParsingException when the file is empty, holds anything but certificates, or a damaged one;
     *     the message names the file and the line
     */
    public static TrustAnchors fromPem(Path file) throws IOException, CertificateParsingException {
        return new TrustAnchors(PemCertificates.read(Objects.requireNonNull(file, "file")));
    }

    /**
     * Reads a PEM bundle from text, strictly (see {@link PemCertificates#parse(String)}).
     *
     * @param pem the PEM text
     * @return the anchors
     * @throws CertificateParsingException when the text is empty, holds anything but certificates, or a damaged one
     */
    public static TrustAnchors fromPem(String pem) throws CertificateParsingException {
        return new TrustAnchors(PemCertificates.parse(Objects.requireNonNull(pem, "pem")));
    }

    /**
     * The anchors as PEM text, one block per certificate.
     *
     * @return the PEM text
     * @throws CertificateEncodingException when a certificate cannot be encoded
     */
    public String toPem() throws CertificateEncodingException {
        return PemCertificates.encode(certificates);
    }

    /**
     * The trusted certificates.
     *
     * @return the certificates, unmodifiable
     */
    public List<X509Certificate> certificates() {
        return certificates;
    }

    @Override
    public String toString() {
        List<String> names = new ArrayList<>();
        for (X509Certificate c : certificates) {
            names.add(c.getSubjectX500Principal().getName());
        }
        return "TrustAnchors" + names;
    }
}
