package io.devsec.transport.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waiting on a condition with a timeout; no bare sleeps in tests. */
public final class Waits {
    private Waits() {
    }

    public static void until(Duration timeout, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
            }
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
    }

    public static boolean tryUntil(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
        return true;
    }

    /** Waits until {@code value} has not changed for {@code quiet}, at most {@code timeout}; returns the value. */
    public static int untilStable(Duration timeout, Duration quiet, java.util.function.IntSupplier value) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int last = value.getAsInt();
        long since = System.nanoTime();
        while (System.nanoTime() - since < quiet.toNanos()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("value still changing after " + timeout);
            }
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
            int now = value.getAsInt();
            if (now != last) {
                last = now;
                since = System.nanoTime();
            }
        }
        return last;
    }
}
