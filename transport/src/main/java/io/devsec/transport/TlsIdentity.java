package io.devsec.transport;

import io.devsec.transport.internal.SingleKeyManager;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.X509KeyManager;

/**
 * The device's TLS client identity: a key manager that can sign with the device key and present
 * its certificate chain.
 *
 * <p>DevSec never needs the key bytes: a {@link PrivateKey} that lives in a PKCS#11 token (a
 * secure element, SoftHSM) works as well as a software key, because JSSE only asks it to sign.
 */
public final class TlsIdentity {
    private final X509KeyManager keyManager;

    private TlsIdentity(X509KeyManager keyManager) {
        this.keyManager = keyManager;
    }

    /**
     * An identity from an existing key manager (for example one over a PKCS#11 {@code KeyStore}).
     *
     * @param keyManager the key manager
     * @return the identity
     */
    public static TlsIdentity of(X509KeyManager keyManager) {
        return new TlsIdentity(Objects.requireNonNull(keyManager, "keyManager"));
    }

    /**
     * An identity from a private key and its certificate chain, leaf first.
     *
     * @param key the device's private key
     * @param chain its certificate chain, leaf first
     * @return the identity
     * @throws IllegalArgumentException when the chain is empty or the leaf's key type does not
     *     match the private key's algorithm
     */
    public static TlsIdentity of(PrivateKey key, List<X509Certificate> chain) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(chain, "chain");
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("chain must hold at least the device certificate");
        }
        String certAlg = chain.get(0).getPublicKey().getAlgorithm();
        if (!sameFamily(certAlg, key.getAlgorithm())) {
            throw new IllegalArgumentException("chain: leaf certificate key is " + certAlg + " but the private key is "
                    + key.getAlgorithm());
        }
        return new TlsIdentity(new SingleKeyManager(key, chain));
    }

    private static boolean sameFamily(String a, String b) {
        return norm(a).equals(norm(b));
    }

    private static String norm(String alg) {
        return "ECDSA".equalsIgnoreCase(alg) ? "EC" : alg.toUpperCase(java.util.Locale.ROOT);
    }

    /**
     * The key manager JSSE will use.
     *
     * @return the key manager
     */
    public X509KeyManager keyManager() {
        return keyManager;
    }

    @Override
    public String toString() {
        return "TlsIdentity{" + keyManager.getClass().getSimpleName() + "}";
    }
}
