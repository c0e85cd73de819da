package io.devsec.transport;

import java.util.Objects;
import javax.crypto.SecretKey;

/**
 * The AES-256 key that protects the outbox at rest. It encrypts (AES-256-GCM) only the random
 * data keys of the outbox's key generations, one small record per generation; the messages are
 * encrypted under those data keys, so this long-lived key never approaches the GCM usage limits.
 * Core supplies it from the keystore; a key inside a PKCS#11 token works too, because DevSec only
 * hands it to {@code Cipher.init}.
 */
public interface OutboxKey {
    /**
     * The AES key; called once when the outbox opens.
     *
     * @return the key
     */
    SecretKey secretKey();

    /**
     * Wraps a key.
     *
     * @param key an AES key (256 bits when extractable)
     * @return the outbox key
     * @throws IllegalArgumentException when the key is not AES, or is extractable and not 256 bits
     */
    static OutboxKey of(SecretKey key) {
        Objects.requireNonNull(key, "key");
        if (!"AES".equalsIgnoreCase(key.getAlgorithm())) {
            throw new IllegalArgumentException("key must be an AES key, got " + key.getAlgorithm());
        }
        byte[] enc = key.getEncoded();
        if (enc != null) {
            int bits = enc.length * 8;
            java.util.Arrays.fill(enc, (byte) 0);
            if (bits != 256) {
                throw new IllegalArgumentException("key must be 256 bits, got " + bits);
            }
        }
        return () -> key;
    }
}
