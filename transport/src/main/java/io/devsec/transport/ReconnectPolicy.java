package io.devsec.transport;

import java.time.Duration;
import java.util.Objects;
import java.util.Random;

/**
 * When to try connecting again: exponential backoff with full jitter ("Exponential Backoff And
 * Jitter", AWS Architecture Blog, 2015), plus a jittered first connect so that a fleet powered on
 * together does not reach the broker together. Immutable.
 *
 * <p>Attempt {@code n} (0-based, counting failures since the last stable connection) waits a
 * uniformly random time in {@code [0, min(maxDelay, initialDelay * 2^n)]}.
 *
 * <p>Two moments are special because a whole fleet acts at once: power-on, and the loss of a
 * connection that had been stable for {@link #stableAfter()} (typically a broker restart).
 * Power-on waits a uniformly random time in {@code [0, firstConnectJitter]}. The loss of a stable
 * connection waits a uniformly random time in {@code [0, spread]}, where the spread is the
 * largest of initialDelay, firstConnectJitter and {@link #reconnectJitter()} (this one capped at
 * maxDelay): a whole fleet losing its broker at once then comes back at about
 * {@code fleet / spread} attempts per second instead of all together. Backoff then continues from
 * the first attempt whose ceiling exceeds that spread ({@link #attemptAfterStableLoss()}), so the
 * fleet's retries do not bunch up again behind the spread-out first wave. A connection lost before it became stable keeps
 * counting attempts, so a flapping broker sees ever longer delays.
 *
 * <p>{@link #DEFAULT} is the policy for devices: it keeps the random 0-5 s wait before the first connect,
 * so that a fleet powered up together (after a power cut) does not reach the broker in the same second.
 * {@link #DEVELOPMENT} drops that wait (and the spread after a stable connection is lost) for a developer's
 * single device, where a 5 s pause on every start only gets in the way.
 */
public final class ReconnectPolicy {
    /**
     * 1 s initial delay, 120 s cap, reset after 30 s connected, first connect jittered over 0-5 s,
     * first reconnect after the loss of a stable connection jittered over 0-20 s.
     */
    public static final ReconnectPolicy DEFAULT = builder().build();

    /**
     * For development and tests on a single device, never for a fleet: the first connect happens at once
     * (no 0-5 s wait) and the first reconnect after a stable connection is lost waits at most the 1 s initial
     * delay (no 0-20 s spread); backoff after
     * failures is as in {@link #DEFAULT} (1 s initial delay, full jitter) but capped at 10 s, so a broker
     * restarted on a developer's machine is found again quickly. A fleet using it would reach its broker all
     * together after a power cut or a broker restart.
     */
    public static final ReconnectPolicy DEVELOPMENT = builder().firstConnectJitter(Duration.ZERO)
            .reconnectJitter(Duration.ZERO).maxDelay(Duration.ofSeconds(10)).build();

    private final Duration initialDelay;
    private final Duration maxDelay;
    private final Duration stableAfter;
    private final Duration firstConnectJitter;
    private final Duration reconnectJitter;

    private ReconnectPolicy(Builder b) {
        this.reconnectJitter = b.reconnectJitter;
        this.initialDelay = b.initialDelay;
        this.maxDelay = b.maxDelay;
        this.stableAfter = b.stableAfter;
        this.firstConnectJitter = b.firstConnectJitter;
    }

    /**
     * A builder with the defaults (1 s initial, 120 s max, stable after 30 s, 5 s first-connect jitter, 20 s reconnect jitter).
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The ceiling of the first backoff delay; it doubles with each failed attempt.
     *
     * @return the initial delay
     */
    public Duration initialDelay() {
        return initialDelay;
    }

    /**
     * The largest backoff ceiling.
     *
     * @return the maximum delay
     */
    public Duration maxDelay() {
        return maxDelay;
    }

    /**
     * How long a connection must last to count as stable: its loss is followed by a reconnect spread over {@link #stableLossSpread()}.
     *
     * @return the duration
     */
    public Duration stableAfter() {
        return stableAfter;
    }

    /**
     * The spread of the first connect after start.
     *
     * @return the jitter
     */
    public Duration firstConnectJitter() {
        return firstConnectJitter;
    }

    /**
     * The configured spread of the first reconnect after a stable connection is lost (see {@link #stableLossSpread()}).
     *
     * @return the jitter
     */
    public Duration reconnectJitter() {
        return reconnectJitter;
    }

    /**
     * The actual spread of the first reconnect after a stable connection is lost: the largest of initialDelay, firstConnectJitter and reconnectJitter capped at maxDelay.
     *
     * @return the spread
     */
    public Duration stableLossSpread() {
        Duration spread = firstConnectJitter.compareTo(initialDelay) > 0 ? firstConnectJitter : initialDelay;
        Duration rj = reconnectJitter.compareTo(maxDelay) > 0 ? maxDelay : reconnectJitter;
        return rj.compareTo(spread) > 0 ? rj : spread;
    }

    /**
     * The upper bound of the delay before attempt {@code attempt}: {@code min(max, initial * 2^attempt)}.
     *
     * @param attempt the attempt number, from 0
     * @return the ceiling
     * @throws IllegalArgumentException when {@code attempt} is negative
     */
    public Duration ceilingFor(int attempt) {
        if (attempt < 0) {
            throw new IllegalArgumentException("attempt must be >= 0");
        }
        long initial = initialDelay.toNanos();
        long max = maxDelay.toNanos();
        long ceiling = attempt >= 62 ? max : initial;
        for (int i = 0; i < attempt && ceiling < max; i++) {
            ceiling = ceiling > max / 2 ? max : ceiling * 2;
        }
        return Duration.ofNanos(Math.min(ceiling, max));
    }

    /**
     * A full-jitter delay before attempt {@code attempt}, drawn from {@code random}.
     *
     * @param attempt the attempt number, from 0
     * @param random the source of jitter
     * @return a delay between zero and {@link #ceilingFor(int)}
     */
    public Duration delayFor(int attempt, Random random) {
        Objects.requireNonNull(random, "random");
        return uniform(ceilingFor(attempt), random);
    }

    /**
     * The delay before the very first connect after start.
     *
     * @param random the source of jitter
     * @return a delay between zero and {@link #firstConnectJitter()}
     */
    public Duration firstConnectDelay(Random random) {
        Objects.requireNonNull(random, "random");
        return uniform(firstConnectJitter, random);
    }

    /**
     * The delay before the first attempt after a stable connection was lost.
     *
     * @param random the source of jitter
     * @return a delay between zero and {@link #stableLossSpread()}
     */
    public Duration firstReconnectDelay(Random random) {
        Objects.requireNonNull(random, "random");
        return uniform(stableLossSpread(), random);
    }

    /**
     * The attempt number backoff continues from after the jittered first reconnect (at least 1).
     *
     * @return the attempt number
     */
    public int attemptAfterStableLoss() {
        Duration spread = stableLossSpread();
        int n = 1;
        while (n < 62 && ceilingFor(n).compareTo(spread) <= 0 && ceilingFor(n).compareTo(maxDelay) < 0) {
            n++;
        }
        return n;
    }

    private static Duration uniform(Duration ceiling, Random random) {
        long n = ceiling.toNanos();
        if (n <= 0) {
            return Duration.ZERO;
        }
        return Duration.ofNanos((long) (random.nextDouble() * n));
    }

    /**
     * A builder starting from this policy.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.initialDelay = initialDelay;
        b.maxDelay = maxDelay;
        b.stableAfter = stableAfter;
        b.firstConnectJitter = firstConnectJitter;
        b.reconnectJitter = reconnectJitter;
        return b;
    }

    @Override
    public String toString() {
        return "ReconnectPolicy{initial=" + initialDelay + ", max=" + maxDelay + ", stableAfter=" + stableAfter
                + ", firstConnectJitter=" + firstConnectJitter + ", reconnectJitter=" + reconnectJitter + "}";
    }

    /** Validating builder; {@link #build()} names the bad field. */
    public static final class Builder {
        private Duration initialDelay = Duration.ofSeconds(1);
        private Duration maxDelay = Duration.ofSeconds(120);
        private Duration stableAfter = Duration.ofSeconds(30);
        private Duration firstConnectJitter = Duration.ofSeconds(5);
        private Duration reconnectJitter = Duration.ofSeconds(20);

        private Builder() {
        }

        /**
         * Spread of the first reconnect after a stable connection is lost (default 20 s, capped at maxDelay; never below firstConnectJitter or initialDelay); zero leaves it to those two.
         *
         * @param d the spread
         * @return this builder
         */
        public Builder reconnectJitter(Duration d) {
            this.reconnectJitter = Objects.requireNonNull(d, "reconnectJitter");
            return this;
        }

        /**
         * The ceiling of the first backoff delay (default 1 s); it doubles with each failed attempt.
         *
         * @param d a positive duration
         * @return this builder
         */
        public Builder initialDelay(Duration d) {
            this.initialDelay = Objects.requireNonNull(d, "initialDelay");
            return this;
        }

        /**
         * The largest backoff ceiling (default 120 s).
         *
         * @param d at least the initial delay
         * @return this builder
         */
        public Builder maxDelay(Duration d) {
            this.maxDelay = Objects.requireNonNull(d, "maxDelay");
            return this;
        }

        /**
         * How long a connection must last to count as stable (default 30 s).
         *
         * @param d a duration, not negative
         * @return this builder
         */
        public Builder stableAfter(Duration d) {
            this.stableAfter = Objects.requireNonNull(d, "stableAfter");
            return this;
        }

        /**
         * Spread of the first connect after start and of the first reconnect after a stable connection is lost (default 5 s); zero connects at once (for a single device or a test).
         *
         * @param d the spread
         * @return this builder
         */
        public Builder firstConnectJitter(Duration d) {
            this.firstConnectJitter = Objects.requireNonNull(d, "firstConnectJitter");
            return this;
        }

        /**
         * Checks the durations and builds the policy.
         *
         * @return the policy
         * @throws IllegalArgumentException naming the duration that is out of range
         */
        public ReconnectPolicy build() {
            if (initialDelay.isNegative() || initialDelay.isZero()) {
                throw new IllegalArgumentException("Initial delay must be positive.");
            }
            if (maxDelay.compareTo(initialDelay) < 0) {
                throw new IllegalArgumentException("Max delay must be at least the initial delay.");
            }
            if (stableAfter.isNegative()) {
                throw new IllegalArgumentException("stableAfter must not be negative.");
            }
            if (reconnectJitter.isNegative()) {
                throw new IllegalArgumentException("reconnectJitter must not be negative.");
            }
            if (firstConnectJitter.isNegative()) {
                throw new IllegalArgumentException("firstConnectJitter must not be negative.");
            }
            return new ReconnectPolicy(this);
        }
    }
}
