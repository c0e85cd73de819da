package io.devsec.core.internal;

import java.util.Arrays;

/**
 * Reads the SubjectPublicKeyInfo out of a DER X.509 certificate without a {@code CertificateFactory}: a
 * start that needs only the device id (a hash of that field) then does not initialise the JDK's X.509,
 * EC key and security-event logging code (about a tenth of a {@code DeviceSecurity} start). Walks the
 * fixed fields of RFC 5280's TBSCertificate with bounds checks and refuses anything else; it does not
 * check the signature or any other field, so use it only on certificates from the authenticated keystore.
 */
public final class CertificateDer {
    private static final int SEQUENCE = 0x30;
    private static final int INTEGER = 0x02;
    private static final int VERSION = 0xa0;

    private CertificateDer() {}

    /**
     * The DER SubjectPublicKeyInfo of a certificate, byte for byte as it is in {@code certificate}.
     *
     * @param certificate a DER X.509 certificate
     * @return a copy of its subjectPublicKeyInfo field
     * @throws IllegalArgumentException when {@code certificate} is not a DER certificate of that structure
     */
    public static byte[] subjectPublicKeyInfo(byte[] certificate) {
        int[] pos = {0};
        int certEnd = enter(certificate, pos, SEQUENCE, certificate.length);
        if (certEnd != certificate.length) {
            throw new IllegalArgumentException("bytes after the certificate");
        }
        int tbsEnd = enter(certificate, pos, SEQUENCE, certEnd);
        if (pos[0] < tbsEnd && (certificate[pos[0]] & 0xff) == VERSION) {
            skip(certificate, pos, VERSION, tbsEnd);
        }
        skip(certificate, pos, INTEGER, tbsEnd); // serialNumber
        skip(certificate, pos, SEQUENCE, tbsEnd); // signature AlgorithmIdentifier
        skip(certificate, pos, SEQUENCE, tbsEnd); // issuer
        skip(certificate, pos, SEQUENCE, tbsEnd); // validity
        skip(certificate, pos, SEQUENCE, tbsEnd); // subject
        int start = pos[0];
        skip(certificate, pos, SEQUENCE, tbsEnd); // subjectPublicKeyInfo
        return Arrays.copyOfRange(certificate, start, pos[0]);
    }

    /** Reads a header of {@code tag}; leaves {@code pos} at its content and returns the content's end. */
    private static int enter(byte[] der, int[] pos, int tag, int limit) {
        int length = header(der, pos, tag, limit);
        return pos[0] + length;
    }

    private static void skip(byte[] der, int[] pos, int tag, int limit) {
        int length = header(der, pos, tag, limit);
        pos[0] += length;
    }

    private static int header(byte[] der, int[] pos, int tag, int limit) {
        int p = pos[0];
        if (limit - p < 2 || (der[p] & 0xff) != tag) {
            throw new IllegalArgumentException("not a DER certificate: expected tag 0x" + Integer.toHexString(tag)
                    + " at offset " + p);
        }
        int first = der[p + 1] & 0xff;
        p += 2;
        int length;
        if (first < 0x80) {
            length = first;
        } else {
            int n = first & 0x7f;
            if (n == 0 || n > 3 || limit - p < n) {
                throw new IllegalArgumentException("not a DER certificate: bad length at offset " + (p - 1));
            }
            length = 0;
            for (int i = 0; i < n; i++) {
                length = (length << 8) | (der[p++] & 0xff);
            }
            if (length < 0x80 || (n > 1 && length >>> (8 * (n - 1)) == 0)) {
                throw new IllegalArgumentException("not a DER certificate: length not in minimal form at offset "
                        + (p - n - 1));
            }
        }
        if (length > limit - p) {
            throw new IllegalArgumentException("not a DER certificate: length beyond its container at offset " + p);
        }
        pos[0] = p;
        return length;
    }
}
