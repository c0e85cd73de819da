package io.devsec.storage;

import static io.devsec.storage.TestSupport.secretIn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.devsec.testkit.TestCa;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileKeystoreTest {

    @TempDir
    Path dir;

    private Path ksFile() {
        return dir.resolve("data").resolve("keystore.dsk");
    }

    private Keystore open() throws Exception {
        return Keystore.open(ksFile(), secretIn(dir));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void open_absent_createsOwnerOnlyFilesAndReportsCreated() throws Exception {
        try (Keystore ks = open()) {
            assertThat(ks.created()).isTrue();
            assertThat(ks.masterKeyKind()).isEqualTo(MasterKeySource.Kind.DEVICE_SECRET_FILE);
            assertThat(ks.names()).isEmpty();
            assertThat(ks.file()).isEqualTo(ksFile().toAbsolutePath());
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ksFile()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ksFile().getParent()))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("device.secret"))))
                .isEqualTo("rw-------");
        assertThat(Files.size(dir.resolve("device.secret"))).isEqualTo(32);
        try (Keystore ks = open()) {
            assertThat(ks.created()).isFalse();
        }
    }

    @Test
    void secretsCountersAndKeys_surviveReopen() throws Exception {
        KeyPair kp = TestCa.ecKeyPair();
        X509Certificate cert = TestCa.selfSigned(kp, "device-1");
        KeyPair ca = TestCa.ecKeyPair();
        X509Certificate caCert = TestCa.selfSigned(ca, "ca");
        try (Keystore ks = open()) {
            ks.putSecret("wifi/psk", bytes("hunter2-but-longer"));
            ks.advanceCounter("update/rollback", 7);
            assertThat(ks.incrementCounter("update/rollback")).isEqualTo(8);
            ks.putPrivateKey("identity", kp.getPrivate(), List.of(cert, caCert));
        }
        try (Keystore ks = open()) {
            assertThat(ks.names()).containsExactlyInAnyOrder("wifi/psk", "update/rollback", "identity");
            assertThat(ks.secret("wifi/psk")).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("hunter2-but-longer")));
            assertThat(ks.counter("update/rollback")).isEqualTo(8);
            assertThat(ks.counter("never-set")).isZero();
            assertThat(ks.privateKey("identity")).hasValueSatisfying(k -> {
                assertThat(k.getEncoded()).isEqualTo(kp.getPrivate().getEncoded());
                assertThat(k.getAlgorithm()).isEqualTo("EC");
            });
            assertThat(ks.certificateChain("identity")).containsExactly(cert, caCert);
            assertThat(ks.secret("absent")).isEmpty();
            assertThat(ks.privateKey("absent")).isEmpty();
            assertThat(ks.certificateChain("absent")).isEmpty();

            ks.putCertificateChain("identity", List.of(cert));
            assertThat(ks.certificateChain("identity")).containsExactly(cert);
            assertThat(ks.delete("wifi/psk")).isTrue();
            assertThat(ks.delete("wifi/psk")).isFalse();
        }
        try (Keystore ks = open()) {
            assertThat(ks.contains("wifi/psk")).isFalse();
            assertThat(ks.certificateChain("identity")).containsExactly(cert);
            assertThat(ks.privateKey("identity")).isPresent();
        }
    }

    @Test
    void certificateChainEncoded_returnsStoredDerLeafFirstWithoutParsing() throws Exception {
        KeyPair kp = TestCa.ecKeyPair();
        X509Certificate cert = TestCa.selfSigned(kp, "device-1");
        KeyPair ca = TestCa.ecKeyPair();
        X509Certificate caCert = TestCa.selfSigned(ca, "ca");
        try (Keystore ks = open()) {
            ks.putPrivateKey("identity", kp.getPrivate(), List.of(cert, caCert));
            ks.putPrivateKey("no-chain", ca.getPrivate(), List.of());
            ks.putSecret("a-secret", bytes("not a key entry"));
        }
        try (Keystore ks = open()) {
            List<byte[]> der = ks.certificateChainEncoded("identity");
            assertThat(der).hasSize(2);
            assertThat(der.get(0)).isEqualTo(cert.getEncoded());
            assertThat(der.get(1)).isEqualTo(caCert.getEncoded());
            // fresh arrays: changing one does not change what the keystore returns next
            der.get(0)[0] ^= 1;
            assertThat(ks.certificateChainEncoded("identity").get(0)).isEqualTo(cert.getEncoded());
            assertThat(ks.certificateChainEncoded("no-chain")).isEmpty();
            assertThat(ks.certificateChainEncoded("absent")).isEmpty();
            assertThatThrownBy(() -> ks.certificateChainEncoded("a-secret")).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void ed25519Key_roundTrips() throws Exception {
        KeyPair kp = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        try (Keystore ks = open()) {
            ks.putPrivateKey("signing", kp.getPrivate(), List.of());
            assertThat(ks.privateKey("signing").get().getEncoded()).isEqualTo(kp.getPrivate().getEncoded());
        }
    }

    @Test
    void secret_returnsCopiesAndKeepsOwnCopyOfInput() throws Exception {
        try (Keystore ks = open()) {
            byte[] in = bytes("0123456789abcdef");
            ks.putSecret("s", in);
            Arrays.fill(in, (byte) 0);
            byte[] first = ks.secret("s").get();
            Arrays.fill(first, (byte) 0);
            assertThat(ks.secret("s").get()).isEqualTo(bytes("0123456789abcdef"));
        }
    }

    @Test
    void advanceCounter_lowerValue_throwsCounterRollbackException() throws Exception {
        try (Keystore ks = open()) {
            ks.advanceCounter("c", 10);
            assertThatThrownBy(() -> ks.advanceCounter("c", 9)).isInstanceOf(CounterRollbackException.class)
                    .hasMessageContaining("10").hasMessageContaining("9");
            ks.advanceCounter("c", 10);
            assertThat(ks.counter("c")).isEqualTo(10);
        }
    }

    @Test
    void counters_cannotBeDeletedOrOverwritten() throws Exception {
        try (Keystore ks = open()) {
            ks.advanceCounter("c", 3);
            assertThatThrownBy(() -> ks.delete("c")).isInstanceOf(CounterRollbackException.class);
            assertThatThrownBy(() -> ks.putSecret("c", new byte[1])).isInstanceOf(CounterRollbackException.class);
            assertThat(ks.counter("c")).isEqualTo(3);
        }
    }

    @Test
    void batch_appliesAllChangesInOneWrite_orNoneWhenOneFails() throws Exception {
        try (Keystore ks = open()) {
            ks.advanceCounter("v", 5);
            ks.batch(e -> e.putSecret("a", new byte[] {1}).putSecret("b", new byte[] {2}).advanceCounter("v", 6));
            assertThat(ks.names()).contains("a", "b");
            assertThatThrownBy(() -> ks.batch(e -> e.putSecret("c", new byte[] {3}).advanceCounter("v", 1)))
                    .isInstanceOf(CounterRollbackException.class);
            assertThat(ks.contains("c")).isFalse();
        }
        try (Keystore ks = open()) {
            assertThat(ks.counter("v")).isEqualTo(6);
            assertThat(ks.contains("c")).isFalse();
            assertThat(ks.secret("b").get()).containsExactly(2);
        }
    }

    @Test
    void badNames_throwIllegalArgumentException() throws Exception {
        try (Keystore ks = open()) {
            assertThatThrownBy(() -> ks.putSecret("", new byte[1])).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> ks.putSecret("a b", new byte[1])).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> ks.putSecret("x".repeat(129), new byte[1]))
                    .isInstanceOf(IllegalArgumentException.class);
            ks.putSecret("x".repeat(128), new byte[1]);
        }
    }

    @Test
    void closedKeystore_throwsIllegalStateException_andCloseIsIdempotent() throws Exception {
        Keystore ks = open();
        ks.putSecret("s", new byte[] {1});
        ks.close();
        ks.close();
        assertThatThrownBy(() -> ks.secret("s")).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> ks.putSecret("s", new byte[1])).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(ks::names).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ks.counter("c")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void close_wipesDataKeyAndMacKeyArrays() throws Exception {
        Keystore ks = open();
        ks.putSecret("s", new byte[] {1});
        byte[] dataKey = (byte[]) field(ks, "dataKey");
        byte[] macKey = (byte[]) field(ks, "macKey");
        assertThat(dataKey).isNotEqualTo(new byte[32]);
        ks.close();
        assertThat(dataKey).isEqualTo(new byte[32]);
        assertThat(macKey).isEqualTo(new byte[32]);
    }

    private static Object field(Object o, String name) throws Exception {
        java.lang.reflect.Field f = o.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.get(o);
    }

    @Test
    void secondOpenInSameJvm_throwsKeystoreInUseException_untilClosed() throws Exception {
        Keystore first = open();
        assertThatThrownBy(this::open).isInstanceOf(KeystoreInUseException.class)
                .hasMessageContaining("already open in this JVM");
        first.close();
        open().close();
    }

    @Test
    void toString_neverShowsSecrets() throws Exception {
        try (Keystore ks = open()) {
            ks.putSecret("s", bytes("TOPSECRETVALUE"));
            assertThat(ks.toString()).doesNotContain("TOPSECRETVALUE").contains("keystore.dsk");
        }
        assertThat(MasterKeySource.passphrase("correct horse".toCharArray()).toString()).doesNotContain("horse");
    }

    @Test
    void concurrentPutsAndGets_loseNothing() throws Exception {
        int threads = 4;
        int perThread = 40;
        try (Keystore ks = open()) {
            ExecutorService pool = Executors.newFixedThreadPool(threads * 2);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        ks.putSecret("t" + id + "-" + i, bytes(id + ":" + i));
                        ks.incrementCounter("shared");
                    }
                    return null;
                }));
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perThread * 5; i++) {
                        for (String name : ks.names()) {
                            if (name.startsWith("t")) {
                                byte[] v = ks.secret(name).orElseThrow();
                                String[] p = name.substring(1).split("-");
                                assertThat(new String(v, StandardCharsets.UTF_8)).isEqualTo(p[0] + ":" + p[1]);
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertThat(ks.counter("shared")).isEqualTo(threads * perThread);
        }
        try (Keystore ks = open()) {
            assertThat(ks.names()).hasSize(threads * perThread + 1);
            assertThat(ks.counter("shared")).isEqualTo(threads * perThread);
        }
    }

    @Test
    void wrongDeviceSecret_throwsWrongMasterKeyException_andLeavesFileUntouched() throws Exception {
        open().close();
        byte[] before = Files.readAllBytes(ksFile());
        Path other = dir.resolve("other.secret");
        Files.write(other, new byte[48]);
        Files.setPosixFilePermissions(other, PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> Keystore.open(ksFile(), MasterKeySource.deviceSecretFile(other)))
                .isInstanceOf(WrongMasterKeyException.class).hasMessageContaining("does not open");
        assertThat(Files.readAllBytes(ksFile())).isEqualTo(before);
    }

    @Test
    void otherKindOfMasterKey_throwsWrongMasterKeyException() throws Exception {
        open().close();
        assertThatThrownBy(() -> Keystore.open(ksFile(), MasterKeySource.passphrase("pw".toCharArray(),
                Argon2Parameters.of(64, 1, 1)))).isInstanceOf(WrongMasterKeyException.class)
                .hasMessageContaining("DEVICE_SECRET_FILE");
    }

    @Test
    void missingDeviceSecret_forExistingKeystore_throwsWrongMasterKeyException_andCreatesNothing() throws Exception {
        open().close();
        Files.delete(dir.resolve("device.secret"));
        assertThatThrownBy(this::open).isInstanceOf(WrongMasterKeyException.class).hasMessageContaining("does not exist");
        assertThat(dir.resolve("device.secret")).doesNotExist();
    }

    @Test
    void shortDeviceSecret_throwsWeakMasterKeyException() throws Exception {
        Path secret = dir.resolve("device.secret");
        Files.write(secret, new byte[31]);
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(this::open).isInstanceOf(WeakMasterKeyException.class).hasMessageContaining("31 bytes");
        assertThat(ksFile()).doesNotExist();
    }

    @Test
    void looseDeviceSecret_throwsInsecurePermissionsException() throws Exception {
        Path secret = dir.resolve("device.secret");
        Files.write(secret, new byte[32]);
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(this::open).isInstanceOf(InsecurePermissionsException.class)
                .hasMessageContaining("device secret file").hasMessageContaining("rw-r--r--");
    }

    @Test
    void worldReadableKeystore_throwsInsecurePermissionsException_unlessInsecureOptionSet() throws Exception {
        try (Keystore ks = open()) {
            ks.putSecret("s", new byte[] {9});
        }
        Files.setPosixFilePermissions(ksFile(), PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(this::open).isInstanceOf(InsecurePermissionsException.class)
                .hasMessageContaining("keystore file").hasMessageContaining("chmod 600")
                .hasMessageContaining("insecureAllowLoosePermissions");
        KeystoreOptions loose = KeystoreOptions.builder().insecureAllowLoosePermissions(true).build();
        try (Keystore ks = Keystore.open(ksFile(), secretIn(dir), loose)) {
            assertThat(ks.secret("s").get()).containsExactly(9);
        }
    }

    @Test
    void groupWritableFolder_throwsInsecurePermissionsException() throws Exception {
        open().close();
        Files.setPosixFilePermissions(ksFile().getParent(), PosixFilePermissions.fromString("rwxrwx---"));
        assertThatThrownBy(this::open).isInstanceOf(InsecurePermissionsException.class)
                .hasMessageContaining("keystore folder");
    }

    @Test
    void foreignFile_throwsNotAKeystoreException_andIsNotOverwritten() throws Exception {
        Files.createDirectories(ksFile().getParent());
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13};
        Files.write(ksFile(), png);
        Files.setPosixFilePermissions(ksFile(), PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(this::open).isInstanceOf(NotAKeystoreException.class).hasMessageContaining("magic");
        assertThat(Files.readAllBytes(ksFile())).isEqualTo(png);
    }

    @Test
    void newerFormatVersion_throwsUnsupportedFormatVersionException_withVersions() throws Exception {
        open().close();
        byte[] data = Files.readAllBytes(ksFile());
        data[9] = 3;
        Files.write(ksFile(), data);
        assertThatThrownBy(this::open).isInstanceOfSatisfying(UnsupportedFormatVersionException.class, e -> {
            assertThat(e.foundVersion()).hasValue(3);
            assertThat(e.supportedVersion()).hasValue(2);
        }).hasMessageContaining("version 3");
        assertThat(Files.readAllBytes(ksFile())).isEqualTo(data);
    }

    @Test
    void everySingleBitFlip_isDetected_andFileIsNeverRewritten() throws Exception {
        try (Keystore ks = open()) {
            ks.putSecret("s", bytes("value"));
            ks.advanceCounter("c", 2);
        }
        byte[] good = Files.readAllBytes(ksFile());
        for (int i = 0; i < good.length; i++) {
            int bit = i % 8;
            byte[] bad = good.clone();
            bad[i] ^= (byte) (1 << bit);
            Files.write(ksFile(), bad);
            int offset = i;
            Class<? extends KeystoreException> expected = i < 8 ? NotAKeystoreException.class
                    : i < 10 ? UnsupportedFormatVersionException.class : CorruptKeystoreException.class;
            assertThatThrownBy(this::open).as("flip at offset %d", offset).isInstanceOf(expected);
            assertThat(Files.readAllBytes(ksFile())).as("file after flip at %d", offset).isEqualTo(bad);
        }
    }

    @Test
    void everyTruncation_throwsCorruptKeystoreException() throws Exception {
        try (Keystore ks = open()) {
            ks.putSecret("s", bytes("value"));
        }
        byte[] good = Files.readAllBytes(ksFile());
        for (int len = 0; len < good.length; len++) {
            byte[] cut = Arrays.copyOf(good, len);
            Files.write(ksFile(), cut);
            int l = len;
            assertThatThrownBy(this::open).as("truncated to %d", l).isInstanceOf(CorruptKeystoreException.class);
            assertThat(Files.readAllBytes(ksFile())).isEqualTo(cut);
        }
    }

    @Test
    void replayedOldEntry_isDetectedByWholeFileMac() throws Exception {
        try (Keystore ks = open()) {
            ks.putSecret("a", bytes("old-value"));
        }
        byte[] oldFile = Files.readAllBytes(ksFile());
        try (Keystore ks = open()) {
            ks.putSecret("a", bytes("new-value"));
        }
        byte[] newFile = Files.readAllBytes(ksFile());
        assertThat(newFile.length).isEqualTo(oldFile.length);
        // Splice the old sealed entry (same length) into the new file, keeping the new MAC.
        byte[] spliced = newFile.clone();
        int macStart = spliced.length - 32;
        int entryLen = 1 + 1 + 1 + 4 + 12 + 9 + 16;
        System.arraycopy(oldFile, macStart - entryLen, spliced, macStart - entryLen, entryLen);
        Files.write(ksFile(), spliced);
        assertThatThrownBy(this::open).isInstanceOf(CorruptKeystoreException.class)
                .hasMessageContaining("whole-file authentication");
    }

    @Test
    void removedOrReorderedEntries_areDetected() throws Exception {
        try (Keystore ks = open()) {
            ks.putSecret("a", bytes("1111"));
            ks.putSecret("b", bytes("2222"));
        }
        byte[] good = Files.readAllBytes(ksFile());
        int macStart = good.length - 32;
        int entryLen = 1 + 1 + 1 + 4 + 12 + 4 + 16;
        int aStart = macStart - 2 * entryLen;
        byte[] swapped = good.clone();
        System.arraycopy(good, aStart, swapped, aStart + entryLen, entryLen);
        System.arraycopy(good, aStart + entryLen, swapped, aStart, entryLen);
        Files.write(ksFile(), swapped);
        assertThatThrownBy(this::open).isInstanceOf(CorruptKeystoreException.class);

        byte[] removed = new byte[good.length - entryLen];
        System.arraycopy(good, 0, removed, 0, aStart + entryLen);
        System.arraycopy(good, aStart + 2 * entryLen, removed, aStart + entryLen, 32);
        removed[aStart - 1] = 1; // entry count 2 -> 1
        Files.write(ksFile(), removed);
        assertThatThrownBy(this::open).isInstanceOf(CorruptKeystoreException.class);
    }

    @Test
    void staleTemporaryFiles_areRemovedOnOpen() throws Exception {
        open().close();
        Path stale = ksFile().resolveSibling(".keystore.dsk.1234abcd.tmp");
        Files.write(stale, new byte[10]);
        open().close();
        assertThat(stale).doesNotExist();
    }

    @Test
    void oversizedFile_isRefusedBeforeReading() throws Exception {
        Files.createDirectories(ksFile().getParent());
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(ksFile().toFile(), "rw")) {
            f.write("DEVSECKS".getBytes(StandardCharsets.US_ASCII));
            f.setLength((64L << 20) + 1);
        }
        Files.setPosixFilePermissions(ksFile(), PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(this::open).isInstanceOf(CorruptKeystoreException.class).hasMessageContaining("limit");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(ksFile().toFile(), "rw")) {
            f.write("NOTAKEYS".getBytes(StandardCharsets.US_ASCII));
        }
        assertThatThrownBy(this::open).isInstanceOf(NotAKeystoreException.class);
    }

    @Test
    void wrongEntryType_andBadCounterValues_throwIllegalArgumentException() throws Exception {
        try (Keystore ks = open()) {
            ks.putSecret("s", new byte[] {1});
            ks.advanceCounter("c", 1);
            assertThatThrownBy(() -> ks.privateKey("s")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("secret");
            assertThatThrownBy(() -> ks.counter("s")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> ks.secret("c")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> ks.advanceCounter("c", -1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> ks.putCertificateChain("s", List.of())).isInstanceOf(IllegalArgumentException.class);
            ks.advanceCounter("max", Long.MAX_VALUE);
            assertThatThrownBy(() -> ks.incrementCounter("max")).isInstanceOf(CounterRollbackException.class);
        }
    }

    @Test
    void oversizedSecret_throwsIllegalArgumentException_andWritesNothing() throws Exception {
        try (Keystore ks = open()) {
            byte[] before = Files.readAllBytes(ksFile());
            assertThatThrownBy(() -> ks.putSecret("big", new byte[(1 << 20) + 1]))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit");
            assertThat(Files.readAllBytes(ksFile())).isEqualTo(before);
            assertThat(ks.contains("big")).isFalse();
        }
    }
}
