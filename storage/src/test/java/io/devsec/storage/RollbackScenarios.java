package io.devsec.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The restore-an-older-copy attack, run against every rollback backend. */
public final class RollbackScenarios {
    private RollbackScenarios() {}

    /**
     * Ten failed logins recorded, a copy taken, more failures and a rotated root written, then the copy
     * put back: opening must fail with {@link KeystoreRollbackException}, leaving the file untouched.
     */
    public static void olderCopyIsRefused(Path dir, MasterKeySource source, RollbackProtection protection) throws Exception {
        Path file = dir.resolve("keystore");
        KeystoreOptions options = KeystoreOptions.builder().rollbackProtection(protection).build();
        try (Keystore ks = Keystore.open(file, source, options)) {
            assertThat(ks.rollbackProtected()).isTrue();
            ks.advanceCounter("login/failures", 10);
            ks.advanceCounter("update/floor", 3);
        }
        Path copy = dir.resolve("keystore.copy");
        Files.copy(file, copy);
        long copiedVersion;
        try (Keystore ks = Keystore.open(file, source, options)) {
            copiedVersion = ks.version();
            ks.advanceCounter("login/failures", 99);
            ks.advanceCounter("update/floor", 7);
            ks.putSecret("update/root", new byte[] {2});
        }
        Files.copy(copy, file, StandardCopyOption.REPLACE_EXISTING);
        byte[] restored = Files.readAllBytes(file);
        assertThatThrownBy(() -> Keystore.open(file, source, options).close())
                .isInstanceOfSatisfying(KeystoreRollbackException.class, e -> {
                    assertThat(e.fileVersion()).isEqualTo(copiedVersion);
                    assertThat(e.protectedVersion()).isEqualTo(copiedVersion + 3);
                })
                .hasMessageContaining("older copy");
        assertThat(Files.readAllBytes(file)).isEqualTo(restored);
    }
}
