package io.devsec.core.events;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * How {@link AnomalyDetector} judges event rates. Immutable.
 *
 * <p>Events of each type are counted in fixed windows aligned to the epoch. Two rules raise an
 * alert, each at most once per type and window:
 * <ul>
 *   <li>fixed threshold: the count exceeds the type's threshold (types without one are skipped);</li>
 *   <li>moving baseline: the count exceeds {@code multiplier × baseline + floor}, where the baseline
 *       is an exponentially weighted moving average (EWMA) of the counts of past windows, empty
 *       windows included; it applies once {@code warmupWindows} windows have passed.</li>
 * </ul>
 */
public final class AnomalySettings {
    /**
     * One-minute windows; EWMA weight 0.2; alert above 3 × baseline + 10 after 3 windows of warm-up;
     * fixed thresholds per minute: any integrity failure, rollback attempt, or lockout; more than 3 bad
     * signatures, 5 refused TLS peers, 10 failed logins, 10 refused connects, 10 lost connections
     * (a connection storm), 20 refused topics, 50 invalid inputs, 3 listener failures.
     */
    public static final AnomalySettings DEFAULT = builder().build();

    private final Duration window;
    private final double ewmaWeight;
    private final double multiplier;
    private final double floor;
    private final int warmupWindows;
    private final Map<SecurityEvent.Type, Long> thresholds;

    private AnomalySettings(Builder b) {
        this.window = b.window;
        this.ewmaWeight = b.ewmaWeight;
        this.multiplier = b.multiplier;
        this.floor = b.floor;
        this.warmupWindows = b.warmupWindows;
        this.thresholds = Collections.unmodifiableMap(new EnumMap<>(b.thresholds));
    }

    /** A builder starting from {@link #DEFAULT}'s values. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder starting from these values: {@code x.toBuilder().build()} equals {@code x}, and a setter
     * changes only its own field.
     *
     * @return a new builder holding this object's values
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.window = window;
        b.ewmaWeight = ewmaWeight;
        b.multiplier = multiplier;
        b.floor = floor;
        b.warmupWindows = warmupWindows;
        b.thresholds.clear();
        b.thresholds.putAll(thresholds);
        return b;
    }

    /** The counting window. */
    public Duration window() {
        return window;
    }

    /** Weight of the newest window in the EWMA baseline, in (0, 1]. */
    public double ewmaWeight() {
        return ewmaWeight;
    }

    /** The baseline multiplier k. */
    public double baselineMultiplier() {
        return multiplier;
    }

    /** Events per window always tolerated above k × baseline. */
    public double baselineFloor() {
        return floor;
    }

    /** Windows that must pass before the baseline rule applies. */
    public int warmupWindows() {
        return warmupWindows;
    }

    /** The fixed threshold (most events per window without an alert) of {@code type}, if it has one. */
    public OptionalLong threshold(SecurityEvent.Type type) {
        Long t = thresholds.get(Objects.requireNonNull(type, "type"));
        return t == null ? OptionalLong.empty() : OptionalLong.of(t);
    }

    /** All fixed thresholds; unmodifiable. */
    public Map<SecurityEvent.Type, Long> thresholds() {
        return thresholds;
    }

    @Override
    public String toString() {
        return "AnomalySettings{window=" + window + ", ewmaWeight=" + ewmaWeight + ", multiplier=" + multiplier
                + ", floor=" + floor + ", warmup=" + warmupWindows + ", thresholds=" + thresholds + "}";
    }

    /** Builds {@link AnomalySettings}; {@link #build()} checks every value. */
    public static final class Builder {
        private Duration window = Duration.ofMinutes(1);
        private double ewmaWeight = 0.2;
        private double multiplier = 3.0;
        private double floor = 10;
        private int warmupWindows = 3;
        private final Map<SecurityEvent.Type, Long> thresholds = new EnumMap<>(SecurityEvent.Type.class);

        private Builder() {
            thresholds.put(SecurityEvent.Type.INTEGRITY_FAILURE, 0L);
            thresholds.put(SecurityEvent.Type.ROLLBACK_ATTEMPT, 0L);
            thresholds.put(SecurityEvent.Type.LOGIN_LOCKED, 0L);
            thresholds.put(SecurityEvent.Type.SIGNATURE_INVALID, 3L);
            thresholds.put(SecurityEvent.Type.TLS_PEER_REFUSED, 5L);
            thresholds.put(SecurityEvent.Type.LOGIN_FAILED, 10L);
            thresholds.put(SecurityEvent.Type.CONNECT_REFUSED, 10L);
            thresholds.put(SecurityEvent.Type.CONNECTION_LOST, 10L);
            thresholds.put(SecurityEvent.Type.TOPIC_REFUSED, 20L);
            thresholds.put(SecurityEvent.Type.INVALID_INPUT, 50L);
            thresholds.put(SecurityEvent.Type.LISTENER_FAILED, 3L);
        }

        /** The counting window, from 1 second to 1 day. */
        public Builder window(Duration window) {
            this.window = Objects.requireNonNull(window, "window");
            return this;
        }

        /** Weight of the newest window in the baseline, in (0, 1]. */
        public Builder ewmaWeight(double weight) {
            this.ewmaWeight = weight;
            return this;
        }

        /** The baseline multiplier k, at least 1. */
        public Builder baselineMultiplier(double k) {
            this.multiplier = k;
            return this;
        }

        /** Events per window tolerated above k × baseline, at least 0. */
        public Builder baselineFloor(double floor) {
            this.floor = floor;
            return this;
        }

        /** Windows before the baseline rule applies, from 0 to 10,000. */
        public Builder warmupWindows(int windows) {
            this.warmupWindows = windows;
            return this;
        }

        /** Alert when more than {@code maxPerWindow} events of {@code type} arrive in one window. */
        public Builder threshold(SecurityEvent.Type type, long maxPerWindow) {
            Objects.requireNonNull(type, "type");
            if (maxPerWindow < 0) {
                throw new IllegalArgumentException("threshold of " + type + " must not be negative");
            }
            thresholds.put(type, maxPerWindow);
            return this;
        }

        /** No fixed threshold for {@code type} (the baseline rule still applies). */
        public Builder noThreshold(SecurityEvent.Type type) {
            thresholds.remove(Objects.requireNonNull(type, "type"));
            return this;
        }

        /**
         * @throws IllegalArgumentException naming the field that is out of range
         */
        public AnomalySettings build() {
            if (window.compareTo(Duration.ofSeconds(1)) < 0 || window.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("window must be from 1 second to 1 day");
            }
            if (!(ewmaWeight > 0 && ewmaWeight <= 1)) {
                throw new IllegalArgumentException("ewmaWeight must be in (0, 1]");
            }
            if (!(multiplier >= 1) || Double.isInfinite(multiplier)) {
                throw new IllegalArgumentException("baselineMultiplier must be finite and at least 1");
            }
            if (!(floor >= 0) || Double.isInfinite(floor)) {
                throw new IllegalArgumentException("baselineFloor must be finite and not negative");
            }
            if (warmupWindows < 0 || warmupWindows > 10_000) {
                throw new IllegalArgumentException("warmupWindows must be from 0 to 10000");
            }
            return new AnomalySettings(this);
        }
    }
}
