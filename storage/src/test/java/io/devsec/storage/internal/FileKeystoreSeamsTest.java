package io.devsec.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.devsec.storage.Keystore;
import io.devsec.storage.KeystoreOptions;
import io.devsec.storage.KeystoreRollbackException;
import io.devsec.storage.MasterKeySource;
import io.devsec.storage.MemoryCounter;
import io.devsec.storage.TestSupport;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fault injection at the crash point, entry-key rotation and the format version 1 file, through package-private seams. */
class FileKeystoreSeamsTest {
    @TempDir
    Path dir;

    /** Thrown by the seam to stand for a crash: nothing after it in the write runs. */
    static final class SimulatedCrash extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    private Path file() {
        return dir.resolve("keystore");
    }

    @Test
    void crashBetweenRenameAndCounterAdvance_reopenAcceptsTheFileAndAdvancesTheCounter() throws Exception {
        MemoryCounter counter = new MemoryCounter();
        KeystoreOptions options = KeystoreOptions.builder().rollbackProtection(counter).build();
        FileKeystore.Seams seams = new FileKeystore.Seams();
        Keystore ks = FileKeystore.open(file(), TestSupport.secretIn(dir), options, seams);
        ks.advanceCounter("login/failures", 4);
        long before = ks.version();
        seams.afterRenameBeforeCounter = () -> {
            throw new SimulatedCrash();
        };
        assertThatThrownBy(() -> ks.advanceCounter("login/failures", 5)).isInstanceOf(SimulatedCrash.class);
        ks.close(); // the process is gone: only the file and the counter remain
        assertThat(counter.read()).as("the counter was not advanced").isEqualTo(before);

        try (Keystore reopened = Keystore.open(file(), TestSupport.secretIn(dir), options)) {
            assertThat(reopened.version()).isEqualTo(before + 1);
            assertThat(reopened.counter("login/failures")).as("the durable write is the latest state").isEqualTo(5);
        }
        assertThat(counter.read()).as("advanced on open").isEqualTo(before + 1);
        // and an older copy is still refused afterwards
        Path copy = dir.resolve("copy");
        Files.copy(file(), copy);
        try (Keystore again = Keystore.open(file(), TestSupport.secretIn(dir), options)) {
            again.advanceCounter("login/failures", 6);
        }
        Files.copy(copy, file(), StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> Keystore.open(file(), TestSupport.secretIn(dir), options).close())
                .isInstanceOf(KeystoreRollbackException.class);
    }

    @Test
    void entryKeyRotation_pastTheLimit_resealsUnderANewSalt_andEverythingStillReads() throws Exception {
        FileKeystore.Seams seams = new FileKeystore.Seams();
        seams.rotateAfterSeals = 10;
        byte[] firstSalt;
        try (Keystore ks = FileKeystore.open(file(), TestSupport.secretIn(dir), KeystoreOptions.DEFAULT, seams)) {
            for (int i = 0; i < 5; i++) {
                ks.putSecret("s" + i, new byte[] {(byte) i});
            }
            firstSalt = saltOf(Files.readAllBytes(file()));
            long sealsAtFirst = sealsOf(Files.readAllBytes(file()));
            assertThat(sealsAtFirst).isEqualTo(5);
            for (int i = 0; i < 40; i++) {
                ks.advanceCounter("c", i + 1);
                long seals = sealsOf(Files.readAllBytes(file()));
                assertThat(seals).as("never past the limit plus one write").isLessThanOrEqualTo(11);
            }
            assertThat(saltOf(Files.readAllBytes(file()))).as("a new entry key").isNotEqualTo(firstSalt);
            assertThat(ks.counter("c")).isEqualTo(40);
        }
        try (Keystore ks = Keystore.open(file(), TestSupport.secretIn(dir))) {
            for (int i = 0; i < 5; i++) {
                assertThat(ks.secret("s" + i).orElseThrow()).containsExactly((byte) i);
            }
            assertThat(ks.counter("c")).isEqualTo(40);
        }
    }

    @Test
    void formatVersion1File_stillOpens_andIsRewrittenAsVersion2() throws Exception {
        Path secret = copyResource("v1.secret", dir.resolve("v1.secret"));
        Path ks1 = copyResource("v1.keystore", file());
        assertThat(Files.readAllBytes(ks1)[9]).as("fixture is format version 1").isEqualTo((byte) 1);
        MasterKeySource source = MasterKeySource.deviceSecretFile(secret);
        try (Keystore ks = Keystore.open(file(), source)) {
            assertThat(new String(ks.secret("greeting").orElseThrow(), StandardCharsets.UTF_8)).isEqualTo("hello v1");
            assertThat(ks.counter("update/floor")).isEqualTo(41);
            assertThat(ks.privateKey("identity")).isPresent();
        }
        assertThat(Files.readAllBytes(file())[9]).as("rewritten as format version 2").isEqualTo((byte) 2);
        try (Keystore ks = Keystore.open(file(), source)) {
            assertThat(ks.counter("update/floor")).isEqualTo(41);
            ks.advanceCounter("update/floor", 42);
        }
    }

    @Test
    void formatVersion1File_withRollbackProtection_isBoundOnFirstOpen() throws Exception {
        Path secret = copyResource("v1.secret", dir.resolve("v1.secret"));
        copyResource("v1.keystore", file());
        MemoryCounter counter = new MemoryCounter(700);
        KeystoreOptions options = KeystoreOptions.builder().rollbackProtection(counter).build();
        try (Keystore ks = Keystore.open(file(), MasterKeySource.deviceSecretFile(secret), options)) {
            assertThat(ks.rollbackProtected()).isTrue();
            assertThat(ks.version()).isEqualTo(701);
            assertThat(ks.counter("update/floor")).isEqualTo(41);
        }
        copyResource("v1.keystore", file());
        assertThatThrownBy(() -> Keystore.open(file(), MasterKeySource.deviceSecretFile(secret), options).close())
                .isInstanceOf(KeystoreRollbackException.class);
    }

    private Path copyResource(String name, Path target) throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/format-v1/" + name)) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
        return target;
    }

    /** The header length of a device-secret keystore: magic, version, kind, u16+32 salt, u16+60 wrapped, 16 checksum. */
    private static int headerLength(byte[] data) {
        int pos = 8 + 2 + 1;
        int params = ((data[pos] & 0xff) << 8) | (data[pos + 1] & 0xff);
        pos += 2 + params;
        int wrapped = ((data[pos] & 0xff) << 8) | (data[pos + 1] & 0xff);
        return pos + 2 + wrapped + 16;
    }

    private static byte[] saltOf(byte[] data) {
        int body = headerLength(data);
        return Arrays.copyOfRange(data, body + 9, body + 9 + 32);
    }

    private static long sealsOf(byte[] data) {
        return ByteBuffer.wrap(data, headerLength(data) + 9 + 32, 8).getLong();
    }
}
