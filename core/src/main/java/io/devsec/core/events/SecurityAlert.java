package io.devsec.core.events;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The anomaly detector's finding: events of one type came faster than allowed in one window.
 * Immutable; exported next to events (see {@link SecurityEventJson}).
 */
public final class SecurityAlert {
    /** Which rule fired. */
    public enum Trigger {
        /** The count in the window exceeded the type's fixed threshold. */
        FIXED_THRESHOLD,
        /** The count exceeded the multiple of the moving baseline plus the floor. */
        BASELINE_EXCEEDED
    }

    private final SecurityEvent.Type eventType;
    private final Trigger trigger;
    private final Severity severity;
    private final Instant time;
    private final Instant windowStart;
    private final Duration window;
    private final long count;
    private final double limit;
    private final double baseline;

    /**
     * An alert; normally made by {@link AnomalyDetector}.
     *
     * @throws IllegalArgumentException when the window is not positive, the count negative, or limit
     *     or baseline not finite and non-negative
     */
    public SecurityAlert(SecurityEvent.Type eventType, Trigger trigger, Severity severity, Instant time,
            Instant windowStart, Duration window, long count, double limit, double baseline) {
        this.eventType = Objects.requireNonNull(eventType, "eventType");
        this.trigger = Objects.requireNonNull(trigger, "trigger");
        this.severity = Objects.requireNonNull(severity, "severity");
        this.time = Objects.requireNonNull(time, "time");
        this.windowStart = Objects.requireNonNull(windowStart, "windowStart");
        this.window = Objects.requireNonNull(window, "window");
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive");
        }
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative");
        }
        if (!(limit >= 0) || Double.isInfinite(limit) || !(baseline >= 0) || Double.isInfinite(baseline)) {
            throw new IllegalArgumentException("limit and baseline must be finite and not negative");
        }
        this.count = count;
        this.limit = limit;
        this.baseline = baseline;
    }

    /** The type of event that came too fast. */
    public SecurityEvent.Type eventType() {
        return eventType;
    }

    public Trigger trigger() {
        return trigger;
    }

    public Severity severity() {
        return severity;
    }

    /** When the alert was raised (detector clock). */
    public Instant time() {
        return time;
    }

    /** Start of the counting window. */
    public Instant windowStart() {
        return windowStart;
    }

    /** Length of the counting window. */
    public Duration window() {
        return window;
    }

    /** Events of {@link #eventType()} counted in the window when the alert was raised. */
    public long count() {
        return count;
    }

    /** The limit exceeded: the fixed threshold, or multiplier × baseline + floor. */
    public double limit() {
        return limit;
    }

    /** The moving baseline (events per window) when the alert was raised. */
    public double baseline() {
        return baseline;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SecurityAlert)) {
            return false;
        }
        SecurityAlert a = (SecurityAlert) o;
        return eventType == a.eventType && trigger == a.trigger && severity == a.severity && time.equals(a.time)
                && windowStart.equals(a.windowStart) && window.equals(a.window) && count == a.count
                && Double.compare(limit, a.limit) == 0 && Double.compare(baseline, a.baseline) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(eventType, trigger, severity, time, windowStart, window, count, limit, baseline);
    }

    @Override
    public String toString() {
        return "SecurityAlert{" + trigger + " " + eventType + ": " + count + " in " + window + " from " + windowStart
                + " > " + limit + " (baseline " + baseline + "), " + severity + " at " + time + "}";
    }
}
