package io.devsec.transport;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Strict reading and writing of PEM certificate files (RFC 7468, its strict grammar): the text must be one
 * or more {@code -----BEGIN CERTIFICATE-----} ... {@code -----END CERTIFICATE-----} blocks and blank space
 * between them, nothing else. Used for trust anchors and for the chain a CA issues for a device.
 *
 * <p>Refused, each with a message that names the line: empty input; text outside a block (such as the
 * {@code subject=} and {@code Bag Attributes} lines {@code openssl} prints; clean a file with
 * {@code openssl x509 -in in.pem -out out.pem}, or {@code openssl crl2pkcs7 -nocrl -certfile in.pem |
 * openssl pkcs7 -print_certs} for a bundle and then delete the {@code subject=}/{@code issuer=} lines); a
 * block of another kind (a private key is refused outright and its content is never echoed);
 * a block without its end line; encapsulated headers; anything that is not base64; a block whose content is
 * not exactly one DER certificate. A message never quotes the refused text, so a key pasted by mistake does
 * not end up in a log.
 */
public final class PemCertificates {
    /** The most text read: a certificate bundle is a few kilobytes; more is not a bundle. */
    public static final int MAX_CHARS = 1 << 20;

    private static final String BEGIN = "-----BEGIN ";
    private static final String END = "-----END ";
    private static final String DASHES = "-----";

    private PemCertificates() {
    }

    /**
     * Parses PEM text holding one or more certificates, in the order given.
     *
     * @param pem the text
     * @return the certificates, unmodifiable, never empty
     * @throws CertificateParsingException when the text is empty, holds anything but certificate blocks and
     *     blank space, or a block is damaged; the message says what and where
     */
    public static List<X509Certificate> parse(String pem) throws CertificateParsingException {
        Objects.requireNonNull(pem, "pem");
        if (pem.length() > MAX_CHARS) {
            throw new CertificateParsingException("PEM text is " + pem.length() + " characters, more than the "
                    + MAX_CHARS + " a certificate bundle can need.");
        }
        String[] lines = pem.split("\r\n|\r|\n", -1);
        List<X509Certificate> out = new ArrayList<>();
        CertificateFactory factory;
        try {
            factory = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("the JDK offers no X.509 certificate factory", e);
        }
        int i = 0;
        while (i < lines.length) {
            String line = trimTrailing(lines[i]);
            int lineNo = i + 1;
            if (line.trim().isEmpty()) {
                i++;
                continue;
            }
            if (!line.startsWith(BEGIN) || !line.endsWith(DASHES) || line.length() < BEGIN.length() + DASHES.length()) {
                throw new CertificateParsingException("PEM line " + lineNo + ": text outside a -----BEGIN CERTIFICATE----- "
                        + "block (only certificate blocks and blank lines are accepted; strip explanatory text such as "
                        + "openssl's subject=/issuer=/Bag Attributes lines).");
            }
            String label = line.substring(BEGIN.length(), line.length() - DASHES.length());
            if (label.contains("PRIVATE KEY")) {
                throw new CertificateParsingException("PEM line " + lineNo + ": a " + label + " block. A private key never "
                        + "belongs in a certificate file; the device keeps its own key and only needs the certificates.");
            }
            if (!label.equals("CERTIFICATE")) {
                throw new CertificateParsingException("PEM line " + lineNo + ": a \"" + printable(label)
                        + "\" block where only CERTIFICATE blocks are accepted.");
            }
            StringBuilder base64 = new StringBuilder();
            int j = i + 1;
            boolean ended = false;
            for (; j < lines.length; j++) {
                String body = lines[j].trim();
                if (body.startsWith(END)) {
                    if (!body.equals(END + "CERTIFICATE" + DASHES)) {
                        throw new CertificateParsingException("PEM line " + (j + 1) + ": the CERTIFICATE block opened on line "
                                + lineNo + " ends with another label.");
                    }
                    ended = true;
                    break;
                }
                if (body.startsWith(BEGIN)) {
                    break;
                }
                if (body.indexOf(':') >= 0) {
                    throw new CertificateParsingException("PEM line " + (j + 1) + ": an encapsulated header inside a "
                            + "CERTIFICATE block (encrypted or legacy PEM is not accepted).");
                }
                base64.append(body);
            }
            if (!ended) {
                throw new CertificateParsingException("PEM line " + lineNo + ": the CERTIFICATE block has no "
                        + "-----END CERTIFICATE----- line (the text is cut off).");
            }
            byte[] der;
            try {
                der = Base64.getDecoder().decode(base64.toString());
            } catch (IllegalArgumentException e) {
                throw new CertificateParsingException("PEM lines " + (lineNo + 1) + "-" + j
                        + ": the CERTIFICATE block is not valid base64.");
            }
            if (der.length == 0) {
                throw new CertificateParsingException("PEM line " + lineNo + ": the CERTIFICATE block is empty.");
            }
            out.add(certificate(factory, der, lineNo));
            i = j + 1;
        }
        if (out.isEmpty()) {
            throw new CertificateParsingException("The PEM text holds no certificate (it is empty or blank).");
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * Reads a PEM file of one or more certificates; see {@link #parse(String)}.
     *
     * @param file the file (US-ASCII; a UTF-8 byte order mark is refused like any text outside a block)
     * @return the certificates, unmodifiable, never empty
     * @throws IOException when the file cannot be read
     * @throws CertificateParsingException when the file is empty, larger than {@link #MAX_CHARS} or not strict PEM
     */
    public static List<X509Certificate> read(Path file) throws IOException, CertificateParsingException {
        Objects.requireNonNull(file, "file");
        try (InputStream in = Files.newInputStream(file)) {
            return read(in);
        } catch (CertificateParsingException e) {
            CertificateParsingException named = new CertificateParsingException(file + ": " + e.getMessage());
            throw named;
        }
    }

    /**
     * Reads PEM text from a stream (to its end, at most {@link #MAX_CHARS} bytes); see {@link #parse(String)}.
     *
     * @param in the stream; not closed
     * @return the certificates, unmodifiable, never empty
     * @throws IOException when the stream cannot be read
     * @throws CertificateParsingException when the text is empty, too large or not strict PEM
     */
    public static List<X509Certificate> read(InputStream in) throws IOException, CertificateParsingException {
        Objects.requireNonNull(in, "in");
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        int n;
        while ((n = in.read(chunk)) != -1) {
            buffer.write(chunk, 0, n);
            if (buffer.size() > MAX_CHARS) {
                throw new CertificateParsingException("PEM input is larger than the " + MAX_CHARS
                        + " bytes a certificate bundle can need.");
            }
        }
        byte[] bytes = buffer.toByteArray();
        for (byte b : bytes) {
            if (b < 0) {
                throw new CertificateParsingException("PEM input holds bytes that are not ASCII (DER or a byte order "
                        + "mark?): convert DER with openssl x509 -inform DER -in cert.der -out cert.pem.");
            }
        }
        return parse(new String(bytes, StandardCharsets.US_ASCII));
    }

    /**
     * Writes certificates as PEM, in the given order, 64 base64 characters a line.
     *
     * @param certificates the certificates
     * @return the PEM text, ending with a line break
     * @throws CertificateEncodingException when a certificate cannot be encoded
     */
    public static String encode(List<X509Certificate> certificates) throws CertificateEncodingException {
        Objects.requireNonNull(certificates, "certificates");
        StringBuilder b = new StringBuilder();
        Base64.Encoder encoder = Base64.getMimeEncoder(64, new byte[] {'\n'});
        for (X509Certificate c : certificates) {
            b.append("-----BEGIN CERTIFICATE-----\n")
                    .append(encoder.encodeToString(Objects.requireNonNull(c, "certificate").getEncoded()))
                    .append("\n-----END CERTIFICATE-----\n");
        }
        return b.toString();
    }

    private static X509Certificate certificate(CertificateFactory factory, byte[] der, int lineNo)
            throws CertificateParsingException {
        Certificate parsed;
        try {
            parsed = factory.generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException | RuntimeException e) {
            throw new CertificateParsingException("PEM line " + lineNo + ": the CERTIFICATE block does not hold a "
                    + "readable X.509 certificate.");
        }
        if (!(parsed instanceof X509Certificate)) {
            throw new CertificateParsingException("PEM line " + lineNo + ": not an X.509 certificate.");
        }
        X509Certificate cert = (X509Certificate) parsed;
        try {
            if (!Arrays.equals(cert.getEncoded(), der)) {
                throw new CertificateParsingException("PEM line " + lineNo + ": the CERTIFICATE block holds more than "
                        + "one DER certificate, or bytes after it.");
            }
        } catch (CertificateEncodingException e) {
            throw new CertificateParsingException("PEM line " + lineNo + ": the certificate cannot be re-encoded.");
        }
        return cert;
    }

    private static String trimTrailing(String s) {
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) {
            end--;
        }
        return s.substring(0, end);
    }

    private static String printable(String label) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < label.length() && i < 40; i++) {
            char c = label.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return b.toString();
    }
}
