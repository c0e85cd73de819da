package io.devsec.update;

import io.devsec.update.internal.Hex;
import io.devsec.update.internal.Sha256;
import io.devsec.update.internal.SignatureCheck;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;

/**
 * A public key that may sign root or update metadata: Ed25519 or ECDSA P-256, held as its DER
 * SubjectPublicKeyInfo. Its key id is the lowercase hex SHA-256 of that DER.
 *
 * <p>One public key can have several DER encodings (a P-256 point compressed or uncompressed), so
 * several key ids. {@link #sameKey} compares keys in one canonical form (the uncompressed point for
 * P-256, the 32 raw bytes for Ed25519, which Bouncy Castle accepts only canonically encoded), and
 * thresholds count keys that way: one key never counts twice.
 *
 * <p>Immutable and thread-safe. Parsing is strict: the DER must be canonical, an EC key must name
 * the P-256 curve and its point must lie on it.
 */
public final class VerificationKey {
    private final KeyAlgorithm algorithm;
    private final byte[] spki;
    private final String keyId;
    private final AsymmetricKeyParameter parameters;
    private final byte[] canonical;

    private VerificationKey(KeyAlgorithm algorithm, byte[] spki, AsymmetricKeyParameter parameters) {
        this.algorithm = algorithm;
        this.spki = spki;
        this.keyId = Hex.encode(Sha256.digest(spki));
        this.parameters = parameters;
        this.canonical = algorithm == KeyAlgorithm.ED25519 ? ((Ed25519PublicKeyParameters) parameters).getEncoded()
                : ((ECPublicKeyParameters) parameters).getQ().normalize().getEncoded(false);
    }

    /**
     * Parses a DER SubjectPublicKeyInfo.
     *
     * @param der the SubjectPublicKeyInfo
     * @return the key
     * @throws UnsupportedKeyException when it is not canonical DER of an Ed25519 or P-256 key
     */
    public static VerificationKey fromSubjectPublicKeyInfo(byte[] der) throws UnsupportedKeyException {
        byte[] copy = der.clone();
        SignatureCheck.Parsed parsed = SignatureCheck.parsePublicKey(copy);
        return new VerificationKey(parsed.algorithm, copy, parsed.parameters);
    }

    /**
     * Parses a PEM {@code PUBLIC KEY} block (SubjectPublicKeyInfo), as {@code devsec keygen} and
     * {@code openssl pkey -pubout} write it.
     *
     * @param pem the PEM text
     * @return the key
     * @throws UnsupportedKeyException when it is not one PEM public key of an Ed25519 or P-256 key
     */
    public static VerificationKey fromPem(String pem) throws UnsupportedKeyException {
        String begin = "-----BEGIN PUBLIC KEY-----";
        String end = "-----END PUBLIC KEY-----";
        int b = pem.indexOf(begin);
        int e = pem.indexOf(end);
        if (b < 0 || e < b) {
            throw new UnsupportedKeyException("not a PEM PUBLIC KEY block");
        }
        String body = pem.substring(b + begin.length(), e).replaceAll("\\s", "");
        try {
            return fromSubjectPublicKeyInfo(Base64.getDecoder().decode(body));
        } catch (IllegalArgumentException ex) {
            throw new UnsupportedKeyException("PEM body is not base64", ex);
        }
    }

    /**
     * The key's algorithm.
     *
     * @return Ed25519 or ECDSA P-256
     */
    public KeyAlgorithm algorithm() {
        return algorithm;
    }

    /**
     * Lowercase hex SHA-256 of the DER SubjectPublicKeyInfo (64 characters).
     *
     * @return the key id
     */
    public String keyId() {
        return keyId;
    }

    /**
     * A copy of the DER SubjectPublicKeyInfo.
     *
     * @return the DER bytes (a new array on each call)
     */
    public byte[] subjectPublicKeyInfo() {
        return spki.clone();
    }

    /**
     * The key as a PEM {@code PUBLIC KEY} block.
     *
     * @return the PEM text
     */
    public String toPem() {
        String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(spki);
        return "-----BEGIN PUBLIC KEY-----\n" + b64 + "\n-----END PUBLIC KEY-----\n";
    }

    /**
     * Whether {@code other} is the same public key as this one, whatever its encoding (and so its
     * key id): the same algorithm and the same canonical key (uncompressed point or raw Ed25519 key).
     *
     * @param other another key
     * @return true when both are one key
     */
    public boolean sameKey(VerificationKey other) {
        return algorithm == other.algorithm && MessageDigest.isEqual(canonical, other.canonical);
    }

    /** The canonical key as hex, prefixed by the algorithm: equal for every encoding of one key. */
    String canonicalId() {
        return algorithm.id() + ":" + Hex.encode(canonical);
    }

    /**
     * Whether {@code signature} is a valid signature by this key over {@code message} (for ECDSA:
     * over its SHA-256; the signature DER-encoded). Internal building block: metadata verification
     * goes through {@link UpdateVerifier}, which counts thresholds and throws.
     */
    boolean verifies(byte[] message, byte[] signature) {
        return SignatureCheck.verify(algorithm, parameters, message, signature);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VerificationKey && Arrays.equals(spki, ((VerificationKey) o).spki);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(spki);
    }

    @Override
    public String toString() {
        return "VerificationKey[" + algorithm.id() + ", " + keyId + "]";
    }
}
