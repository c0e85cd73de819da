package io.devsec.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.devsec.transport.testing.MoquetteFixture;
import io.devsec.transport.testing.Waits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** publishAsync (write now, fsync by group commit before sending) and concurrent publish(), against embedded Moquette. */
class PublishAsyncMoquetteTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final MoquetteFixture moquette = new MoquetteFixture("DevSec Async Test CA");

    @TempDir
    Path dir;

    static String newDeviceId() {
        return moquette.newDeviceId("async");
    }

    DeviceMqttClient.Builder client(String id) throws Exception {
        return moquette.client(id, moquette.tlsFor(id), dir).random(new Random(42));
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void publishAsync_manyMessagesFromOneThread_allDeliveredInOrderAndAcknowledged() throws Exception {
        String id = newDeviceId();
        try (DeviceMqttClient c = client(id).build()) {
            List<String> got = new CopyOnWriteArrayList<>();
            c.subscribe("devices/" + id + "/echo/#", Qos.AT_LEAST_ONCE, m -> got.add(new String(m.payload(), StandardCharsets.UTF_8)));
            c.start();
            assertThat(c.awaitConnected(WAIT)).isTrue();
            List<Delivery> ds = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                ds.add(c.publishAsync(c.namespace().topic("echo/x"), utf8("m" + i)));
            }
            for (Delivery d : ds) {
                d.await(WAIT);
            }
            assertThat(c.awaitOutboxEmpty(WAIT)).isTrue();
            Waits.until(WAIT, "300 echoes", () -> got.size() >= 300);
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                expected.add("m" + i);
            }
            // at least once: duplicates are allowed, order of first appearance is not negotiable
            assertThat(got.stream().distinct()).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void publishAsync_withWriteCoalescingOff_deliversInOrderToo() throws Exception {
        String id = newDeviceId();
        try (DeviceMqttClient c = client(id).writeCoalescing(Duration.ZERO).build()) {
            List<String> got = new CopyOnWriteArrayList<>();
            c.subscribe("devices/" + id + "/echo/#", Qos.AT_LEAST_ONCE, m -> got.add(new String(m.payload(), StandardCharsets.UTF_8)));
            c.start();
            assertThat(c.awaitConnected(WAIT)).isTrue();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                c.publishAsync(c.namespace().topic("echo/x"), utf8("m" + i));
                expected.add("m" + i);
            }
            assertThat(c.awaitOutboxEmpty(WAIT)).isTrue();
            Waits.until(WAIT, "100 echoes", () -> got.size() >= 100);
            assertThat(got.stream().distinct()).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void writeCoalescing_outsideZeroToTenMilliseconds_isRefused() throws Exception {
        String id = newDeviceId();
        assertThatThrownBy(() -> client(id).writeCoalescing(Duration.ofNanos(-1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("writeCoalescing");
        assertThatThrownBy(() -> client(id).writeCoalescing(Duration.ofMillis(11)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("writeCoalescing");
    }

    @Test
    void publishAsync_thenFlush_survivesCloseAndReopenUnsent() throws Exception {
        String id = newDeviceId();
        try (DeviceMqttClient c = client(id).build()) {
            // never started: nothing is sent, everything waits in the outbox
            for (int i = 0; i < 50; i++) {
                c.publishAsync(c.namespace().topic("t"), utf8("p" + i));
            }
            c.flush();
            assertThat(c.pendingMessages()).isEqualTo(50);
        }
        try (DeviceMqttClient c = client(id).build()) {
            assertThat(c.pendingMessages()).isEqualTo(50);
            c.start();
            assertThat(c.awaitOutboxEmpty(WAIT)).isTrue();
        }
    }

    @Test
    void publishAsync_topicOutsideNamespace_isRefusedBeforeAnythingIsWritten() throws Exception {
        String id = newDeviceId();
        try (DeviceMqttClient c = client(id).build()) {
            assertThatThrownBy(() -> c.publishAsync("devices/someone-else/t", utf8("x")))
                    .isInstanceOf(TopicOutsideNamespaceException.class);
            assertThat(c.pendingMessages()).isZero();
        }
    }

    @Test
    void publish_tenConcurrentThreads_everyMessageDeliveredAndPersistedBeforeReturn() throws Exception {
        String id = newDeviceId();
        int threads = 10;
        int each = 40;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            // not started: whatever publish() returned for must be on disk for the next client
            try (DeviceMqttClient c = client(id).build()) {
                List<Future<?>> fs = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    final int tt = t;
                    fs.add(pool.submit(() -> {
                        for (int i = 0; i < each; i++) {
                            c.publish(c.namespace().topic("t" + tt), utf8(tt + ":" + i), Qos.AT_LEAST_ONCE);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : fs) {
                    f.get();
                }
            }
            try (DeviceMqttClient c = client(id).build()) {
                assertThat(c.pendingMessages()).isEqualTo(threads * each);
                c.start();
                assertThat(c.awaitOutboxEmpty(WAIT)).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
