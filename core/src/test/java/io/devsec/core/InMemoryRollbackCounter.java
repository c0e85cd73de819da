package io.devsec.core;

import io.devsec.storage.RollbackProtection;

/** A rollback counter in memory standing in for a PKCS#11 token or TPM (their own tests run in storage). */
final class InMemoryRollbackCounter implements RollbackProtection {
    private long value = NEVER_SET;

    @Override
    public synchronized long read() {
        return value;
    }

    @Override
    public synchronized long advanceTo(long v) {
        value = Math.max(value, v);
        return value;
    }

    @Override
    public String description() {
        return "test counter";
    }
}
