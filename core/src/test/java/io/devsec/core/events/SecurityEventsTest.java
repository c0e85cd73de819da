package io.devsec.core.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.devsec.core.events.SecurityEvent.Source;
import io.devsec.core.events.SecurityEvent.Type;
import io.devsec.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SecurityEventsTest {

    final ManualClock clock = new ManualClock(Instant.parse("2026-01-31T12:00:00Z"));

    @Test
    void publish_deliversToEveryListenerInOrder_andKeepsRecentEvents() {
        SecurityEvents events = SecurityEvents.builder().clock(clock).build();
        List<SecurityEvent> a = new ArrayList<>();
        List<SecurityEvent> b = new ArrayList<>();
        events.subscribe(a::add);
        events.subscribe(b::add);
        SecurityEvent first = events.record(Type.LOGIN_FAILED, Source.CORE, Map.of("attempt", "1"));
        SecurityEvent second = events.record(Type.PASSWORD_CHANGED, Source.CORE, Map.of());
        events.flush();
        assertThat(a).containsExactly(first, second);
        assertThat(b).containsExactly(first, second);
        assertThat(events.recentEvents()).containsExactly(first, second);
        assertThat(first.time()).isEqualTo(clock.instant());
    }

    @Test
    void ring_isBoundedAndKeepsTheNewest() {
        SecurityEvents events = SecurityEvents.builder().clock(clock).capacity(3).withoutAnomalyDetection().build();
        for (int i = 0; i < 10; i++) {
            events.record(Type.OTHER, Source.APPLICATION, Map.of("n", Integer.toString(i)));
        }
        assertThat(events.recentEvents()).extracting(e -> e.attributes().get("n")).containsExactly("7", "8", "9");
        assertThat(events.publishedCount()).isEqualTo(10);
        assertThat(events.anomalySettings()).isEmpty();
        assertThat(events.tick()).isEmpty();
    }

    @Test
    void failingListener_isIsolatedCountedAndReported() {
        SecurityEvents events = SecurityEvents.builder().clock(clock).build();
        List<SecurityEvent> good = new ArrayList<>();
        events.subscribe(e -> {
            throw new IllegalStateException("listener bug");
        });
        events.subscribe(good::add);
        assertThatCode(() -> events.record(Type.LOGIN_FAILED, Source.CORE, Map.of())).doesNotThrowAnyException();
        events.flush();
        // The good listener got the event, and the failure as an event of its own.
        assertThat(good).extracting(SecurityEvent::type).containsExactly(Type.LOGIN_FAILED, Type.LISTENER_FAILED);
        SecurityEvent failure = good.get(1);
        assertThat(failure.attributes()).containsEntry("exception", IllegalStateException.class.getName())
                .containsEntry("failedOn", "event LOGIN_FAILED");
        // The bad listener also failed on the LISTENER_FAILED event: counted, not reported again (no loop).
        assertThat(events.listenerFailures()).isEqualTo(2);
        assertThat(events.recentEvents()).hasSize(2);
    }

    @Test
    void failingAlertListener_isIsolated() {
        SecurityEvents events = SecurityEvents.builder().clock(clock).build();
        List<SecurityAlert> alerts = new ArrayList<>();
        events.subscribe(new SecurityEventListener() {
            @Override
            public void onEvent(SecurityEvent event) {
            }

            @Override
            public void onAlert(SecurityAlert alert) {
                throw new IllegalStateException("alert bug");
            }
        });
        events.subscribe(new SecurityEventListener() {
            @Override
            public void onEvent(SecurityEvent event) {
            }

            @Override
            public void onAlert(SecurityAlert alert) {
                alerts.add(alert);
            }
        });
        events.record(Type.ROLLBACK_ATTEMPT, Source.UPDATE, Map.of());
        events.flush();
        assertThat(alerts).extracting(SecurityAlert::eventType).containsExactly(Type.ROLLBACK_ATTEMPT);
        assertThat(events.listenerFailures()).isEqualTo(1);
        assertThat(events.recentEvents()).extracting(SecurityEvent::type)
                .containsExactly(Type.ROLLBACK_ATTEMPT, Type.LISTENER_FAILED);
    }

    @Test
    void unsubscribe_stopsDelivery() {
        SecurityEvents events = SecurityEvents.builder().clock(clock).build();
        List<SecurityEvent> got = new ArrayList<>();
        SecurityEventListener l = got::add;
        events.subscribe(l);
        events.record(Type.OTHER, Source.CORE, Map.of());
        events.flush();
        events.unsubscribe(l);
        events.record(Type.OTHER, Source.CORE, Map.of());
        events.flush();
        assertThat(got).hasSize(1);
    }

    @Test
    void concurrentPublishers_loseNothing() throws Exception {
        SecurityEvents events = SecurityEvents.builder().capacity(100_000).deliveryQueueCapacity(100_000)
                .withoutAnomalyDetection().build();
        List<SecurityEvent> got = Collections.synchronizedList(new ArrayList<>());
        events.subscribe(got::add);
        int threads = 4;
        int each = 5_000;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String name = Integer.toString(t);
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < each; i++) {
                        events.record(Type.OTHER, Source.APPLICATION, Map.of("thread", name));
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        events.flush();
        assertThat(events.publishedCount()).isEqualTo(threads * each);
        assertThat(events.droppedCount()).isZero();
        assertThat(got).hasSize(threads * each);
        assertThat(events.recentEvents()).hasSize(threads * each);
    }

    @Test
    void tick_afterQuietPeriod_raisesNothing() {
        SecurityEvents events = SecurityEvents.builder().clock(clock).build();
        events.record(Type.LOGIN_FAILED, Source.CORE, Map.of());
        clock.advance(Duration.ofMinutes(5));
        assertThat(events.tick()).isEmpty();
        assertThat(events.baseline(Type.LOGIN_FAILED).orElseThrow()).isGreaterThan(0).isLessThan(1);
    }

    // ------------------------------------------------------------------ delivery on the stream's own thread

    /** A listener that blocks in its first call until released, after telling the test it was entered. */
    static final class Gate implements SecurityEventListener {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final List<Object> got = Collections.synchronizedList(new ArrayList<>());
        volatile Thread thread;

        @Override
        public void onEvent(SecurityEvent event) {
            got.add(event);
            hold();
        }

        @Override
        public void onAlert(SecurityAlert alert) {
            got.add(alert);
            hold();
        }

        private void hold() {
            thread = Thread.currentThread();
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void awaitEntered() throws InterruptedException {
            assertThat(entered.await(30, TimeUnit.SECONDS)).as("listener entered").isTrue();
        }
    }

    @Test
    void listener_runsOnTheStreamsOwnDaemonThread_notThePublishers() {
        SecurityEvents events = SecurityEvents.builder().clock(clock).build();
        List<Thread> threads = Collections.synchronizedList(new ArrayList<>());
        events.subscribe(e -> threads.add(Thread.currentThread()));
        events.record(Type.OTHER, Source.CORE, Map.of());
        events.flush();
        assertThat(threads).singleElement().satisfies(t -> {
            assertThat(t).isNotSameAs(Thread.currentThread());
            assertThat(t.getName()).isEqualTo(SecurityEvents.THREAD_NAME);
            assertThat(t.isDaemon()).isTrue();
        });
    }

    @Test
    void blockedListener_doesNotBlockThePublisher_andDetectionStaysSynchronous() throws Exception {
        SecurityEvents events = SecurityEvents.builder().clock(clock).build();
        Gate gate = new Gate();
        events.subscribe(gate);
        try {
            events.record(Type.OTHER, Source.CORE, Map.of());
            gate.awaitEntered();
            // The listener is blocked; the publisher still returns, and the ring and the detector see every event now.
            SecurityEvent rollback = events.record(Type.ROLLBACK_ATTEMPT, Source.UPDATE, Map.of());
            assertThat(events.recentEvents()).extracting(SecurityEvent::type).containsExactly(Type.OTHER, Type.ROLLBACK_ATTEMPT);
            assertThat(events.recentAlerts()).extracting(SecurityAlert::eventType).containsExactly(Type.ROLLBACK_ATTEMPT);
            assertThat(events.queuedCount()).isEqualTo(3); // OTHER in flight, ROLLBACK_ATTEMPT and its alert queued
            assertThat(gate.got).hasSize(1);
            gate.release.countDown();
            events.flush();
            assertThat(gate.got).hasSize(3);
            assertThat(gate.got.get(1)).isEqualTo(rollback);
            assertThat(gate.got.get(2)).isInstanceOf(SecurityAlert.class);
        } finally {
            gate.release.countDown();
        }
    }

    @Test
    void delivery_preservesPublishOrder_eventsThenTheirAlerts_acrossListeners() {
        SecurityEvents events = SecurityEvents.builder().clock(clock).build();
        List<String> a = Collections.synchronizedList(new ArrayList<>());
        List<String> b = Collections.synchronizedList(new ArrayList<>());
        for (List<String> sink : List.of(a, b)) {
            events.subscribe(new SecurityEventListener() {
                @Override
                public void onEvent(SecurityEvent event) {
                    sink.add(event.type() + ":" + event.attributes().getOrDefault("n", ""));
                }

                @Override
                public void onAlert(SecurityAlert alert) {
                    sink.add("alert:" + alert.eventType());
                }
            });
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            events.record(Type.OTHER, Source.APPLICATION, Map.of("n", Integer.toString(i)));
            expected.add("OTHER:" + i);
            if (i == 100) {
                events.record(Type.INTEGRITY_FAILURE, Source.UPDATE, Map.of());
                expected.add("INTEGRITY_FAILURE:");
                expected.add("alert:INTEGRITY_FAILURE");
            }
        }
        events.flush();
        assertThat(a).containsExactlyElementsOf(expected);
        assertThat(b).containsExactlyElementsOf(expected);
    }

    @Test
    void fullQueue_dropsNewNonCriticalEvents_countsThem_andNeverBlocksThePublisher() throws Exception {
        SecurityEvents events = SecurityEvents.builder().clock(clock).deliveryQueueCapacity(4).withoutAnomalyDetection().build();
        Gate gate = new Gate();
        events.subscribe(gate);
        try {
            events.record(Type.OTHER, Source.CORE, Map.of("n", "0"));
            gate.awaitEntered(); // n=0 is in flight, the queue is empty
            for (int i = 1; i <= 10; i++) {
                events.record(Type.OTHER, Source.CORE, Map.of("n", Integer.toString(i)));
            }
            assertThat(events.droppedCount()).isEqualTo(6);
            assertThat(events.droppedCriticalCount()).isZero();
            assertThat(events.publishedCount()).isEqualTo(11);
            assertThat(events.recentEvents()).hasSize(11); // recorded even when not delivered
            gate.release.countDown();
            events.flush();
            assertThat(gate.got).extracting(o -> ((SecurityEvent) o).attributes().get("n"))
                    .containsExactly("0", "1", "2", "3", "4");
        } finally {
            gate.release.countDown();
        }
    }

    @Test
    void fullQueue_criticalEventTakesThePlaceOfTheOldestNonCritical() throws Exception {
        SecurityEvents events = SecurityEvents.builder().clock(clock).deliveryQueueCapacity(3).withoutAnomalyDetection().build();
        Gate gate = new Gate();
        events.subscribe(gate);
        try {
            events.record(Type.OTHER, Source.CORE, Map.of("n", "0"));
            gate.awaitEntered();
            events.record(Type.OTHER, Source.CORE, Map.of("n", "1"));
            events.record(Type.OTHER, Source.CORE, Map.of("n", "2"));
            events.record(Type.OTHER, Source.CORE, Map.of("n", "3"));
            SecurityEvent critical = events.record(Type.INTEGRITY_FAILURE, Source.CORE, Map.of("n", "4"));
            assertThat(critical.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(events.droppedCount()).isEqualTo(1);
            assertThat(events.droppedCriticalCount()).isZero();
            gate.release.countDown();
            events.flush();
            assertThat(gate.got).extracting(o -> ((SecurityEvent) o).attributes().get("n"))
                    .containsExactly("0", "2", "3", "4");
        } finally {
            gate.release.countDown();
        }
    }

    @Test
    void fullQueueOfCriticalEvents_usesTheReserve_thenDropsCountedAsCritical() throws Exception {
        SecurityEvents events = SecurityEvents.builder().clock(clock).deliveryQueueCapacity(2).withoutAnomalyDetection().build();
        Gate gate = new Gate();
        events.subscribe(gate);
        try {
            events.record(Type.OTHER, Source.CORE, Map.of("n", "0"));
            gate.awaitEntered();
            for (int i = 1; i <= 5; i++) {
                events.record(Type.INTEGRITY_FAILURE, Source.CORE, Map.of("n", Integer.toString(i)));
            }
            // Two fit the queue, two more its critical reserve; the fifth is dropped, counted and logged at ERROR.
            assertThat(events.droppedCriticalCount()).isEqualTo(1);
            assertThat(events.droppedCount()).isEqualTo(1);
            gate.release.countDown();
            events.flush();
            assertThat(gate.got).extracting(o -> ((SecurityEvent) o).attributes().get("n"))
                    .containsExactly("0", "1", "2", "3", "4");
        } finally {
            gate.release.countDown();
        }
    }

    @Test
    void awaitDelivered_whileAListenerBlocks_returnsFalseAtTheTimeout() throws Exception {
        SecurityEvents events = SecurityEvents.builder().clock(clock).build();
        Gate gate = new Gate();
        events.subscribe(gate);
        assertThat(events.awaitDelivered(Duration.ZERO)).as("nothing queued").isTrue();
        try {
            events.record(Type.OTHER, Source.CORE, Map.of());
            gate.awaitEntered();
            assertThat(events.awaitDelivered(Duration.ofMillis(1))).isFalse();
            gate.release.countDown();
            assertThat(events.awaitDelivered(Duration.ofSeconds(30))).isTrue();
        } finally {
            gate.release.countDown();
        }
    }

    @Test
    void failingListener_doesNotKillTheDeliveryThread() {
        SecurityEvents events = SecurityEvents.builder().clock(clock).withoutAnomalyDetection().build();
        List<Thread> threads = Collections.synchronizedList(new ArrayList<>());
        events.subscribe(e -> {
            if (e.type() == Type.OTHER) {
                throw new AssertionError("listener bug (an Error)");
            }
        });
        events.subscribe(e -> threads.add(Thread.currentThread()));
        events.record(Type.OTHER, Source.CORE, Map.of());
        events.record(Type.PASSWORD_CHANGED, Source.CORE, Map.of());
        events.flush();
        assertThat(events.listenerFailures()).isEqualTo(1);
        assertThat(events.recentEvents()).extracting(SecurityEvent::type)
                .containsExactlyInAnyOrder(Type.OTHER, Type.PASSWORD_CHANGED, Type.LISTENER_FAILED);
        assertThat(threads).hasSize(3).allSatisfy(t -> assertThat(t).isSameAs(threads.get(0)));
    }

    @Test
    void listenerPublishing_isQueuedBehind_andNotDeliveredBackToIt() {
        SecurityEvents events = SecurityEvents.builder().clock(clock).withoutAnomalyDetection().build();
        List<Type> echo = Collections.synchronizedList(new ArrayList<>());
        List<Type> other = Collections.synchronizedList(new ArrayList<>());
        List<Boolean> flushedFromListener = Collections.synchronizedList(new ArrayList<>());
        events.subscribe(e -> {
            echo.add(e.type());
            events.record(Type.TOPIC_REFUSED, Source.TRANSPORT, Map.of()); // would loop if delivered back
            try {
                // On the delivery thread it cannot wait for itself: it answers at once instead of deadlocking.
                flushedFromListener.add(events.awaitDelivered(Duration.ofSeconds(30)));
            } catch (InterruptedException ex) {
                throw new IllegalStateException(ex);
            }
        });
        events.subscribe(e -> other.add(e.type()));
        events.record(Type.OTHER, Source.CORE, Map.of());
        events.flush();
        assertThat(echo).containsExactly(Type.OTHER);
        assertThat(flushedFromListener).containsExactly(false);
        assertThat(other).containsExactly(Type.OTHER, Type.TOPIC_REFUSED);
    }

    @Test
    void close_deliversWhatIsQueued_stopsTheThread_andALaterPublishStartsANewOne() throws Exception {
        SecurityEvents events = SecurityEvents.builder().clock(clock).withoutAnomalyDetection().build();
        List<Thread> threads = Collections.synchronizedList(new ArrayList<>());
        events.subscribe(e -> threads.add(Thread.currentThread()));
        for (int i = 0; i < 50; i++) {
            events.record(Type.OTHER, Source.CORE, Map.of());
        }
        events.close();
        assertThat(threads).hasSize(50);
        Thread first = threads.get(0);
        first.join(30_000);
        assertThat(first.isAlive()).isFalse();
        events.record(Type.OTHER, Source.CORE, Map.of());
        events.flush();
        assertThat(threads).hasSize(51);
        assertThat(threads.get(50)).isNotSameAs(first);
        events.close();
    }
}
