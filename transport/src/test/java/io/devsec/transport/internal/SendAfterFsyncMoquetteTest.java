package io.devsec.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.devsec.transport.Delivery;
import io.devsec.transport.DeviceMqttClient;
import io.devsec.transport.Qos;
import io.devsec.transport.testing.MoquetteFixture;
import io.devsec.transport.testing.Waits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The durability order of the outbox, seen from the broker: no message reaches it before the fsync
 * that makes the message durable. The fsyncs are slowed down (a slow flash disk), so a message sent
 * early would come back from the broker while its fsync still runs.
 */
class SendAfterFsyncMoquetteTest {
    static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final MoquetteFixture moquette = new MoquetteFixture("DevSec Fsync Order Test CA");

    @TempDir
    Path dir;

    /** Every sequence number up to this one is durable (the highest fsync that returned). */
    final AtomicLong durable = new AtomicLong();
    final AtomicLong fsyncs = new AtomicLong();
    /**
     * Added to every fsync. Long enough for a message sent early to come back from the broker before
     * its fsync returns (2 ms was not: a deliberately broken sender passed).
     */
    volatile long slowFsyncNanos = TimeUnit.MILLISECONDS.toNanos(25);

    @BeforeEach
    void observeFsyncs() {
        OutboxJournal.syncObserver = new OutboxJournal.SyncObserver() {
            @Override
            public void beforeSync(long upToSeq) {
                LockSupport.parkNanos(slowFsyncNanos);
            }

            @Override
            public void synced(long upToSeq) {
                fsyncs.incrementAndGet();
                durable.accumulateAndGet(upToSeq, Math::max);
            }
        };
    }

    @AfterEach
    void stopObserving() {
        OutboxJournal.syncObserver = null;
    }

    DeviceMqttClient client(String id) throws Exception {
        return moquette.client(id, moquette.tlsFor(id), dir).random(new Random(7)).build();
    }

    /** Subscribes to the echo of the client's own messages and notes every one that came back before its fsync. */
    static void watchEchoes(DeviceMqttClient c, String id, Queue<String> early, AtomicLong echoed, AtomicLong durable) throws Exception {
        c.subscribe("devices/" + id + "/echo/#", Qos.AT_LEAST_ONCE, m -> {
            // payload "i": the i-th message of a fresh outbox has sequence number i + 1
            long seq = Long.parseLong(new String(m.payload(), StandardCharsets.UTF_8)) + 1;
            long d = durable.get();
            if (d < seq) {
                early.add("message " + seq + " reached the broker while only " + d + " were durable");
            }
            echoed.incrementAndGet();
        });
    }

    @Test
    void publishAsync_noMessageReachesTheBrokerBeforeItsFsync() throws Exception {
        String id = moquette.newDeviceId("fsync-order");
        Queue<String> early = new ConcurrentLinkedQueue<>();
        AtomicLong echoed = new AtomicLong();
        int n = 1500;
        try (DeviceMqttClient c = client(id)) {
            watchEchoes(c, id, early, echoed, durable);
            c.start();
            assertThat(c.awaitConnected(WAIT)).isTrue();
            List<Delivery> ds = new ArrayList<>();
            // Each message is queued once the one `lag` before it is acknowledged: new, not yet durable
            // messages keep arriving while acknowledgements free slots in the window, the moment a wrong
            // send would happen.
            int lag = 20;
            for (int i = 0; i < n; i++) {
                if (i >= lag) {
                    ds.get(i - lag).await(WAIT);
                }
                ds.add(c.publishAsync(c.namespace().topic("echo/x"), Long.toString(i).getBytes(StandardCharsets.UTF_8)));
            }
            for (Delivery d : ds) {
                d.await(WAIT);
            }
            Waits.until(WAIT, n + " echoes", () -> echoed.get() >= n);
        }
        assertThat(early).as("messages sent before their fsync").isEmpty();
        assertThat(durable.get()).isEqualTo(n);
        // group commit: one slow fsync covers many queued messages
        assertThat(fsyncs.get()).as("fsyncs for %d messages", n).isLessThan(n / 4L);
    }

    @Test
    void publish_fromSeveralThreads_returnsOnlyOnceItsMessageIsDurable() throws Exception {
        String id = moquette.newDeviceId("fsync-order-sync");
        Queue<String> returnedEarly = new ConcurrentLinkedQueue<>();
        int threads = 4;
        int perThread = 100;
        slowFsyncNanos = TimeUnit.MILLISECONDS.toNanos(2);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (DeviceMqttClient c = client(id)) {
            c.start();
            assertThat(c.awaitConnected(WAIT)).isTrue();
            List<Future<List<Delivery>>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                fs.add(pool.submit(() -> {
                    List<Delivery> mine = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        Delivery d = c.publish(c.namespace().topic("t"), new byte[] {1}, Qos.AT_LEAST_ONCE);
                        long d0 = durable.get();
                        if (d0 < d.sequence()) {
                            returnedEarly.add("publish of " + d.sequence() + " returned while only " + d0 + " were durable");
                        }
                        mine.add(d);
                    }
                    return mine;
                }));
            }
            for (Future<List<Delivery>> f : fs) {
                for (Delivery d : f.get()) {
                    d.await(WAIT);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(returnedEarly).isEmpty();
        assertThat(durable.get()).isEqualTo((long) threads * perThread);
        // concurrent callers share fsyncs
        assertThat(fsyncs.get()).isLessThan((long) threads * perThread);
    }
}
