package io.devsec.transport;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * The certificate authorities DevSec trusts to vouch for a server: a PEM bundle, never the JDK's
 * default {@code cacerts}. Immutable.
 */
public final class TrustAnchors {
    private final List<X509Certificate> certificates;

    private TrustAnchors(List<X509Certificate> certificates) {
        this.certificates = List.copyOf(certificates);
    }

    /**
     * Trust exactly these certificates.
     *
     * @param certificates the CA certificates to trust
     * @return the trust anchors
     * @throws IllegalArgumentException when the collection is empty
     */
    public static TrustAnchors of(Collection<X509Certificate> certificates) {
        Objects.requireNonNull(certificates, "certificates");
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("certificates must not be empty");
        }
        return new TrustAnchors(new ArrayList<>(certificates));
    }

    /**
     * Reads a PEM bundle of one or more {@code CERTIFICATE} blocks.
     *
     * @param pem the bundle (read to its end, not closed)
     * @return the trust anchors
     * @throws IOException when the stream fails
     * @throws CertificateException when the bundle holds no certificate or a damaged one
     */
    public static TrustAnchors fromPem(InputStream pem) throws IOException, CertificateException {
        Objects.requireNonNull(pem, "pem");
        byte[] bytes = readAll(pem);
        Collection<? extends Certificate> parsed =
                CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes));
        List<X509Certificate> out = new ArrayList<>();
        for (Certificate c : parsed) {
            out.add((X509Certificate) c);
        }
        if (out.isEmpty()) {
            throw new CertificateException("PEM bundle holds no certificate");
        }
        return new TrustAnchors(out);
    }

    /**
     * Reads a PEM bundle from a file.
     *
     * @param file the bundle's file
     * @return the trust anchors
     * @throws IOException when the file cannot be read
     * @throws CertificateException when the bundle holds no certificate or a damaged one
     */
    public static TrustAnchors fromPem(Path file) throws IOException, CertificateException {
        try (InputStream in = Files.newInputStream(Objects.requireNonNull(file, "file"))) {
            return fromPem(in);
        }
    }

    /**
     * Reads a PEM bundle from text.
     *
     * @param pem the bundle's text
     * @return the trust anchors
     * @throws IOException never in practice (the text is in memory)
     * @throws CertificateException when the bundle holds no certificate or a damaged one
     */
    public static TrustAnchors fromPem(String pem) throws IOException, CertificateException {
        return fromPem(new ByteArrayInputStream(Objects.requireNonNull(pem, "pem").getBytes(StandardCharsets.US_ASCII)));
    }

    /**
     * The trusted certificates.
     *
     * @return the certificates, in bundle order
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

    /** {@code InputStream.readAllBytes()} needs Android API 33; this runs on API 26. */
    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) != -1) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }
}
