package io.devsec.core.events;

import static io.devsec.testkit.SeededTrials.between;
import static org.assertj.core.api.Assertions.assertThat;

import io.devsec.testkit.ManualClock;
import io.devsec.testkit.SeededTrials;
import io.devsec.core.events.SecurityEvent.Source;
import io.devsec.core.events.SecurityEvent.Type;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Round trips of the JSON line format and invariants of the anomaly detector, over random input.
 * Seeded trials: a failure names the seed to replay with ({@code -Ddevsec.seed=N}).
 */
class SecurityEventProperties {

    private static final String NAME_CHARS = SeededTrials.range('a', 'z') + SeededTrials.range('A', 'Z') + "0123456789_.-";
    private static final String SECRET_LIKE = ".*(password|passphrase|passwd|secret|token|privatekey|private_key"
            + "|credential|masterkey|pincode).*";

    /** An attribute name: a lower-case letter then up to 20 name chars, never one that looks like a secret. */
    static String name(Random r) {
        while (true) {
            String n = (char) between(r, 'a', 'z') + SeededTrials.string(r, NAME_CHARS, 0, 20);
            if (!n.toLowerCase().matches(SECRET_LIKE)) {
                return n;
            }
        }
    }

    static SecurityEvent event(Random r) {
        Map<String, String> attrs = new HashMap<>();
        int n = SeededTrials.length(r, 0, SecurityEvent.MAX_ATTRIBUTES);
        for (int i = 0; i < n; i++) {
            attrs.put(name(r), SeededTrials.string(r, 400));
        }
        Instant time = Instant.ofEpochMilli((r.nextLong() & Long.MAX_VALUE) % 4_102_444_800_001L);
        return SecurityEvent.builder(SeededTrials.oneOf(r, Type.values()), SeededTrials.oneOf(r, Source.values()))
                .severity(SeededTrials.oneOf(r, Severity.values())).time(time).attributes(attrs).build();
    }

    static double aDouble(Random r) {
        return r.nextBoolean() ? r.nextDouble() * 1e6
                : SeededTrials.oneOf(r, 0.0, Double.MIN_VALUE, 1e-300, 1.0 / 3, 1e300, Double.MAX_VALUE);
    }

    @Test
    void event_jsonLine_roundTrips() {
        SeededTrials.run("event_jsonLine_roundTrips", 1000, r -> {
            SecurityEvent event = event(r);
            String line = SecurityEventJson.toJson(event);
            assertThat(line).doesNotContain("\n").doesNotContain("\r");
            assertThat(SecurityEventJson.parseEvent(line)).isEqualTo(event);
        });
    }

    @Test
    void alert_jsonLine_roundTrips() {
        SeededTrials.run("alert_jsonLine_roundTrips", 500, r -> {
            int count = between(r, 0, 1_000_000);
            int windowSeconds = between(r, 1, 86_400);
            double baseline = aDouble(r);
            double limit = aDouble(r);
            SecurityAlert a = new SecurityAlert(Type.INVALID_INPUT, SecurityAlert.Trigger.BASELINE_EXCEEDED, Severity.WARNING,
                    Instant.ofEpochSecond(1_800_000_000L, 123_000_000), Instant.ofEpochSecond(1_800_000_000L),
                    Duration.ofSeconds(windowSeconds), count, limit, baseline);
            assertThat(SecurityEventJson.parseAlert(SecurityEventJson.toJson(a))).isEqualTo(a);
        });
    }

    /**
     * Whatever the arrival pattern, every alert names a count above its limit, and each rule raises
     * at most one alert per type and window.
     */
    @Test
    void detector_alertsAreJustifiedAndAtMostOncePerWindow() {
        SeededTrials.run("detector_alertsAreJustifiedAndAtMostOncePerWindow", 300, r -> {
            List<Integer> gapsMillis = SeededTrials.list(r, 0, 400, g -> between(g, 0, 30_000));
            List<Integer> typeIndexes = SeededTrials.list(r, 0, 400, g -> between(g, 0, 3));
            Type[] types = {Type.LOGIN_FAILED, Type.INVALID_INPUT, Type.CONNECTION_LOST, Type.OTHER};
            ManualClock clock = new ManualClock(Instant.parse("2026-01-31T12:00:00Z"));
            AnomalyDetector d = AnomalyDetector.create(AnomalySettings.builder().warmupWindows(0).baselineFloor(2).build(), clock);
            List<SecurityAlert> alerts = new ArrayList<>();
            int n = Math.min(gapsMillis.size(), typeIndexes.size());
            for (int i = 0; i < n; i++) {
                clock.advance(Duration.ofMillis(gapsMillis.get(i)));
                alerts.addAll(d.record(SecurityEvent.of(types[typeIndexes.get(i)], Source.CORE, clock.instant(), Map.of())));
                alerts.addAll(d.tick());
            }
            Set<String> seen = new HashSet<>();
            for (SecurityAlert a : alerts) {
                assertThat((double) a.count()).isGreaterThan(a.limit());
                assertThat(a.time()).isBetween(a.windowStart(), a.windowStart().plus(a.window()));
                assertThat(seen.add(a.eventType() + "/" + a.trigger() + "/" + a.windowStart()))
                        .as("one alert per rule, type and window").isTrue();
            }
        });
    }
}
