package io.devsec.core;

import java.time.Duration;
import java.util.Objects;

/**
 * How failed logins slow down and finally stop further attempts (ETSI EN 303 645 provision 5.1-5).
 *
 * <p>After {@link #freeFailures()} consecutive failures each further attempt must wait: the first wait is
 * {@link #initialDelay()}, and it doubles with every further failure up to {@link #maxDelay()}. After
 * {@link #maxFailures()} consecutive failures the device refuses every login, across restarts, until
 * {@link DeviceSecurity#unlockLoginAfterPhysicalPresence()} (keeps password and personal data) or a
 * factory reset. A successful login resets the count. The SDK never sleeps, it refuses with
 * {@link LoginThrottledException#retryAfter()}.
 *
 * <p>Waits are elapsed time, never wall-clock time: within a run they are measured with
 * {@link System#nanoTime()} (monotonic within the process), so moving the wall clock (NTP, a settable RTC,
 * an attacker with the time setting) neither shortens nor lengthens them. The keystore stores the
 * failure count with the wait still to run, updated as it runs down on refused attempts (at most every
 * tenth of the wait, at least a second apart, to spare the flash). A restart cannot know how long the
 * device was off, so the wait resumes from the last stored remainder: a restart never shortens a wait,
 * and may lengthen it by up to a tenth of it plus the time since the last refused attempt. Time the
 * device spends switched off or suspended does not count (on Linux and Android {@code nanoTime} stops
 * in suspend).
 *
 * <p>{@link #DEFAULT}: 5 free failures, 1 s doubling to at most 15 min, locked after 100. Reaching 100
 * failures then takes about 22 hours of waits. Immutable.
 */
public final class LoginThrottle {

    /** 5 free failures, then 1 s doubling to 15 min, locked after 100 consecutive failures. */
    public static final LoginThrottle DEFAULT = builder().build();

    private final int freeFailures;
    private final Duration initialDelay;
    private final Duration maxDelay;
    private final int maxFailures;

    private LoginThrottle(Builder b) {
        this.freeFailures = b.freeFailures;
        this.initialDelay = b.initialDelay;
        this.maxDelay = b.maxDelay;
        this.maxFailures = b.maxFailures;
    }

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
        b.freeFailures = freeFailures;
        b.initialDelay = initialDelay;
        b.maxDelay = maxDelay;
        b.maxFailures = maxFailures;
        return b;
    }

    /** Consecutive failures allowed without a wait. */
    public int freeFailures() {
        return freeFailures;
    }

    /** The wait after the first failure beyond {@link #freeFailures()}. */
    public Duration initialDelay() {
        return initialDelay;
    }

    /** The longest wait. */
    public Duration maxDelay() {
        return maxDelay;
    }

    /** Consecutive failures after which login is locked. */
    public int maxFailures() {
        return maxFailures;
    }

    /** The wait required after {@code consecutiveFailures} failures; zero while within the free failures. */
    public Duration delayAfter(int consecutiveFailures) {
        if (consecutiveFailures < freeFailures) {
            return Duration.ZERO;
        }
        int doublings = consecutiveFailures - freeFailures;
        Duration d = initialDelay;
        for (int i = 0; i < doublings && d.compareTo(maxDelay) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(maxDelay) > 0 ? maxDelay : d;
    }

    @Override
    public String toString() {
        return "LoginThrottle{freeFailures=" + freeFailures + ", initialDelay=" + initialDelay + ", maxDelay="
                + maxDelay + ", maxFailures=" + maxFailures + "}";
    }

    /** Builds a {@link LoginThrottle}; {@link #build()} validates every field. */
    public static final class Builder {
        private int freeFailures = 5;
        private Duration initialDelay = Duration.ofSeconds(1);
        private Duration maxDelay = Duration.ofMinutes(15);
        private int maxFailures = 100;

        private Builder() {}

        /** Failures allowed without a wait, 0 to 10. Default 5. */
        public Builder freeFailures(int freeFailures) {
            this.freeFailures = freeFailures;
            return this;
        }

        /** First wait, positive. Default 1 s. */
        public Builder initialDelay(Duration initialDelay) {
            this.initialDelay = Objects.requireNonNull(initialDelay, "initialDelay");
            return this;
        }

        /** Longest wait, at least the initial delay and at most 24 h. Default 15 min. */
        public Builder maxDelay(Duration maxDelay) {
            this.maxDelay = Objects.requireNonNull(maxDelay, "maxDelay");
            return this;
        }

        /** Failures after which login locks, from freeFailures + 1 to 100. Default 100. */
        public Builder maxFailures(int maxFailures) {
            this.maxFailures = maxFailures;
            return this;
        }

        /**
         * Builds the throttle.
         *
         * @throws IllegalArgumentException naming the field out of range
         */
        public LoginThrottle build() {
            if (freeFailures < 0 || freeFailures > 10) {
                throw new IllegalArgumentException("freeFailures must be between 0 and 10, was " + freeFailures);
            }
            if (initialDelay.isNegative() || initialDelay.isZero()) {
                throw new IllegalArgumentException("initialDelay must be positive, was " + initialDelay);
            }
            if (maxDelay.compareTo(initialDelay) < 0 || maxDelay.compareTo(Duration.ofHours(24)) > 0) {
                throw new IllegalArgumentException("maxDelay must be between initialDelay and 24 h, was " + maxDelay);
            }
            if (maxFailures <= freeFailures || maxFailures > 100) {
                throw new IllegalArgumentException(
                        "maxFailures must be more than freeFailures and at most 100 (ETSI EN 303 645), was " + maxFailures);
            }
            return new LoginThrottle(this);
        }
    }
}
