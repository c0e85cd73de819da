package io.devsec.core.internal;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/**
 * The device identity: an EC P-256 key pair generated through Bouncy Castle's lightweight API (5-10x
 * faster than the JDK's), converted to JDK key objects so JSSE can use them; the device id derived from
 * the public key; the PKCS#10 request and the self-signed placeholder certificate.
 *
 * <p>The Bouncy Castle code (key generation, request, certificate, PEM) lives in {@link IdentityCertificates}:
 * a start that loads its identity calls only {@link #deviceId}, and with that code here the verifier loaded
 * Bouncy Castle classes at every start.
 */
public final class Identity {

    /** Prefix of every device id. */
    public static final String DEVICE_ID_PREFIX = "ds-";

    /**
     * notAfter of a self-signed identity certificate: 99991231235959Z, RFC 5280 section 4.1.2.5's
     * "no well-defined expiration date", as IEEE 802.1AR uses for device identities.
     */
    // 9999-12-31T23:59:59Z as epoch seconds: Instant.parse here initialised java.time's formatters (about
    // 30 ms) at every start, for a constant.
    public static final Instant NO_EXPIRY = Instant.ofEpochSecond(253402300799L);

    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

    private Identity() {}

    /** Generates a fresh P-256 key pair (BC lightweight generator), returned as JDK (SunEC) keys. */
    public static KeyPair generateKeyPair(SecureRandom random) {
        return IdentityCertificates.generateKeyPair(random);
    }

    /**
     * The device id: {@value #DEVICE_ID_PREFIX} followed by the lower-case base32 of the first 20 bytes
     * (160 bits) of SHA-256 over the DER SubjectPublicKeyInfo. Stable for a key, unique per key, and
     * unrelated to serial number or MAC.
     */
    public static String deviceId(PublicKey publicKey) {
        return deviceId(publicKey.getEncoded());
    }

    /**
     * The device id of a DER SubjectPublicKeyInfo, as {@link #deviceId(PublicKey)} computes it from the key's
     * encoding: for a start that reads the field from the stored certificate ({@link CertificateDer}) instead
     * of parsing it. Equal to {@code deviceId(key)} when the field is in the JDK's encoding of the key (named
     * curve), as in the certificates and requests DevSec makes; a caller that later parses the certificate
     * should compare.
     *
     * @param subjectPublicKeyInfo DER SubjectPublicKeyInfo
     * @return the device id
     */
    public static String deviceId(byte[] subjectPublicKeyInfo) {
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(subjectPublicKeyInfo);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
        return DEVICE_ID_PREFIX + base32(Arrays.copyOf(digest, 20));
    }

    static String base32(byte[] data) {
        StringBuilder out = new StringBuilder((data.length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(BASE32[(buffer >>> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(BASE32[(buffer << (5 - bits)) & 31]);
        }
        return out.toString();
    }

    /** A PKCS#10 request for the identity key, subject CN=device id (and serialNumber when known), DER. */
    public static byte[] certificateSigningRequest(KeyPair keys, String deviceId, Optional<String> serialNumber) {
        return IdentityCertificates.certificateSigningRequest(keys, deviceId, serialNumber);
    }

    /**
     * A self-signed certificate for the identity key, valid from {@code now} (less a minute of clock
     * tolerance) to {@link #NO_EXPIRY}: an end-entity certificate for TLS client authentication.
     */
    public static X509Certificate selfSignedCertificate(KeyPair keys, String deviceId, Optional<String> serialNumber,
            Instant now, SecureRandom random) {
        return IdentityCertificates.selfSignedCertificate(keys, deviceId, serialNumber, now, random);
    }

    /** Whether a certificate is self-signed by the given key (issuer = subject, signature verifies). */
    public static boolean isSelfSigned(X509Certificate cert) {
        if (!cert.getIssuerX500Principal().equals(cert.getSubjectX500Principal())) {
            return false;
        }
        try {
            cert.verify(cert.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** PEM text of a DER PKCS#10 request. */
    public static String csrPem(byte[] der) {
        return IdentityCertificates.csrPem(der);
    }
}
