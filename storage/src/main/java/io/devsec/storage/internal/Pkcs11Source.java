package io.devsec.storage.internal;

import io.devsec.storage.CorruptKeystoreException;
import io.devsec.storage.KeystoreException;
import io.devsec.storage.KeystoreOptions;
import io.devsec.storage.Pkcs11Settings;
import io.devsec.storage.WrongMasterKeyException;
import java.io.IOException;
import java.security.AuthProvider;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.Provider;
import java.security.ProviderException;
import java.security.SecureRandom;
import java.security.Security;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.security.auth.login.LoginException;
import org.codehaus.mojo.animal_sniffer.IgnoreJRERequirement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Master key in a PKCS#11 token through the JDK's SunPKCS11 provider. The AES-256 master key is
 * generated in the token (sensitive, non-extractable) when a keystore is created and the alias is
 * absent; the data key is wrapped and unwrapped with AES/GCM/NoPadding inside the token.
 */
public final class Pkcs11Source implements MasterKeyBackend {
    private static final Logger LOG = LoggerFactory.getLogger(Pkcs11Source.class);
    private static final AtomicInteger PROVIDER_COUNT = new AtomicInteger();

    private final Pkcs11Settings settings;

    private Pkcs11Source(Pkcs11Settings settings) {
        this.settings = settings;
    }

    public static Pkcs11Source of(Pkcs11Settings settings) {
        return new Pkcs11Source(Objects.requireNonNull(settings, "settings"));
    }

    @Override
    public Kind kind() {
        return Kind.PKCS11_TOKEN;
    }

    /** No parameters: the token key is found by the alias in the settings. */
    @Override
    public byte[] newParameters(SecureRandom random) {
        return new byte[0];
    }

    @Override
    public byte[] wrap(byte[] parameters, byte[] dataKey, byte[] aad, KeystoreOptions options)
            throws IOException, KeystoreException {
        checkParameters(parameters);
        Provider provider = provider();
        try {
            Key key = masterKey(provider, true);
            byte[] nonce = new byte[AesGcm.NONCE_LENGTH];
            new SecureRandom().nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding", provider);
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            c.updateAAD(aad);
            byte[] ct = c.doFinal(dataKey);
            byte[] out = new byte[nonce.length + ct.length];
            System.arraycopy(nonce, 0, out, 0, nonce.length);
            System.arraycopy(ct, 0, out, nonce.length, ct.length);
            return out;
        } catch (GeneralSecurityException | ProviderException e) {
            if (e instanceof KeystoreException) {
                throw (KeystoreException) e;
            }
            throw new KeystoreException("The PKCS#11 token could not wrap the data key (" + e.getClass().getSimpleName()
                    + ": " + e.getMessage() + ").", e);
        } finally {
            logout(provider);
        }
    }

    @Override
    public byte[] unwrap(byte[] parameters, byte[] wrapped, byte[] aad, KeystoreOptions options)
            throws IOException, KeystoreException {
        checkParameters(parameters);
        if (wrapped.length < AesGcm.OVERHEAD) {
            throw new CorruptKeystoreException("The wrapped data key is too short.");
        }
        Provider provider = provider();
        try {
            Key key = masterKey(provider, false);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding", provider);
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, wrapped, 0, AesGcm.NONCE_LENGTH));
            c.updateAAD(aad);
            return c.doFinal(wrapped, AesGcm.NONCE_LENGTH, wrapped.length - AesGcm.NONCE_LENGTH);
        } catch (KeystoreException e) {
            throw e;
        } catch (GeneralSecurityException | ProviderException e) {
            throw new WrongMasterKeyException("The PKCS#11 key '" + settings.keyAlias()
                    + "' does not open this keystore (" + e.getClass().getSimpleName() + ").", e);
        } finally {
            logout(provider);
        }
    }

    private static void checkParameters(byte[] parameters) throws CorruptKeystoreException {
        if (parameters.length != 0) {
            throw new CorruptKeystoreException("The keystore header's PKCS#11 parameters must be empty, found "
                    + parameters.length + " bytes.");
        }
    }

    private Key masterKey(Provider provider, boolean createIfAbsent) throws IOException, KeystoreException {
        char[] pin = settings.pin();
        try {
            KeyStore ks = KeyStore.getInstance("PKCS11", provider);
            try {
                ks.load(null, pin);
            } catch (IOException e) {
                if (hasCause(e, LoginException.class) || String.valueOf(e.getMessage()).contains("PIN")) {
                    throw new WrongMasterKeyException("PKCS#11 login to the token failed: wrong PIN or locked token ("
                            + settings + ").", e);
                }
                throw e;
            }
            Key key = ks.getKey(settings.keyAlias(), null);
            if (key == null) {
                if (!createIfAbsent) {
                    throw new WrongMasterKeyException("The PKCS#11 token holds no key under the alias '"
                            + settings.keyAlias() + "', so this keystore cannot be opened.");
                }
                KeyGenerator kg = KeyGenerator.getInstance("AES", provider);
                kg.init(256);
                SecretKey generated = kg.generateKey();
                ks.setKeyEntry(settings.keyAlias(), generated, null, null);
                key = ks.getKey(settings.keyAlias(), null);
                if (key == null) {
                    throw new KeystoreException("The PKCS#11 token did not keep the generated master key under '"
                            + settings.keyAlias() + "'.");
                }
                LOG.info("Generated a non-extractable AES-256 master key in the PKCS#11 token under '{}'.", settings.keyAlias());
            }
            if (!"AES".equalsIgnoreCase(key.getAlgorithm())) {
                throw new WrongMasterKeyException("The PKCS#11 key '" + settings.keyAlias() + "' is "
                        + key.getAlgorithm() + ", not AES.");
            }
            if (key.getEncoded() != null) {
                LOG.warn("The PKCS#11 master key '{}' is extractable; a key that can leave the token is weaker.",
                        settings.keyAlias());
            }
            return key;
        } catch (GeneralSecurityException e) {
            if (e instanceof KeystoreException) {
                throw (KeystoreException) e;
            }
            throw new KeystoreException("The PKCS#11 token could not be used (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ").", e);
        } finally {
            Arrays.fill(pin, '\0');
        }
    }

    // Provider.configure is Java 9+ (Android lacks it): Android has no SunPKCS11 provider, so the
    // null check below throws before configure is reached there.
    @IgnoreJRERequirement
    private Provider provider() throws IOException {
        Provider base = Security.getProvider("SunPKCS11");
        if (base == null) {
            throw new IOException("The JDK has no SunPKCS11 provider (module jdk.crypto.cryptoki).");
        }
        String config;
        if (settings.sunPkcs11Config().isPresent()) {
            config = settings.sunPkcs11Config().get().toAbsolutePath().toString();
        } else {
            StringBuilder c = new StringBuilder("--");
            c.append("name = DevSec").append(PROVIDER_COUNT.incrementAndGet()).append('\n');
            c.append("library = \"").append(settings.library().get().toString()).append("\"\n");
            if (settings.slot().isPresent()) {
                c.append("slot = ").append(settings.slot().getAsLong()).append('\n');
            } else if (settings.slotListIndex().isPresent()) {
                c.append("slotListIndex = ").append(settings.slotListIndex().getAsInt()).append('\n');
            }
            c.append("attributes(generate, CKO_SECRET_KEY, CKK_AES) = {\n")
                    .append("  CKA_SENSITIVE = true\n  CKA_EXTRACTABLE = false\n}\n");
            config = c.toString();
        }
        try {
            return base.configure(config);
        } catch (RuntimeException e) {
            throw new IOException("The PKCS#11 provider could not be configured for " + settings + ": " + e.getMessage(), e);
        }
    }

    private static void logout(Provider provider) {
        if (provider instanceof AuthProvider) {
            try {
                ((AuthProvider) provider).logout();
            } catch (LoginException | RuntimeException e) {
                LOG.debug("PKCS#11 logout failed: {}", e.toString());
            }
        }
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "MasterKeySource.pkcs11(" + settings + ")";
    }
}
