package io.devsec.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A UTC clock that moves only when the test moves it; also a nanosecond ticker ({@link #nanos()}) for code that
 * measures elapsed time apart from the wall clock. Thread-safe: readers on other threads see each move.
 */
public final class ManualClock extends Clock {
    private volatile Instant now;

    /**
     * A clock standing at {@code start}.
     *
     * @param start the initial time
     */
    public ManualClock(Instant start) {
        this.now = start;
    }

    /**
     * A clock at an ISO-8601 instant such as {@code 2026-01-31T12:00:00Z}.
     *
     * @param isoInstant the instant
     * @return the clock
     */
    public static ManualClock at(String isoInstant) {
        return new ManualClock(Instant.parse(isoInstant));
    }

    /**
     * Moves the clock forward (or back, with a negative duration).
     *
     * @param d how far
     */
    public synchronized void advance(Duration d) {
        now = now.plus(d);
    }

    /**
     * Sets the clock.
     *
     * @param instant the new time
     */
    public void set(Instant instant) {
        now = instant;
    }

    /**
     * This clock's time as a nanosecond count, for a ticker in tests where moving this clock stands for time passing.
     *
     * @return nanoseconds since the epoch
     */
    public long nanos() {
        Instant n = now;
        return n.getEpochSecond() * 1_000_000_000L + n.getNano();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return now;
    }
}
