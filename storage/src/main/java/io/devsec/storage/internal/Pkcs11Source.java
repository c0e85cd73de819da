package io.devsec.storage.internal;

import io.devsec.storage.CorruptKeystoreException;
import io.devsec.storage.KeystoreException;
import io.devsec.storage.KeystoreOptions;
import io.devsec.storage.MasterKeySourceException;
import io.devsec.storage.Pkcs11Settings;
import io.devsec.storage.WeakMasterKeyException;
import io.devsec.storage.WrongMasterKeyException;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.Provider;
import java.security.ProviderException;
import java.security.SecureRandom;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Master key in a PKCS#11 token through the JDK's SunPKCS11 provider. The AES-256 master key is
 * generated in the token (sensitive, non-extractable) when a keystore is created and the alias is
 * absent; the data key is wrapped and unwrapped with AES/GCM/NoPadding inside the token.
 */
public final class Pkcs11Source implements MasterKeyBackend {
    private static final Logger LOG = LoggerFactory.getLogger(Pkcs11Source.class);

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
        Provider provider = Pkcs11Tokens.provider(settings);
        synchronized (provider) {
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
            } catch (KeystoreException e) {
                throw e;
            } catch (GeneralSecurityException | ProviderException e) {
                throw new MasterKeySourceException("The PKCS#11 token could not wrap the data key (" + e.getClass().getSimpleName()
                        + ": " + e.getMessage() + ").", e);
            } finally {
                Pkcs11Tokens.logout(provider);
            }
        }
    }

    @Override
    public byte[] unwrap(byte[] parameters, byte[] wrapped, byte[] aad, KeystoreOptions options)
            throws IOException, KeystoreException {
        checkParameters(parameters);
        if (wrapped.length < AesGcm.OVERHEAD) {
            throw new CorruptKeystoreException("The wrapped data key is too short.");
        }
        Provider provider = Pkcs11Tokens.provider(settings);
        synchronized (provider) {
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
                Pkcs11Tokens.logout(provider);
            }
        }
    }

    private static void checkParameters(byte[] parameters) throws CorruptKeystoreException {
        if (parameters.length != 0) {
            throw new CorruptKeystoreException("The keystore header's PKCS#11 parameters must be empty, found "
                    + parameters.length + " bytes.");
        }
    }

    private Key masterKey(Provider provider, boolean createIfAbsent) throws IOException, KeystoreException {
        try {
            KeyStore ks = Pkcs11Tokens.login(provider, settings);
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
                    throw new MasterKeySourceException("The PKCS#11 token did not keep the generated master key under '"
                            + settings.keyAlias() + "'.");
                }
                LOG.info("Generated a non-extractable AES-256 master key in the PKCS#11 token under '{}'.", settings.keyAlias());
            }
            if (!"AES".equalsIgnoreCase(key.getAlgorithm())) {
                throw new WrongMasterKeyException("The PKCS#11 key '" + settings.keyAlias() + "' is "
                        + key.getAlgorithm() + ", not AES.");
            }
            checkNotExtractable(key);
            return key;
        } catch (KeystoreException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new MasterKeySourceException("The PKCS#11 token could not be used (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ").", e);
        }
    }

    /**
     * Refuses a master key that can leave the token (CKA_EXTRACTABLE or not CKA_SENSITIVE), unless the
     * settings opt in. The JDK offers no public attribute query: SunPKCS11 keys say "sensitive" /
     * "not sensitive" and "extractable" / "unextractable" in their description, which is read here;
     * a key whose description says neither is accepted with a warning.
     */
    private void checkNotExtractable(Key key) throws WeakMasterKeyException {
        String description = String.valueOf(key);
        boolean readable = key.getEncoded() != null || description.contains("not sensitive");
        boolean extractable = description.contains(", extractable");
        if (readable || extractable) {
            if (settings.insecureAllowExtractableMasterKey()) {
                LOG.warn("The PKCS#11 master key '{}' is extractable (insecureAllowExtractableMasterKey): a key that "
                        + "can leave the token is weaker.", settings.keyAlias());
                return;
            }
            throw new WeakMasterKeyException("The PKCS#11 master key '" + settings.keyAlias() + "' is "
                    + (readable ? "readable" : "extractable") + ": it can leave the token. Generate a sensitive, "
                    + "non-extractable key (or let the keystore generate one under a new alias), or opt in with "
                    + "Pkcs11Settings.Builder.insecureAllowExtractableMasterKey(true).");
        }
        if (!description.contains("unextractable")) {
            LOG.warn("Cannot tell whether the PKCS#11 master key '{}' is extractable on this JDK.", settings.keyAlias());
        }
    }

    @Override
    public String toString() {
        return "MasterKeySource.pkcs11(" + settings + ")";
    }
}
