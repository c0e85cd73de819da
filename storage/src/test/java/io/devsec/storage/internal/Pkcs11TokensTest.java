package io.devsec.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.devsec.storage.Keystore;
import io.devsec.storage.KeystoreOptions;
import io.devsec.storage.RollbackProtection;
import io.devsec.storage.MasterKeySource;
import io.devsec.storage.Pkcs11Settings;
import io.devsec.storage.SoftHsm;
import java.nio.file.Path;
import java.security.Provider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One SunPKCS11 provider per token, shared by every open (SoftHSM2; skips when it is missing). */
class Pkcs11TokensTest {
    @TempDir
    Path dir;

    @Test
    void sameToken_reusesOneProvider_acrossOpensAndSettingsObjects() throws Exception {
        Pkcs11Settings a = SoftHsm.settings("reuse-a");
        Pkcs11Settings b = SoftHsm.settings("reuse-b");
        Provider first = Pkcs11Tokens.provider(a);
        for (int i = 0; i < 3; i++) {
            Keystore.open(dir.resolve("ks"), MasterKeySource.pkcs11(a)).close();
        }
        assertThat(Pkcs11Tokens.provider(a)).isSameAs(first);
        assertThat(Pkcs11Tokens.provider(b)).as("another alias, same token").isSameAs(first);
        Pkcs11Settings otherSlot = Pkcs11Settings.builder().library(SoftHsm.LIBRARY).slotListIndex(0)
                .pin(SoftHsm.PIN).build();
        assertThat(Pkcs11Tokens.configBody(otherSlot)).isNotEqualTo(Pkcs11Tokens.configBody(a));
    }

    @Test
    void crashBetweenRenameAndTokenCounterAdvance_reopenAcceptsTheFileAndAdvancesTheTokenCounter() throws Exception {
        RollbackProtection counter = RollbackProtection.pkcs11(SoftHsm.settings("crash-master"), "devsec-crash-seam");
        KeystoreOptions options = KeystoreOptions.builder().rollbackProtection(counter).build();
        MasterKeySource source = MasterKeySource.pkcs11(SoftHsm.settings("crash-master"));
        FileKeystore.Seams seams = new FileKeystore.Seams();
        Keystore ks = FileKeystore.open(dir.resolve("ks"), source, options, seams);
        long before = ks.version();
        seams.afterRenameBeforeCounter = () -> {
            throw new FileKeystoreSeamsTest.SimulatedCrash();
        };
        assertThatThrownBy(() -> ks.advanceCounter("login/failures", 1))
                .isInstanceOf(FileKeystoreSeamsTest.SimulatedCrash.class);
        ks.close();
        assertThat(counter.read()).isEqualTo(before);
        try (Keystore reopened = Keystore.open(dir.resolve("ks"), source, options)) {
            assertThat(reopened.counter("login/failures")).isEqualTo(1);
            assertThat(reopened.version()).isEqualTo(before + 1);
        }
        assertThat(counter.read()).isEqualTo(before + 1);
    }
}
