package io.devsec.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.devsec.storage.Keystore;
import io.devsec.storage.KeystoreOptions;
import io.devsec.storage.KeystoreRollbackException;
import io.devsec.storage.MasterKeySource;
import io.devsec.storage.Pkcs11Settings;
import io.devsec.storage.RollbackProtection;
import io.devsec.storage.SoftHsm;
import io.devsec.storage.TestSupport;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real process death between the rename and the PKCS#11 (SoftHSM2) counter advance: the child JVM calls
 * {@code Runtime.halt} from the crash-point seam (like a SIGKILL at that instant: no shutdown hooks, no
 * flush). No random kills here: a SIGKILL in the middle of SoftHSM2's own token write destroys its file
 * object store (a SoftHSM2 limitation, see CrashSafetyTest); at the seam SoftHSM2 is not writing.
 * Skips when SoftHSM2 is missing, fails when CI=true.
 */
class Pkcs11HaltCrashTest {
    private static final int ROUNDS = 5;

    @TempDir
    Path dir;

    @Test
    void haltBetweenRenameAndTokenCounterAdvance_childProcess_nextOpenAcceptsExactlyTheLatestDurableState()
            throws Exception {
        long slot = SoftHsm.slot();
        String prefix = "devsec-halt-" + Long.toHexString(System.nanoTime());
        RollbackProtection counter = protection(slot, prefix);
        KeystoreOptions options = KeystoreOptions.builder().rollbackProtection(counter).build();
        Path file = dir.resolve("ks").resolve("keystore");
        Path secret = dir.resolve("device.secret");
        MasterKeySource source = MasterKeySource.deviceSecretFile(secret);
        Keystore.open(file, source, options).close();
        long durable = 0;
        for (int round = 0; round < ROUNDS; round++) {
            int writes = 2 + round;
            Path out = dir.resolve("child-" + round + ".out");
            Path acked = dir.resolve("acked-" + round);
            Process child = new ProcessBuilder(TestSupport.java(), "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                    "-XX:+UseSerialGC", "-Xmx64m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                    "-cp", TestSupport.classPath(), Child.class.getName(), file.toString(), secret.toString(),
                    Long.toString(slot), prefix, Integer.toString(writes), acked.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).redirectOutput(out.toFile()).start();
            assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("round %d: child exits", round).isTrue();
            List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
            assertThat(child.exitValue()).as("round %d: child halted at the seam; stdout %s", round, lines)
                    .isEqualTo(137);
            long inFlight = durable + writes + 1;
            assertThat(lines).as("round %d: acknowledged writes, then the rename of the halted one", round)
                    .endsWith("ACK " + (inFlight - 1), "RENAMED " + inFlight);

            long counterAtDeath = counter.read();
            long version;
            try (Keystore ks = Keystore.open(file, source, options)) {
                version = ks.version();
                assertThat(counterAtDeath).as("round %d: the file is one write ahead of the token counter", round)
                        .isEqualTo(version - 1);
                assertThat(ks.counter("counter")).as("round %d: the renamed write is present", round)
                        .isEqualTo(inFlight);
                assertThat(ByteBuffer.wrap(ks.secret("value").orElseThrow()).getLong())
                        .as("round %d: the batch is all-or-nothing", round).isEqualTo(inFlight);
            }
            assertThat(counter.read()).as("round %d: the token counter caught up with the file", round)
                    .isEqualTo(version);

            Path current = dir.resolve("current-" + round);
            Files.copy(file, current);
            Files.copy(acked, file, StandardCopyOption.REPLACE_EXISTING);
            assertThatThrownBy(() -> Keystore.open(file, source, options).close())
                    .as("round %d: the copy of the last acknowledged state (one version older)", round)
                    .isInstanceOf(KeystoreRollbackException.class);
            Files.copy(current, file, StandardCopyOption.REPLACE_EXISTING);
            durable = inFlight;
        }
        try (Keystore ks = Keystore.open(file, source, options)) {
            assertThat(ks.counter("counter")).isEqualTo(durable);
        }
    }

    static RollbackProtection protection(long slot, String prefix) {
        Pkcs11Settings settings = Pkcs11Settings.builder().library(SoftHsm.LIBRARY).slot(slot).pin(SoftHsm.PIN).build();
        return RollbackProtection.pkcs11(settings, prefix);
    }

    /**
     * {@code <keystore> <secret> <slot> <label prefix> <writes> <acked copy>}: opens the keystore bound to the
     * SoftHSM2 counter (SOFTHSM2_CONF is inherited), does {@code writes} acknowledged writes (prints "ACK n"),
     * copies the file to {@code acked copy}, then halts in the next write right after its rename, before the
     * counter advance (prints "RENAMED n" first). Exits 1 if the write returns.
     */
    static final class Child {
        public static void main(String[] args) throws Exception {
            Path file = Path.of(args[0]);
            MasterKeySource source = MasterKeySource.deviceSecretFile(Path.of(args[1]));
            KeystoreOptions options = KeystoreOptions.builder()
                    .rollbackProtection(protection(Long.parseLong(args[2]), args[3])).build();
            int writes = Integer.parseInt(args[4]);
            FileKeystore.Seams seams = new FileKeystore.Seams();
            Keystore ks = FileKeystore.open(file, source, options, seams);
            long n = ks.counter("counter");
            for (int i = 0; i <= writes; i++) {
                long next = ++n;
                if (i == writes) {
                    Files.copy(file, Path.of(args[5]));
                    seams.afterRenameBeforeCounter = () -> {
                        System.out.println("RENAMED " + next);
                        System.out.flush();
                        Runtime.getRuntime().halt(137);
                    };
                }
                ks.batch(e -> e.putSecret("value", ByteBuffer.allocate(8).putLong(next).array())
                        .advanceCounter("counter", next));
                System.out.println("ACK " + next);
                System.out.flush();
            }
            System.exit(1);
        }
    }
}
