package io.devsec.update;

import java.time.Duration;
import java.util.Objects;

/**
 * When the agent checks for updates: once {@link #initialDelay()} after start, then every
 * {@link #period()}, each delay moved by a uniformly random amount within ±{@link #jitter()} so a
 * fleet does not ask all at once.
 */
public final class UpdateSchedule {
    /** 1 minute after start, then daily, ±1 hour. */
    public static final UpdateSchedule DEFAULT = of(Duration.ofMinutes(1), Duration.ofDays(1), Duration.ofHours(1));

    private final Duration initialDelay;
    private final Duration period;
    private final Duration jitter;

    private UpdateSchedule(Duration initialDelay, Duration period, Duration jitter) {
        this.initialDelay = initialDelay;
        this.period = period;
        this.jitter = jitter;
    }

    /**
     * A schedule.
     *
     * @param initialDelay the delay from start to the first check
     * @param period the time between checks
     * @param jitter how far each delay moves at random, both ways
     * @return the schedule
     * @throws IllegalArgumentException when a duration is negative, the period is not positive or
     *     the jitter is not smaller than the period
     */
    public static UpdateSchedule of(Duration initialDelay, Duration period, Duration jitter) {
        Objects.requireNonNull(initialDelay, "initialDelay");
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(jitter, "jitter");
        if (initialDelay.isNegative()) {
            throw new IllegalArgumentException("initialDelay must not be negative");
        }
        if (period.isZero() || period.isNegative()) {
            throw new IllegalArgumentException("period must be positive");
        }
        if (jitter.isNegative() || jitter.compareTo(period) >= 0) {
            throw new IllegalArgumentException("jitter must be at least zero and smaller than period");
        }
        return new UpdateSchedule(initialDelay, period, jitter);
    }

    /**
     * The delay from start to the first check.
     *
     * @return the delay
     */
    public Duration initialDelay() {
        return initialDelay;
    }

    /**
     * The time between checks.
     *
     * @return the period
     */
    public Duration period() {
        return period;
    }

    /**
     * How far each delay moves at random, both ways.
     *
     * @return the jitter
     */
    public Duration jitter() {
        return jitter;
    }

    @Override
    public String toString() {
        return "UpdateSchedule[initialDelay=" + initialDelay + ", period=" + period + ", jitter=" + jitter + "]";
    }
}
