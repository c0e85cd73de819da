package io.devsec.core.internal;

import io.devsec.storage.Keystore;
import io.devsec.storage.KeystoreException;
import io.devsec.update.RollbackCounter;
import java.io.IOException;
import java.util.Objects;

/**
 * The update module's {@link RollbackCounter} over a keystore counter: the keystore itself refuses to
 * lower it ({@link io.devsec.storage.CounterRollbackException}), a factory reset keeps it, and it is
 * written atomically with the rest of the keystore. It only goes up within one keystore file: restoring
 * an older copy of the file is detected only when the keystore has a rollback counter
 * ({@link io.devsec.storage.RollbackProtection}).
 */
public final class KeystoreRollbackCounter implements RollbackCounter {
    private final Keystore keystore;
    private final String name;

    public KeystoreRollbackCounter(Keystore keystore, String name) {
        this.keystore = Objects.requireNonNull(keystore, "keystore");
        this.name = Objects.requireNonNull(name, "name");
    }

    @Override
    public long current() throws KeystoreException {
        return keystore.counter(name);
    }

    /** Raises the floor; a version at or below it leaves it unchanged (as the interface requires). */
    @Override
    public synchronized void advance(long version) throws IOException, KeystoreException {
        if (version < 0) {
            throw new IllegalArgumentException("version must not be negative, got " + version);
        }
        if (version > keystore.counter(name)) {
            keystore.advanceCounter(name, version);
        }
    }

    @Override
    public String toString() {
        return "KeystoreRollbackCounter{" + name + "}";
    }
}
