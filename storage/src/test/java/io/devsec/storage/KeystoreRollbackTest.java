package io.devsec.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rollback rules of {@link RollbackProtection}, with a counter in memory standing in for the token or TPM. */
class KeystoreRollbackTest {
    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("ks").resolve("keystore");
    }

    private KeystoreOptions with(RollbackProtection p) {
        return KeystoreOptions.builder().rollbackProtection(p).build();
    }

    @Test
    void open_olderKeystoreCopy_throwsKeystoreRollbackException() throws Exception {
        RollbackScenarios.olderCopyIsRefused(dir, TestSupport.secretIn(dir), new MemoryCounter());
    }

    @Test
    void open_olderKeystoreCopy_withoutRollbackProtection_isNotDetected() throws Exception {
        // What the status report and README call "not detected": the authentic old copy opens.
        try (Keystore ks = Keystore.open(file(), TestSupport.secretIn(dir))) {
            assertThat(ks.rollbackProtected()).isFalse();
            ks.advanceCounter("login/failures", 10);
        }
        Files.copy(file(), dir.resolve("copy"));
        try (Keystore ks = Keystore.open(file(), TestSupport.secretIn(dir))) {
            ks.advanceCounter("login/failures", 99);
        }
        Files.copy(dir.resolve("copy"), file(), StandardCopyOption.REPLACE_EXISTING);
        try (Keystore ks = Keystore.open(file(), TestSupport.secretIn(dir))) {
            assertThat(ks.counter("login/failures")).isEqualTo(10);
        }
    }

    @Test
    void everyWrite_raisesFileVersionAndCounterTogether() throws Exception {
        MemoryCounter counter = new MemoryCounter();
        try (Keystore ks = Keystore.open(file(), TestSupport.secretIn(dir), with(counter))) {
            long v = ks.version();
            assertThat(counter.read()).isEqualTo(v);
            ks.putSecret("a", new byte[] {1});
            ks.batch(e -> e.putSecret("b", new byte[] {2}).advanceCounter("c", 5));
            assertThat(ks.version()).isEqualTo(v + 2);
            assertThat(counter.read()).isEqualTo(v + 2);
            ks.batch(e -> { });
            assertThat(ks.version()).as("no change, no write").isEqualTo(v + 2);
        }
    }

    @Test
    void tpmLikeFirstValue_keystoreStartsAboveIt() throws Exception {
        MemoryCounter counter = new MemoryCounter(5000);
        try (Keystore ks = Keystore.open(file(), TestSupport.secretIn(dir), with(counter))) {
            assertThat(ks.version()).isEqualTo(5001);
            assertThat(counter.read()).isEqualTo(5001);
        }
        try (Keystore ks = Keystore.open(file(), TestSupport.secretIn(dir), with(counter))) {
            assertThat(ks.version()).isEqualTo(5001);
        }
    }

    @Test
    void open_fileOneWriteAheadOfCounter_isTheLatestStateAndAdvancesTheCounter() throws Exception {
        MemoryCounter counter = new MemoryCounter();
        long v;
        try (Keystore ks = Keystore.open(file(), TestSupport.secretIn(dir), with(counter))) {
            ks.putSecret("a", new byte[] {1});
            v = ks.version();
        }
        counter.forceTo(v - 1); // as after a crash between the rename and the counter advance
        try (Keystore ks = Keystore.open(file(), TestSupport.secretIn(dir), with(counter))) {
            assertThat(ks.secret("a")).isPresent();
        }
        assertThat(counter.read()).isEqualTo(v);
    }

    @Test
    void open_fileTwoOrMoreAheadOfCounter_throwsKeystoreRollbackException() throws Exception {
        MemoryCounter counter = new MemoryCounter();
        try (Keystore ks = Keystore.open(file(), TestSupport.secretIn(dir), with(counter))) {
            ks.putSecret("a", new byte[] {1});
            ks.putSecret("a", new byte[] {2});
        }
        long v = counter.read();
        counter.forceTo(v - 2);
        assertThatThrownBy(() -> Keystore.open(file(), TestSupport.secretIn(dir), with(counter)).close())
                .isInstanceOfSatisfying(KeystoreRollbackException.class, e -> {
                    assertThat(e.fileVersion()).isEqualTo(v);
                    assertThat(e.protectedVersion()).isEqualTo(v - 2);
                }).hasMessageContaining("ahead");
        counter.forceTo(RollbackProtection.NEVER_SET);
        assertThatThrownBy(() -> Keystore.open(file(), TestSupport.secretIn(dir), with(counter)).close())
                .isInstanceOf(KeystoreRollbackException.class).hasMessageContaining("never set");
    }

    @Test
    void open_unboundCopyAfterBinding_throwsKeystoreRollbackException() throws Exception {
        MemoryCounter counter = new MemoryCounter();
        try (Keystore ks = Keystore.open(file(), TestSupport.secretIn(dir))) {
            ks.putSecret("a", new byte[] {1});
        }
        Files.copy(file(), dir.resolve("unbound"));
        try (Keystore ks = Keystore.open(file(), TestSupport.secretIn(dir), with(counter))) {
            assertThat(ks.rollbackProtected()).as("an existing keystore is bound on first open").isTrue();
            assertThat(ks.secret("a")).isPresent();
        }
        Files.copy(dir.resolve("unbound"), file(), StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> Keystore.open(file(), TestSupport.secretIn(dir), with(counter)).close())
                .isInstanceOf(KeystoreRollbackException.class).hasMessageContaining("not bound");
    }

    @Test
    void open_boundKeystoreWithoutRollbackProtection_throwsRollbackProtectionRequiredException() throws Exception {
        Keystore.open(file(), TestSupport.secretIn(dir), with(new MemoryCounter())).close();
        byte[] before = Files.readAllBytes(file());
        assertThatThrownBy(() -> Keystore.open(file(), TestSupport.secretIn(dir)).close())
                .isInstanceOf(RollbackProtectionRequiredException.class);
        assertThat(Files.readAllBytes(file())).isEqualTo(before);
    }

    @Test
    void counterUnreachableDuringWrite_changeIsDurable_nextWriteAdvancesCounterFirst() throws Exception {
        MemoryCounter counter = new MemoryCounter();
        try (Keystore ks = Keystore.open(file(), TestSupport.secretIn(dir), with(counter))) {
            long v = ks.version();
            counter.failing(true);
            assertThatThrownBy(() -> ks.putSecret("a", new byte[] {1})).isInstanceOf(java.io.IOException.class)
                    .hasMessageContaining("durable");
            assertThat(ks.secret("a")).isPresent();
            assertThat(ks.version()).isEqualTo(v + 1);
            assertThatThrownBy(() -> ks.putSecret("b", new byte[] {1})).isInstanceOf(java.io.IOException.class);
            assertThat(ks.contains("b")).as("nothing written while the counter is behind and unreachable").isFalse();
            counter.failing(false);
            ks.putSecret("b", new byte[] {2});
            assertThat(ks.version()).isEqualTo(v + 2);
            assertThat(counter.read()).isEqualTo(v + 2);
        }
        Keystore.open(file(), TestSupport.secretIn(dir), with(counter)).close();
    }
}
