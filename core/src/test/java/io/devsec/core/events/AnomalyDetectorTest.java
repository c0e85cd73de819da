package io.devsec.core.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.devsec.core.events.SecurityAlert.Trigger;
import io.devsec.core.events.SecurityEvent.Source;
import io.devsec.core.events.SecurityEvent.Type;
import io.devsec.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnomalyDetectorTest {

    static final Instant START = Instant.parse("2026-01-31T12:00:00Z");

    final ManualClock clock = new ManualClock(START);

    SecurityEvent event(Type type) {
        return SecurityEvent.of(type, Source.CORE, clock.instant(), Map.of());
    }

    /** {@code perWindow} events spread evenly over each of {@code windows} one-minute windows. */
    List<SecurityAlert> steady(SecurityEvents events, Type type, int perWindow, int windows) {
        List<SecurityAlert> alerts = new ArrayList<>();
        events.subscribe(new SecurityEventListener() {
            @Override
            public void onEvent(SecurityEvent e) {
            }

            @Override
            public void onAlert(SecurityAlert a) {
                alerts.add(a);
            }
        });
        for (int w = 0; w < windows; w++) {
            long step = 60_000 / Math.max(perWindow, 1);
            for (int i = 0; i < perWindow; i++) {
                events.record(type, Source.CORE, Map.of());
                clock.advance(Duration.ofMillis(step));
            }
            clock.advance(Duration.ofMillis(60_000 - step * perWindow));
        }
        events.flush();
        return alerts;
    }

    @Test
    void burstOfFailedLogins_raisesOneThresholdAlertPerWindow() {
        SecurityEvents events = SecurityEvents.builder().clock(clock).build();
        for (int i = 0; i < 30; i++) {
            events.publish(event(Type.LOGIN_FAILED));
            clock.advance(Duration.ofMillis(100));
        }
        List<SecurityAlert> alerts = events.recentAlerts();
        assertThat(alerts).hasSize(1);
        SecurityAlert a = alerts.get(0);
        assertThat(a.eventType()).isEqualTo(Type.LOGIN_FAILED);
        assertThat(a.trigger()).isEqualTo(Trigger.FIXED_THRESHOLD);
        assertThat(a.count()).isEqualTo(11);
        assertThat(a.limit()).isEqualTo(10);
        assertThat(a.windowStart()).isEqualTo(START);
        assertThat(a.window()).isEqualTo(Duration.ofMinutes(1));
        assertThat(a.time()).isEqualTo(START.plusMillis(1000));
        assertThat(a.severity()).isEqualTo(Severity.WARNING);
        // The next window starts afresh: another burst raises another alert.
        clock.advance(Duration.ofMinutes(1));
        for (int i = 0; i < 11; i++) {
            events.publish(event(Type.LOGIN_FAILED));
        }
        assertThat(events.recentAlerts()).hasSize(2);
    }

    @Test
    void steadyRateBelowThreshold_raisesNoAlert() {
        SecurityEvents events = SecurityEvents.builder().clock(clock).build();
        List<SecurityAlert> alerts = steady(events, Type.LOGIN_FAILED, 8, 60);
        assertThat(alerts).isEmpty();
        assertThat(events.publishedCount()).isEqualTo(480);
        assertThat(events.baseline(Type.LOGIN_FAILED).orElseThrow()).isBetween(7.9, 8.0);
    }

    @Test
    void integrityFailure_alertsAtOnceAsCritical() {
        SecurityEvents events = SecurityEvents.builder().clock(clock).build();
        events.publish(event(Type.INTEGRITY_FAILURE));
        assertThat(events.recentAlerts()).singleElement().satisfies(a -> {
            assertThat(a.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(a.count()).isEqualTo(1);
        });
    }

    @Test
    void baseline_adaptsToASustainedRate() {
        AnomalySettings settings = AnomalySettings.builder().noThreshold(Type.INVALID_INPUT).build();
        SecurityEvents events = SecurityEvents.builder().clock(clock).anomalySettings(settings).build();
        // A quiet device: 5 invalid inputs a minute for half an hour is normal.
        assertThat(steady(events, Type.INVALID_INPUT, 5, 30)).isEmpty();
        assertThat(events.baseline(Type.INVALID_INPUT).orElseThrow()).isBetween(4.9, 5.0);
        // Jumping to 40 a minute is anomalous (above 3 x 5 + 10)...
        List<SecurityAlert> jump = steady(events, Type.INVALID_INPUT, 40, 1);
        assertThat(jump).singleElement().satisfies(a -> {
            assertThat(a.trigger()).isEqualTo(Trigger.BASELINE_EXCEEDED);
            assertThat(a.limit()).isBetween(24.9, 25.0);
            assertThat(a.count()).isEqualTo(25);
        });
        // ...but the baseline learns the new rate: from the next minute on, 40 a minute is normal.
        assertThat(steady(events, Type.INVALID_INPUT, 40, 30)).isEmpty();
        double learned = events.baseline(Type.INVALID_INPUT).orElseThrow();
        assertThat(learned).isBetween(39.9, 40.0);
        // A burst of five times the learned rate stands out again.
        List<SecurityAlert> burst = steady(events, Type.INVALID_INPUT, 200, 1);
        assertThat(burst).singleElement().satisfies(a -> {
            assertThat(a.trigger()).isEqualTo(Trigger.BASELINE_EXCEEDED);
            assertThat(a.baseline()).isEqualTo(learned);
            assertThat(a.limit()).isCloseTo(3 * learned + 10, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(a.count()).isEqualTo((long) Math.floor(a.limit()) + 1);
        });
    }

    @Test
    void tick_decaysTheBaselineThroughQuietWindows() {
        AnomalyDetector d = AnomalyDetector.create(AnomalySettings.DEFAULT, clock);
        for (int i = 0; i < 50; i++) {
            d.record(event(Type.CONNECT_REFUSED));
        }
        clock.advance(Duration.ofMinutes(1));
        assertThat(d.tick()).isEmpty();
        assertThat(d.baseline(Type.CONNECT_REFUSED)).isEqualTo(10.0);
        clock.advance(Duration.ofMinutes(10));
        d.tick();
        assertThat(d.baseline(Type.CONNECT_REFUSED)).isCloseTo(10.0 * Math.pow(0.8, 10), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(d.currentCount(Type.CONNECT_REFUSED)).isZero();
        assertThat(d.currentWindowStart()).isEqualTo(START.plus(Duration.ofMinutes(11)));
    }

    @Test
    void clockGoingBack_staysInTheCurrentWindow() {
        AnomalyDetector d = AnomalyDetector.create(AnomalySettings.DEFAULT, clock);
        d.record(event(Type.LOGIN_FAILED));
        clock.advance(Duration.ofHours(-2));
        d.record(event(Type.LOGIN_FAILED));
        assertThat(d.currentCount(Type.LOGIN_FAILED)).isEqualTo(2);
    }

    @Test
    void connectionStorm_raisesAlertOnLostConnections() {
        SecurityEvents events = SecurityEvents.builder().clock(clock).build();
        for (int i = 0; i < 11; i++) {
            events.record(Type.CONNECTION_LOST, Source.TRANSPORT, Map.of());
            clock.advance(Duration.ofSeconds(2));
        }
        assertThat(events.recentAlerts()).extracting(SecurityAlert::eventType).containsExactly(Type.CONNECTION_LOST);
    }

    @Test
    void settings_builder_namesTheBadField() {
        assertThatThrownBy(() -> AnomalySettings.builder().window(Duration.ZERO).build()).hasMessageContaining("window");
        assertThatThrownBy(() -> AnomalySettings.builder().ewmaWeight(0).build()).hasMessageContaining("ewmaWeight");
        assertThatThrownBy(() -> AnomalySettings.builder().baselineMultiplier(0.5).build())
                .hasMessageContaining("baselineMultiplier");
        assertThatThrownBy(() -> AnomalySettings.builder().baselineFloor(-1).build()).hasMessageContaining("baselineFloor");
        assertThatThrownBy(() -> AnomalySettings.builder().threshold(Type.LOGIN_FAILED, -1))
                .hasMessageContaining("LOGIN_FAILED");
        assertThat(AnomalySettings.DEFAULT.threshold(Type.LOGIN_FAILED)).hasValue(10);
        assertThat(AnomalySettings.builder().noThreshold(Type.LOGIN_FAILED).build().threshold(Type.LOGIN_FAILED)).isEmpty();
    }
}
