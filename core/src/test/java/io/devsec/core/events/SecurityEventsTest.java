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
        events.unsubscribe(l);
        events.record(Type.OTHER, Source.CORE, Map.of());
        assertThat(got).hasSize(1);
    }

    @Test
    void concurrentPublishers_loseNothing() throws Exception {
        SecurityEvents events = SecurityEvents.builder().capacity(100_000).withoutAnomalyDetection().build();
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
        assertThat(events.publishedCount()).isEqualTo(threads * each);
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
}
