package io.devsec.storage;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link RollbackProtection} in memory, standing in for a token or TPM in logic tests. It can start
 * at a TPM-like first value, be made to fail, and (as no real one can) be lowered by the test.
 */
public final class MemoryCounter implements RollbackProtection {
    private long value = NEVER_SET;
    private final long firstValue;
    private volatile boolean failing;
    public final AtomicInteger advances = new AtomicInteger();

    /** A counter whose first advance from never-set lands on {@code max(value, firstValue)}, like a TPM's. */
    public MemoryCounter(long firstValue) {
        this.firstValue = firstValue;
    }

    public MemoryCounter() {
        this(0);
    }

    @Override
    public synchronized long read() throws IOException {
        if (failing) {
            throw new IOException("counter unreachable (test)");
        }
        return value;
    }

    @Override
    public synchronized long advanceTo(long target) throws IOException {
        if (failing) {
            throw new IOException("counter unreachable (test)");
        }
        advances.incrementAndGet();
        if (value == NEVER_SET) {
            value = firstValue;
        }
        value = Math.max(value, target);
        return value;
    }

    /** What only an attacker with the token PIN could do: set any value. */
    public synchronized void forceTo(long v) {
        value = v;
    }

    public void failing(boolean f) {
        failing = f;
    }

    @Override
    public String description() {
        return "memory counter (test)";
    }
}
