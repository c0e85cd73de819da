package io.devsec.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.devsec.core.privacy.Purpose;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 section 5 at the facade: logins, password changes and personal data writes (each a keystore or
 * file write by temporary file and rename) while other threads ask for the attack-surface report, the
 * conformance facts and statement, and the status. No report may fail because another part is writing.
 * Bounded to a few seconds; the surface package's test reproduces the race far more often per second.
 */
class ConcurrentReportsTest {

    @TempDir
    Path dir;

    static final Purpose LOCATION = DeviceBaselineTest.LOCATION;

    @Test
    void reports_whileLoginsPasswordChangesAndDataWritesRun_neverFail() throws Exception {
        try (DeviceSecurity device = DeviceSecurity.builder().dataFolder(dir.resolve("data")).productName("Acme Hub")
                .purposes(LOCATION).build()) {
            char[] first = device.takeInitialPassword().orElseThrow();
            device.consents().orElseThrow().grant("location");
            char[][] passwords = {first, "violet kettle under seven bridges".toCharArray()};
            AtomicBoolean stop = new AtomicBoolean();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            CountDownLatch failed = new CountDownLatch(1);
            AtomicLong reports = new AtomicLong();
            List<Thread> threads = new ArrayList<>();
            threads.add(worker(stop, failures, failed, () -> {
                // password changes back and forth: a login (two keystore writes) and a hash write each
                synchronized (passwords) {
                    device.changePassword(passwords[0], passwords[1]);
                    char[] t = passwords[0];
                    passwords[0] = passwords[1];
                    passwords[1] = t;
                }
            }));
            threads.add(worker(stop, failures, failed, () -> {
                device.personalData().put("profile", "Alice, kitchen".getBytes(StandardCharsets.UTF_8));
                device.personalData().delete("profile");
            }));
            threads.add(worker(stop, failures, failed, () -> {
                assertThat(device.attackSurfaceReport().files()).isNotEmpty();
                reports.incrementAndGet();
            }));
            threads.add(worker(stop, failures, failed, () -> {
                assertThat(device.conformanceStatement().toMarkdown()).isNotEmpty();
                device.status();
                reports.incrementAndGet();
            }));
            threads.forEach(Thread::start);
            failed.await(4, TimeUnit.SECONDS); // the first failure, or 4 s of concurrent work without one
            stop.set(true);
            for (Thread t : threads) {
                t.join(30_000);
            }
            assertThat(failures).as("reports built: " + reports.get()).isEmpty();
            assertThat(reports.get()).isPositive();
        }
    }

    interface Step {
        void run() throws Exception;
    }

    private static Thread worker(AtomicBoolean stop, ConcurrentLinkedQueue<Throwable> failures, CountDownLatch failed,
            Step step) {
        return new Thread(() -> {
            try {
                while (!stop.get()) {
                    step.run();
                }
            } catch (Throwable t) {
                failures.add(t);
                failed.countDown();
            }
        });
    }
}
