package io.devsec.update;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a new version may run on trial before the device rolls back by itself: it must be
 * confirmed within {@link #maxStarts()} starts and within {@link #maxDuration()} of the switch.
 */
public final class TrialPolicy {
    /** 3 starts, 15 minutes. */
    public static final TrialPolicy DEFAULT = of(3, Duration.ofMinutes(15));

    private final int maxStarts;
    private final Duration maxDuration;

    private TrialPolicy(int maxStarts, Duration maxDuration) {
        this.maxStarts = maxStarts;
        this.maxDuration = maxDuration;
    }

    /**
     * A policy.
     *
     * @param maxStarts how many starts a trial may take, 1 to 100
     * @param maxDuration how long after the switch the trial may run
     * @return the policy
     * @throws IllegalArgumentException when {@code maxStarts} is not 1 to 100 or the duration is not positive
     */
    public static TrialPolicy of(int maxStarts, Duration maxDuration) {
        Objects.requireNonNull(maxDuration, "maxDuration");
        if (maxStarts < 1 || maxStarts > 100) {
            throw new IllegalArgumentException("maxStarts must be between 1 and 100");
        }
        if (maxDuration.isZero() || maxDuration.isNegative()) {
            throw new IllegalArgumentException("maxDuration must be positive");
        }
        return new TrialPolicy(maxStarts, maxDuration);
    }

    /**
     * How many starts a trial may take before it is rolled back.
     *
     * @return the number of starts
     */
    public int maxStarts() {
        return maxStarts;
    }

    /**
     * How long after the switch a trial may run before it is rolled back.
     *
     * @return the duration
     */
    public Duration maxDuration() {
        return maxDuration;
    }

    @Override
    public String toString() {
        return "TrialPolicy[maxStarts=" + maxStarts + ", maxDuration=" + maxDuration + "]";
    }
}
