package io.devsec.update;

import java.io.IOException;
import java.security.GeneralSecurityException;

/**
 * The anti-rollback floor: a counter holding the highest update version ever installed, which
 * {@link #advance} never lowers. It is only as strong as the storage behind it: core keeps it in the
 * keystore, where it never goes down within one keystore file, and survives a restored older copy of
 * that file only when the keystore has a rollback counter in a token or TPM.
 */
public interface RollbackCounter {

    /**
     * The highest version ever installed; 0 on a new device.
     *
     * @return the floor
     * @throws IOException when the counter cannot be read
     * @throws GeneralSecurityException when the counter's store refuses (for example a damaged keystore)
     */
    long current() throws IOException, GeneralSecurityException;

    /**
     * Raises the floor to {@code version}; durable when this returns. A value at or below the
     * current floor leaves it unchanged: the counter never goes down.
     *
     * @param version the version just installed
     * @throws IOException when the counter cannot be written
     * @throws GeneralSecurityException when the counter's store refuses (for example a damaged keystore)
     */
    void advance(long version) throws IOException, GeneralSecurityException;

    /**
     * A counter in memory only, starting at {@code initial}: for command-line checks and tests.
     *
     * @param initial the starting floor
     * @return the counter
     */
    static RollbackCounter inMemory(long initial) {
        if (initial < 0) {
            throw new IllegalArgumentException("initial must not be negative");
        }
        return new RollbackCounter() {
            private long value = initial;

            @Override
            public synchronized long current() {
                return value;
            }

            @Override
            public synchronized void advance(long version) {
                value = Math.max(value, version);
            }
        };
    }
}
