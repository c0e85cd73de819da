package io.devsec.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.devsec.testkit.ManualClock;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The facade's locks are private: application code holding the device's monitor does not stall facade calls. */
class FacadeLockTest {

    @TempDir
    Path dir;

    @Test
    void facadeCalls_whileApplicationHoldsDeviceMonitor_completeWithoutWaitingForIt() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2026-01-15T10:00:00Z"));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (DeviceSecurity device = DeviceSecurity.builder().dataFolder(dir.resolve("data"))
                .productName("Acme Thermostat").clock(clock).build()) {
            Future<?> holder = pool.submit(() -> {
                synchronized (device) {
                    held.countDown();
                    release.await();
                }
                return null;
            });
            assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();
            try {
                Future<DeviceStatus> status = pool.submit(() -> {
                    assertThat(device.deviceId()).startsWith("ds-");
                    assertThat(device.certificateChain()).hasSize(1);
                    assertThat(device.publicInfo()).isNotNull();
                    assertThatThrownBy(() -> device.login("wrong-password-1".toCharArray()))
                            .isInstanceOf(LoginException.class);
                    return device.status();
                });
                // Liveness check: generous bound; with the device monitor used as the facade lock this never returns.
                assertThat(status.get(30, TimeUnit.SECONDS).consecutiveFailedLogins()).isEqualTo(1);
            } finally {
                release.countDown();
            }
            holder.get(30, TimeUnit.SECONDS);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }
}
