package io.devsec.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PassphraseKeystoreTest {
    private static final Argon2Parameters FAST = Argon2Parameters.of(256, 1, 1);

    @TempDir
    Path dir;

    @Test
    void passphrase_roundTrips_andRecordedParametersAreUsedOnOpen() throws Exception {
        Path file = dir.resolve("ks");
        try (Keystore ks = Keystore.open(file, MasterKeySource.passphrase("correct horse battery".toCharArray(), FAST))) {
            assertThat(ks.masterKeyKind()).isEqualTo(MasterKeySource.Kind.PASSPHRASE);
            ks.putSecret("s", new byte[] {4, 2});
        }
        // Opening with other parameters still works: the header's parameters are the ones used.
        try (Keystore ks = Keystore.open(file, MasterKeySource.passphrase("correct horse battery".toCharArray(),
                Argon2Parameters.of(512, 2, 1)))) {
            assertThat(ks.secret("s").get()).containsExactly(4, 2);
        }
    }

    @Test
    void wrongPassphrase_throwsWrongMasterKeyException_andLeavesFileUntouched() throws Exception {
        Path file = dir.resolve("ks");
        Keystore.open(file, MasterKeySource.passphrase("right".toCharArray(), FAST)).close();
        byte[] before = Files.readAllBytes(file);
        assertThatThrownBy(() -> Keystore.open(file, MasterKeySource.passphrase("wrong".toCharArray(), FAST)))
                .isInstanceOf(WrongMasterKeyException.class).hasMessageContaining("passphrase")
                .hasMessageNotContaining("wrong").hasMessageNotContaining("right");
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }

    @Test
    void defaultParameters_openAKeystore_withinTheDocumentedTime() throws Exception {
        Path file = dir.resolve("ks");
        char[] pw = "a passphrase typed by a person".toCharArray();
        long t0 = System.nanoTime();
        Keystore.open(file, MasterKeySource.passphrase(pw)).close();
        long t1 = System.nanoTime();
        try (Keystore ks = Keystore.open(file, MasterKeySource.passphrase(pw))) {
            assertThat(ks.created()).isFalse();
        }
        long t2 = System.nanoTime();
        System.out.printf("Argon2 DEFAULT: create %d ms, open %d ms%n", (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
        // Generous ceiling for a shared machine; the 0.2-1 s figure in DEFAULT's javadoc was measured in a quiet JVM.
        assertThat((t2 - t1) / 1_000_000).isLessThan(5_000);
    }

    @Test
    void argon2Parameters_outOfBounds_throwIllegalArgumentException_namingTheField() {
        assertThatThrownBy(() -> Argon2Parameters.of(4, 1, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("memoryKib");
        assertThatThrownBy(() -> Argon2Parameters.of((1 << 20) + 1, 1, 1)).hasMessageContaining("memoryKib");
        assertThatThrownBy(() -> Argon2Parameters.of(1024, 0, 1)).hasMessageContaining("iterations");
        assertThatThrownBy(() -> Argon2Parameters.of(1024, 17, 1)).hasMessageContaining("iterations");
        assertThatThrownBy(() -> Argon2Parameters.of(1024, 1, 0)).hasMessageContaining("parallelism");
        assertThat(Argon2Parameters.DEFAULT.memoryKib()).isEqualTo(64 * 1024);
    }

    /** Writes {@code memoryKib} into a passphrase keystore's header and re-seals the (unkeyed) header checksum. */
    private static void setHeaderMemory(Path file, int memoryKib) throws Exception {
        byte[] data = Files.readAllBytes(file);
        // header: magic 8, version 2, kind 1, params length 2, salt 16, then memory (u32)
        int memoryOffset = 8 + 2 + 1 + 2 + 16;
        java.nio.ByteBuffer.wrap(data).putInt(memoryOffset, memoryKib);
        int wrappedLenOffset = memoryOffset + 12;
        int wrappedLen = ((data[wrappedLenOffset] & 0xff) << 8) | (data[wrappedLenOffset + 1] & 0xff);
        int sumOffset = wrappedLenOffset + 2 + wrappedLen;
        byte[] sum = java.security.MessageDigest.getInstance("SHA-256").digest(Arrays.copyOf(data, sumOffset));
        System.arraycopy(sum, 0, data, sumOffset, 16);
        Files.write(file, data);
    }

    @Test
    void hugeArgon2CostInHeader_isRefusedBeforeDerivation() throws Exception {
        Path file = dir.resolve("ks");
        Keystore.open(file, MasterKeySource.passphrase("pw".toCharArray(), FAST)).close();
        setHeaderMemory(file, 0x7f000000);
        assertThatThrownBy(() -> Keystore.open(file, MasterKeySource.passphrase("pw".toCharArray(), FAST)))
                .isInstanceOf(CorruptKeystoreException.class).hasMessageContaining("out of bounds");
    }

    @Test
    void argon2CostAboveCeiling_isRefusedBeforeDerivation_unlessAskedFor() throws Exception {
        Path file = dir.resolve("ks");
        Keystore.open(file, MasterKeySource.passphrase("pw".toCharArray(), FAST)).close();
        setHeaderMemory(file, 512 * 1024);
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> Keystore.open(file, MasterKeySource.passphrase("pw".toCharArray(), FAST)))
                .isInstanceOf(CorruptKeystoreException.class).hasMessageContaining("above the ceiling");
        assertThat((System.nanoTime() - t0) / 1_000_000).as("refused without deriving").isLessThan(2_000);
    }

    @Test
    void emptyPassphrase_throwsIllegalArgumentException() {
        assertThatThrownBy(() -> MasterKeySource.passphrase(new char[0])).isInstanceOf(IllegalArgumentException.class);
    }
}
