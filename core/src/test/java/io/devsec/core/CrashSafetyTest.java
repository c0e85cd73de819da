package io.devsec.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM with SIGKILL in the middle of a first start and in the middle of failing logins, then
 * starts the device in this JVM: a first start is all or nothing, and no counted failure is lost.
 */
class CrashSafetyTest {

    @TempDir
    Path dir;

    final SecureRandom random = new SecureRandom();

    static final class Child implements AutoCloseable {
        final Process process;
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

        Child(String mode, Path data) throws IOException {
            String java = System.getenv("DEVSEC_TEST_JAVA") != null ? System.getenv("DEVSEC_TEST_JAVA")
                    : Paths.get(System.getProperty("java.home"), "bin", "java").toString();
            String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            List<String> cmd = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-cp", cp, "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                    CrashChild.class.getName(), mode, data.toString()));
            process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (IOException ignored) {
                    // the child was killed
                }
                lines.add("EOF");
            });
            reader.setDaemon(true);
            reader.start();
        }

        /** Waits (bounded) for a line starting with {@code prefix}; returns it. */
        String await(String prefix) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                String line = lines.poll(1, TimeUnit.SECONDS);
                if (line != null && line.startsWith(prefix)) {
                    return line;
                }
                if ("EOF".equals(line)) {
                    throw new AssertionError("child ended before printing " + prefix);
                }
            }
            throw new AssertionError("timed out waiting for " + prefix);
        }

        void kill() throws InterruptedException {
            process.destroyForcibly();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }

        @Override
        public void close() throws InterruptedException {
            kill();
        }
    }

    @Test
    void firstStart_killedAtRandomMoments_isAllOrNothing() throws Exception {
        // Calibrate: how long does a first start take in a child, from BEGIN to READY?
        long startNanos;
        long firstStartNanos;
        try (Child child = new Child("start", dir.resolve("calibration"))) {
            child.await("BEGIN");
            startNanos = System.nanoTime();
            child.await("READY ");
            firstStartNanos = System.nanoTime() - startNanos;
        }
        int completedBeforeKill = 0;
        for (int i = 0; i < 4; i++) {
            Path data = dir.resolve("device" + i);
            String readyId = null;
            try (Child child = new Child("start", data)) {
                child.await("BEGIN");
                LockSupport.parkNanos((long) (random.nextDouble() * 1.2 * firstStartNanos));
                child.kill();
                for (String line : child.lines) {
                    if (line.startsWith("READY ")) {
                        readyId = line.substring(6);
                    }
                }
            }
            try (DeviceSecurity device = DeviceSecurity.builder().dataFolder(data).productName("Crash Test Device").build()) {
                if (readyId != null) {
                    completedBeforeKill++;
                    assertThat(device.deviceId()).as("a completed first start is kept").isEqualTo(readyId);
                    assertThat(device.takeInitialPassword()).isEmpty();
                }
                assertThat(device.status().deviceId()).isEqualTo(device.deviceId());
                assertThat(device.certificateSigningRequestPem()).contains("CERTIFICATE REQUEST");
            }
        }
        System.out.println("first start in a child: " + firstStartNanos / 1_000_000 + " ms; " + completedBeforeKill
                + " of 4 killed starts had completed");
    }

    @Test
    void login_killedMidLoop_keepsEveryCountedFailure() throws Exception {
        Path data = dir.resolve("device");
        try (DeviceSecurity device = DeviceSecurity.builder().dataFolder(data).productName("Crash Test Device").build()) {
            assertThat(device.status().consecutiveFailedLogins()).isZero();
        }
        int lastReported = 0;
        for (int round = 0; round < 2; round++) {
            try (Child child = new Child("login", data)) {
                child.await("OPENED");
                String line = child.await("FAILED ");
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(random.nextInt(150_000)));
                child.kill();
                lastReported = Integer.parseInt(line.substring(7));
                for (String l : child.lines) {
                    if (l.startsWith("FAILED ")) {
                        lastReported = Integer.parseInt(l.substring(7));
                    }
                }
            }
            try (DeviceSecurity device = DeviceSecurity.builder().dataFolder(data).productName("Crash Test Device").build()) {
                int stored = device.status().consecutiveFailedLogins();
                assertThat(stored).as("restart keeps the failures").isGreaterThanOrEqualTo(lastReported)
                        .isLessThanOrEqualTo(lastReported + 1);
            }
        }
    }
}
