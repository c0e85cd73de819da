package io.devsec.transport;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * A SHA-256 pin of a certificate's SubjectPublicKeyInfo, written {@code sha256/BASE64} as in
 * HTTP public key pinning and OkHttp's {@code CertificatePinner}.
 *
 * <p>A pin matches a peer when a certificate on the path that PKIX validation built from the
 * peer's certificate to a trust anchor, or that anchor, carries the pinned public key, so pinning
 * the issuing CA's key survives a renewal of the server certificate. Certificates the peer sends
 * that are not on that path never match.
 */
public final class PublicKeyPin {
    private static final String PREFIX = "sha256/";
    private final byte[] hash;

    private PublicKeyPin(byte[] hash) {
        this.hash = hash;
    }

    /**
     * Parses {@code sha256/BASE64} (or the bare base64 of a SHA-256 hash).
     *
     * @param pin the pin's text
     * @return the pin
     * @throws IllegalArgumentException when the text is not the base64 of 32 bytes
     */
    public static PublicKeyPin parse(String pin) {
        Objects.requireNonNull(pin, "pin");
        String b64 = pin.startsWith(PREFIX) ? pin.substring(PREFIX.length()) : pin;
        byte[] h;
        try {
            h = Base64.getDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("pin is not base64: " + pin, e);
        }
        if (h.length != 32) {
            throw new IllegalArgumentException("pin must be the base64 of a 32-byte SHA-256 hash, got " + h.length + " bytes");
        }
        return new PublicKeyPin(h);
    }

    /**
     * The pin of a public key: SHA-256 over its DER SubjectPublicKeyInfo.
     *
     * @param key the public key
     * @return its pin
     */
    public static PublicKeyPin of(PublicKey key) {
        Objects.requireNonNull(key, "key");
        try {
            return new PublicKeyPin(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /**
     * The pin of a certificate's public key.
     *
     * @param certificate the certificate
     * @return the pin of its public key
     */
    public static PublicKeyPin of(X509Certificate certificate) {
        return of(Objects.requireNonNull(certificate, "certificate").getPublicKey());
    }

    /** Whether {@code other} is the same pin (constant-time comparison). */
    boolean matches(PublicKeyPin other) {
        return MessageDigest.isEqual(hash, other.hash);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PublicKeyPin && MessageDigest.isEqual(hash, ((PublicKeyPin) o).hash);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(hash);
    }

    /** {@code sha256/BASE64}: pins are public values. */
    @Override
    public String toString() {
        return PREFIX + Base64.getEncoder().encodeToString(hash);
    }
}
