package io.devsec.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12: an application plugs in a master key source of its own, here a JCA key standing in for an
 * AndroidKeyStore key (same Cipher calls: AES/GCM/NoPadding with the key store's key).
 */
class CustomMasterKeySourceTest {
    @TempDir
    Path dir;

    /** What an Android app would write around {@code KeyStore.getInstance("AndroidKeyStore")}. */
    static final class PlatformKeySource implements MasterKeySource {
        private final String alias;
        private final SecretKey key;

        PlatformKeySource(String alias, SecretKey key) {
            this.alias = alias;
            this.key = key;
        }

        @Override
        public Kind kind() {
            return Kind.CUSTOM;
        }

        @Override
        public byte[] newParameters(SecureRandom random) {
            return alias.getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public byte[] wrap(byte[] parameters, byte[] dataKey, byte[] aad, KeystoreOptions options) throws KeystoreException {
            try {
                Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
                c.init(Cipher.ENCRYPT_MODE, key);
                c.updateAAD(aad);
                byte[] iv = c.getIV();
                byte[] ct = c.doFinal(dataKey);
                byte[] out = new byte[iv.length + ct.length];
                System.arraycopy(iv, 0, out, 0, iv.length);
                System.arraycopy(ct, 0, out, iv.length, ct.length);
                return out;
            } catch (GeneralSecurityException e) {
                throw new MasterKeySourceException("platform key store refused: " + e.getClass().getSimpleName(), e);
            }
        }

        @Override
        public byte[] unwrap(byte[] parameters, byte[] wrapped, byte[] aad, KeystoreOptions options)
                throws IOException, KeystoreException {
            if (!new String(parameters, StandardCharsets.US_ASCII).equals(alias)) {
                throw new WrongMasterKeyException("This keystore was sealed under another platform key alias.");
            }
            try {
                Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
                c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, wrapped, 0, 12));
                c.updateAAD(aad);
                return c.doFinal(wrapped, 12, wrapped.length - 12);
            } catch (AEADBadTagException e) {
                throw new WrongMasterKeyException("The platform key does not open this keystore.");
            } catch (GeneralSecurityException e) {
                throw new MasterKeySourceException("platform key store refused: " + e.getClass().getSimpleName(), e);
            }
        }
    }

    private static SecretKey newKey() throws Exception {
        KeyGenerator g = KeyGenerator.getInstance("AES");
        g.init(256);
        return g.generateKey();
    }

    @Test
    void customSource_createsAndReopensKeystore_andRecordsKindCustom() throws Exception {
        MasterKeySource source = new PlatformKeySource("devsec-master", newKey());
        Path file = dir.resolve("ks");
        try (Keystore ks = Keystore.open(file, source)) {
            assertThat(ks.masterKeyKind()).isEqualTo(MasterKeySource.Kind.CUSTOM);
            ks.putSecret("s", new byte[] {4, 2});
        }
        try (Keystore ks = Keystore.open(file, source)) {
            assertThat(ks.secret("s").orElseThrow()).containsExactly(4, 2);
        }
    }

    @Test
    void customSource_otherKey_throwsWrongMasterKeyException_andBuiltInKindIsRefused() throws Exception {
        Path file = dir.resolve("ks");
        Keystore.open(file, new PlatformKeySource("devsec-master", newKey())).close();
        assertThatThrownBy(() -> Keystore.open(file, new PlatformKeySource("devsec-master", newKey())))
                .isInstanceOf(WrongMasterKeyException.class);
        assertThatThrownBy(() -> Keystore.open(file, TestSupport.secretIn(dir)))
                .isInstanceOf(WrongMasterKeyException.class).hasMessageContaining("CUSTOM");
    }

    @Test
    void builtInFactories_stillWork_andAreMasterKeySources() throws Exception {
        MasterKeySource secret = MasterKeySource.deviceSecretFile(dir.resolve("device.secret"));
        assertThat(secret.kind()).isEqualTo(MasterKeySource.Kind.DEVICE_SECRET_FILE);
        assertThat(MasterKeySource.passphrase("correct horse battery".toCharArray()).kind())
                .isEqualTo(MasterKeySource.Kind.PASSPHRASE);
        try (Keystore ks = Keystore.open(dir.resolve("ks"), secret)) {
            assertThat(ks.masterKeyKind()).isEqualTo(MasterKeySource.Kind.DEVICE_SECRET_FILE);
        }
    }
}
