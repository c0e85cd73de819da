package io.devsec.transport.internal;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/** A key manager with exactly one client identity; never serves as a server. */
public final class SingleKeyManager extends X509ExtendedKeyManager {
    private static final String ALIAS = "device";
    private final PrivateKey key;
    private final X509Certificate[] chain;

    public SingleKeyManager(PrivateKey key, List<X509Certificate> chain) {
        this.key = key;
        this.chain = chain.toArray(new X509Certificate[0]);
    }

    private boolean usable(String[] keyTypes) {
        if (keyTypes == null) {
            return true;
        }
        String alg = chain[0].getPublicKey().getAlgorithm();
        for (String t : keyTypes) {
            if (t.equalsIgnoreCase(alg) || ("EC".equalsIgnoreCase(alg) && t.toUpperCase(java.util.Locale.ROOT).startsWith("EC"))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return usable(new String[] {keyType}) ? new String[] {ALIAS} : null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return usable(keyType) ? ALIAS : null;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return usable(keyType) ? ALIAS : null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return ALIAS.equals(alias) ? chain.clone() : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return ALIAS.equals(alias) ? key : null;
    }

    @Override
    public String toString() {
        return "SingleKeyManager{" + chain[0].getSubjectX500Principal().getName() + "}";
    }
}
