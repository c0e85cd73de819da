package io.devsec.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILLs (Process.destroyForcibly on Linux) a child JVM that writes to the keystore in a loop, 50
 * times at random moments; after every kill the keystore opens and holds the last acknowledged write
 * or the one after it, never a corrupt, empty or mixed state.
 */
class CrashSafetyTest {
    private static final int KILLS = 50;

    @TempDir
    Path dir;

    @Test
    void sigkillDuringWrites_50times_keystoreAlwaysOpensWithLastAcknowledgedWriteOrLater() throws Exception {
        Path file = dir.resolve("ks").resolve("keystore");
        Path secret = dir.resolve("device.secret");
        Keystore.open(file, MasterKeySource.deviceSecretFile(secret)).close();
        Random random = new Random();
        long lastAcked = 0;
        int killedMidRun = 0;
        long started = System.nanoTime();
        for (int i = 0; i < KILLS; i++) {
            Path out = dir.resolve("child-" + i + ".out");
            Process child = ChildProcesses.start(out, "write", file.toString(), secret.toString());
            TestSupport.await(() -> lastCompleteAck(out) > 0 || !child.isAlive(), Duration.ofSeconds(30),
                    "the child's first write");
            assertThat(child.isAlive()).as("child died by itself (see its stderr)").isTrue();
            // A random moment: most kills land in the middle of the write loop.
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(random.nextInt(40_000)));
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            long acked = lastCompleteAck(out);
            assertThat(acked).as("kill %d: the child acknowledged writes", i).isGreaterThan(lastAcked);
            killedMidRun++;
            try (Keystore ks = Keystore.open(file, MasterKeySource.deviceSecretFile(secret))) {
                long counter = ks.counter("counter");
                assertThat(counter).as("kill %d: counter vs last ACK %d", i, acked).isBetween(acked, acked + 1);
                long value = ByteBuffer.wrap(ks.secret("value").orElseThrow()).getLong();
                assertThat(value).as("kill %d: batch is all-or-nothing", i).isEqualTo(counter);
                lastAcked = counter;
            }
        }
        long ms = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("CrashSafetyTest: %d SIGKILLs, last counter %d, %d ms%n", killedMidRun, lastAcked, ms);
        assertThat(killedMidRun).isEqualTo(KILLS);
    }

    /** The number in the last newline-terminated "ACK n" line of the child's output (a cut-off line does not count). */
    private static long lastCompleteAck(Path out) {
        try {
            String text = Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : "";
            int end = text.lastIndexOf('\n');
            if (end < 0) {
                return -1;
            }
            int start = text.lastIndexOf('\n', end - 1) + 1;
            String line = text.substring(start, end);
            return line.startsWith("ACK ") ? Long.parseLong(line.substring(4)) : -1;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
