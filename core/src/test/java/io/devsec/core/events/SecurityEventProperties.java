package io.devsec.core.events;

import io.devsec.core.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import io.devsec.core.events.SecurityEvent.Source;
import io.devsec.core.events.SecurityEvent.Type;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Round trips of the JSON line format and invariants of the anomaly detector, over random input. */
class SecurityEventProperties {

    @Provide
    Arbitrary<SecurityEvent> events() {
        Arbitrary<String> names = Combinators.combine(Arbitraries.chars().range('a', 'z'),
                Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').withChars("0123456789_.-").ofMaxLength(20))
                .as((c, s) -> c + s)
                .filter(n -> !n.toLowerCase().matches(".*(password|passphrase|passwd|secret|token|privatekey|private_key"
                        + "|credential|masterkey|pincode).*"));
        Arbitrary<String> values = Arbitraries.strings().all().ofMaxLength(400);
        Arbitrary<Instant> times = Arbitraries.longs().between(0, 4_102_444_800_000L).map(Instant::ofEpochMilli);
        return Combinators.combine(Arbitraries.of(Type.class), Arbitraries.of(Source.class), Arbitraries.of(Severity.class),
                times, Arbitraries.maps(names, values).ofMaxSize(SecurityEvent.MAX_ATTRIBUTES))
                .as((type, source, severity, time, attrs) -> SecurityEvent.builder(type, source).severity(severity).time(time)
                        .attributes(attrs).build());
    }

    @Property(tries = 1000)
    void event_jsonLine_roundTrips(@ForAll("events") SecurityEvent event) throws Exception {
        String line = SecurityEventJson.toJson(event);
        assertThat(line).doesNotContain("\n").doesNotContain("\r");
        assertThat(SecurityEventJson.parseEvent(line)).isEqualTo(event);
    }

    @Property(tries = 500)
    void alert_jsonLine_roundTrips(@ForAll @IntRange(min = 0, max = 1_000_000) int count,
            @ForAll @IntRange(min = 1, max = 86_400) int windowSeconds, @ForAll("doubles") double baseline,
            @ForAll("doubles") double limit) throws Exception {
        SecurityAlert a = new SecurityAlert(Type.INVALID_INPUT, SecurityAlert.Trigger.BASELINE_EXCEEDED, Severity.WARNING,
                Instant.ofEpochSecond(1_800_000_000L, 123_000_000), Instant.ofEpochSecond(1_800_000_000L),
                Duration.ofSeconds(windowSeconds), count, limit, baseline);
        assertThat(SecurityEventJson.parseAlert(SecurityEventJson.toJson(a))).isEqualTo(a);
    }

    @Provide
    Arbitrary<Double> doubles() {
        return Arbitraries.oneOf(Arbitraries.doubles().between(0, 1e6),
                Arbitraries.of(0.0, Double.MIN_VALUE, 1e-300, 1.0 / 3, 1e300, Double.MAX_VALUE));
    }

    /**
     * Whatever the arrival pattern, every alert names a count above its limit, and each rule raises
     * at most one alert per type and window.
     */
    @Property(tries = 300)
    void detector_alertsAreJustifiedAndAtMostOncePerWindow(
            @ForAll @Size(max = 400) List<@IntRange(min = 0, max = 30_000) Integer> gapsMillis,
            @ForAll @Size(max = 400) List<@IntRange(min = 0, max = 3) Integer> typeIndexes) {
        Type[] types = {Type.LOGIN_FAILED, Type.INVALID_INPUT, Type.CONNECTION_LOST, Type.OTHER};
        MutableClock clock = new MutableClock(Instant.parse("2026-01-31T12:00:00Z"));
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
    }
}
