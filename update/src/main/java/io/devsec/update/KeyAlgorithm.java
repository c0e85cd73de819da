package io.devsec.update;

import java.util.Locale;

/** Signature algorithms accepted on update and root metadata. */
public enum KeyAlgorithm {
    /** Ed25519 (RFC 8032) over the DSSE pre-authentication encoding itself. */
    ED25519("ed25519"),
    /** ECDSA on P-256 over the SHA-256 of the pre-authentication encoding, DER-encoded signature. */
    ECDSA_P256("ecdsa-p256");

    private final String id;

    KeyAlgorithm(String id) {
        this.id = id;
    }

    /**
     * The name used in metadata and on the command line: {@code ed25519} or {@code ecdsa-p256}.
     *
     * @return the name
     */
    public String id() {
        return id;
    }

    /**
     * The algorithm named {@code id} ({@code ed25519} or {@code ecdsa-p256}, case-insensitive).
     *
     * @param id the name
     * @return the algorithm
     * @throws IllegalArgumentException when the name is neither
     */
    public static KeyAlgorithm fromId(String id) {
        String lower = id.toLowerCase(Locale.ROOT);
        for (KeyAlgorithm a : values()) {
            if (a.id.equals(lower)) {
                return a;
            }
        }
        throw new IllegalArgumentException("algorithm must be ed25519 or ecdsa-p256, not '" + id + "'");
    }
}
