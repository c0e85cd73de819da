package io.devsec.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lock-free read path: concurrent gets and writes see whole values; a close during reads never looks like corruption. */
class KeystoreReadPathTest {
    @TempDir
    Path dir;

    @Test
    void secret_concurrentWithPutsAndClose_returnsWholeValuesThenReportsClosed() throws Exception {
        Keystore ks = Keystore.open(dir.resolve("ks"), MasterKeySource.deviceSecretFile(dir.resolve("secret")));
        byte[][] values = new byte[4][32];
        for (int i = 0; i < values.length; i++) {
            Arrays.fill(values[i], (byte) i);
            ks.putSecret("e" + i, values[i]);
        }
        ExecutorService pool = Executors.newFixedThreadPool(3);
        CountDownLatch started = new CountDownLatch(2);
        AtomicLong reads = new AtomicLong();
        try {
            List<Future<Throwable>> readers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                readers.add(pool.submit(() -> {
                    started.countDown();
                    try {
                        while (true) {
                            for (int i = 0; i < values.length; i++) {
                                byte[] v = ks.secret("e" + i).orElseThrow();
                                // puts below rewrite e0 with one of two whole values, never a mix
                                if (i != 0) {
                                    assertThat(v).isEqualTo(values[i]);
                                } else {
                                    assertThat(v[0] == v[31] && (v[0] == 0 || v[0] == 9)).isTrue();
                                }
                                reads.incrementAndGet();
                            }
                        }
                    } catch (Throwable t2) {
                        return t2;
                    }
                }));
            }
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            byte[] nine = new byte[32];
            Arrays.fill(nine, (byte) 9);
            for (int k = 0; k < 20; k++) {
                ks.putSecret("e0", k % 2 == 0 ? nine : values[0]);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (reads.get() < 2000 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            ks.close();
            for (Future<Throwable> f : readers) {
                Throwable end = f.get(10, TimeUnit.SECONDS);
                assertThat(end).as("a reader ends only because the keystore closed: %s", end)
                        .isInstanceOf(IllegalStateException.class);
                assertThat(end.getMessage()).contains("closed");
            }
            assertThat(reads.get()).isGreaterThanOrEqualTo(2000);
        } finally {
            pool.shutdownNow();
        }
    }
}
