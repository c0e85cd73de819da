package io.devsec.update;

import java.io.IOException;
import java.util.Optional;

/**
 * Where a device keeps its newest trusted root envelope, somewhere an attacker cannot change it
 * (core keeps it in the encrypted keystore). {@link UpdateVerifier} saves each root it trusts
 * here, so a restart never falls back to an older root.
 */
public interface TrustedRootStore {

    /**
     * The stored root envelope (JSON bytes); empty before the first save.
     *
     * @return the envelope, or empty
     * @throws IOException when the store cannot be read
     */
    Optional<byte[]> load() throws IOException;

    /**
     * Replaces the stored root envelope; durable when this returns.
     *
     * @param rootEnvelope the verified root envelope
     * @throws IOException when the store cannot be written
     */
    void save(byte[] rootEnvelope) throws IOException;

    /**
     * A store in memory only: for command-line checks and tests, not for a device.
     *
     * @return the store
     */
    static TrustedRootStore inMemory() {
        return new TrustedRootStore() {
            private byte[] root;

            @Override
            public synchronized Optional<byte[]> load() {
                return Optional.ofNullable(root).map(byte[]::clone);
            }

            @Override
            public synchronized void save(byte[] rootEnvelope) {
                root = rootEnvelope.clone();
            }
        };
    }
}
