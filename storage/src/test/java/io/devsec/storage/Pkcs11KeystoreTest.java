package io.devsec.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.Provider;
import java.security.Security;
import java.util.Collections;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PKCS#11 master key against a real SoftHSM2 token through SunPKCS11. Skips when SoftHSM2 is
 * missing (install: {@code apt-get install -y softhsm2}), fails instead when CI=true.
 */
class Pkcs11KeystoreTest {
    private static final Path LIBRARY = SoftHsm.LIBRARY;
    private static final char[] PIN = SoftHsm.PIN;
    private static long slot;

    @TempDir
    Path dir;

    @BeforeAll
    static void initToken() throws Exception {
        slot = SoftHsm.slot();
    }

    private static Pkcs11Settings settings(String alias, char[] pin) {
        return Pkcs11Settings.builder().library(LIBRARY).slot(slot).pin(pin).keyAlias(alias).build();
    }

    @Test
    void pkcs11MasterKey_generatedNonExtractableInToken_andKeystoreRoundTrips() throws Exception {
        Path file = dir.resolve("ks");
        try (Keystore ks = Keystore.open(file, MasterKeySource.pkcs11(settings("roundtrip", PIN)))) {
            assertThat(ks.created()).isTrue();
            assertThat(ks.masterKeyKind()).isEqualTo(MasterKeySource.Kind.PKCS11_TOKEN);
            ks.putSecret("s", new byte[] {7, 7});
        }
        try (Keystore ks = Keystore.open(file, MasterKeySource.pkcs11(settings("roundtrip", PIN)))) {
            assertThat(ks.created()).isFalse();
            assertThat(ks.secret("s").get()).containsExactly(7, 7);
        }
        // The key lives in the token, is AES and cannot be read out.
        Provider p = Security.getProvider("SunPKCS11").configure(
                "--name=DevSecTestCheck\nlibrary=" + LIBRARY + "\nslot=" + slot + "\n");
        KeyStore token = KeyStore.getInstance("PKCS11", p);
        token.load(null, PIN);
        Key key = token.getKey("roundtrip", null);
        assertThat(key).isNotNull();
        assertThat(key.getAlgorithm()).isEqualTo("AES");
        assertThat(key.getEncoded()).as("non-extractable key has no encoding").isNull();
    }

    @Test
    void wrongPin_throwsWrongMasterKeyException() throws Exception {
        Path file = dir.resolve("ks");
        Keystore.open(file, MasterKeySource.pkcs11(settings("pin-test", PIN))).close();
        assertThatThrownBy(() -> Keystore.open(file, MasterKeySource.pkcs11(settings("pin-test", "0000".toCharArray()))))
                .isInstanceOf(WrongMasterKeyException.class).hasMessageContaining("login")
                .hasMessageNotContaining("0000");
    }

    @Test
    void otherTokenKey_throwsWrongMasterKeyException_andAbsentAliasIsNeverCreatedOnOpen() throws Exception {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        Keystore.open(a, MasterKeySource.pkcs11(settings("key-a", PIN))).close();
        Keystore.open(b, MasterKeySource.pkcs11(settings("key-b", PIN))).close();
        assertThatThrownBy(() -> Keystore.open(a, MasterKeySource.pkcs11(settings("key-b", PIN))))
                .isInstanceOf(WrongMasterKeyException.class).hasMessageContaining("key-b");
        assertThatThrownBy(() -> Keystore.open(a, MasterKeySource.pkcs11(settings("never-made", PIN))))
                .isInstanceOf(WrongMasterKeyException.class).hasMessageContaining("no key under the alias");
    }

    @Test
    void settings_validateAndNeverPrintThePin() {
        assertThatThrownBy(() -> Pkcs11Settings.builder().pin(PIN).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("library");
        assertThatThrownBy(() -> Pkcs11Settings.builder().library(LIBRARY).build())
                .hasMessageContaining("pin");
        assertThatThrownBy(() -> Pkcs11Settings.builder().library(Path.of("rel.so")).pin(PIN).build())
                .hasMessageContaining("absolute");
        assertThatThrownBy(() -> Pkcs11Settings.builder().library(LIBRARY).slot(1).slotListIndex(0).pin(PIN).build())
                .hasMessageContaining("slot");
        Pkcs11Settings s = settings("x", PIN);
        assertThat(s.toString()).doesNotContain(new String(PIN)).contains("hidden");
        s.destroy();
        assertThatThrownBy(s::pin).isInstanceOf(IllegalStateException.class);
    }


    @Test
    void pkcs11RollbackCounter_olderKeystoreCopy_throwsKeystoreRollbackException() throws Exception {
        RollbackScenarios.olderCopyIsRefused(dir, MasterKeySource.pkcs11(settings("rollback-master", PIN)),
                RollbackProtection.pkcs11(settings("rollback-master", PIN), "devsec-test-version"));
    }

    @Test
    void pkcs11RollbackCounter_survivesAnInterruptedAdvance_highestLabelWins() throws Exception {
        RollbackProtection counter = RollbackProtection.pkcs11(settings("x", PIN), "devsec-test-labels");
        assertThat(counter.read()).isEqualTo(RollbackProtection.NEVER_SET);
        assertThat(counter.advanceTo(0)).isZero();
        assertThat(counter.advanceTo(3)).isEqualTo(3);
        assertThat(counter.advanceTo(2)).as("never lowered").isEqualTo(3);
        // An advance interrupted after creating the new label and before deleting the old one:
        Provider p = Security.getProvider("SunPKCS11").configure(
                "--name=DevSecTestLabels\nlibrary=" + LIBRARY + "\nslot=" + slot + "\n");
        KeyStore token = KeyStore.getInstance("PKCS11", p);
        token.load(null, PIN);
        javax.crypto.KeyGenerator kg = javax.crypto.KeyGenerator.getInstance("AES", p);
        kg.init(128);
        token.setKeyEntry("devsec-test-labels.4", kg.generateKey(), null, null);
        assertThat(Collections.list(token.aliases())).contains("devsec-test-labels.3", "devsec-test-labels.4");
        assertThat(counter.read()).isEqualTo(4);
        assertThat(RollbackProtection.pkcs11(settings("x", PIN), "devsec-test-labels").advanceTo(5)).isEqualTo(5);
        token.load(null, PIN);
        assertThat(Collections.list(token.aliases())).contains("devsec-test-labels.5")
                .doesNotContain("devsec-test-labels.3", "devsec-test-labels.4");
    }

    @Test
    void extractableMasterKey_isRefusedWithWeakMasterKeyException_unlessInsecureOptIn() throws Exception {
        // A master key made outside DevSec as sensitive but extractable (it could be wrapped out of the token).
        Provider p = Security.getProvider("SunPKCS11").configure("--name=DevSecTestExtractable\nlibrary=" + LIBRARY
                + "\nslot=" + slot + "\nattributes(generate, CKO_SECRET_KEY, CKK_AES) = {\n  CKA_SENSITIVE = true\n"
                + "  CKA_EXTRACTABLE = true\n}\n");
        KeyStore token = KeyStore.getInstance("PKCS11", p);
        token.load(null, PIN);
        javax.crypto.KeyGenerator kg = javax.crypto.KeyGenerator.getInstance("AES", p);
        kg.init(256);
        token.setKeyEntry("extractable-master", kg.generateKey(), null, null);

        Path file = dir.resolve("ks");
        assertThatThrownBy(() -> Keystore.open(file, MasterKeySource.pkcs11(settings("extractable-master", PIN))))
                .isInstanceOf(WeakMasterKeyException.class).hasMessageContaining("extractable");
        assertThat(Files.exists(file)).as("nothing created").isFalse();
        Pkcs11Settings insecure = Pkcs11Settings.builder().library(LIBRARY).slot(slot).pin(PIN)
                .keyAlias("extractable-master").insecureAllowExtractableMasterKey(true).build();
        try (Keystore ks = Keystore.open(file, MasterKeySource.pkcs11(insecure))) {
            ks.putSecret("s", new byte[] {1});
        }
        assertThatThrownBy(() -> Keystore.open(file, MasterKeySource.pkcs11(settings("extractable-master", PIN))))
                .isInstanceOf(WeakMasterKeyException.class);
    }

    @Test
    void settings_libraryOrConfigPathThatCouldInjectConfigurationLines_isRefused() {
        for (String bad : new String[] {"/usr/lib/x.so\nslot = 0", "/usr/lib/x}.so", "/usr/lib/x=1.so",
                "/usr/lib/x\".so", "/usr/lib/x{.so", "/usr/lib/x\\.so"}) {
            assertThatThrownBy(() -> Pkcs11Settings.builder().library(Path.of(bad)).pin(PIN).build())
                    .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("library");
        }
        assertThatThrownBy(() -> Pkcs11Settings.builder().sunPkcs11Config(Path.of("/etc/p11\nlibrary=/tmp/evil.so"))
                .pin(PIN).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Pkcs11Settings.builder().sunPkcs11Config(Path.of("relative.cfg")).pin(PIN).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("absolute");
        assertThatThrownBy(() -> RollbackProtection.pkcs11(settings("x", PIN), "label\nwith newline"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RollbackProtection.pkcs11(settings("x", PIN), "a=b"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RollbackProtection.pkcs11(settings("x", PIN), "a}"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
