package io.devsec.update;

import java.io.IOException;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where a device keeps the signed metadata envelope of each installed version, somewhere an
 * attacker cannot change it (core keeps it in the encrypted keystore), so the image a slot holds
 * can be checked against it at every start and before a trial is confirmed.
 *
 * <p>{@link UpdateAgent} saves the metadata of an update after its image is written and before the
 * trial starts: a version can only ever run on trial with its metadata already stored.
 */
public interface InstalledMetadataStore {

    /**
     * The stored envelope for {@code version}.
     *
     * @param version an installed version
     * @return the envelope (JSON bytes) as it was verified, or empty when none is stored
     * @throws IOException when the store cannot be read
     */
    Optional<byte[]> load(long version) throws IOException;

    /**
     * Stores the envelope of {@code update} under its version; durable when this returns. The
     * store may forget the metadata of any version other than the update's and {@code keepVersion}
     * (the confirmed version that keeps running if the trial fails), so it does not grow.
     *
     * @param update the verified update whose image was just written
     * @param keepVersion a version whose metadata must be kept
     * @throws IOException when it cannot be stored
     */
    void save(VerifiedUpdate update, long keepVersion) throws IOException;

    /**
     * A store in memory only: for tests and command-line checks, not for a device (it forgets everything
     * at a restart, so no trial could be confirmed after one).
     *
     * @return a new, empty store
     */
    static InstalledMetadataStore inMemory() {
        return new InstalledMetadataStore() {
            private final Map<Long, byte[]> entries = new HashMap<>();

            @Override
            public synchronized Optional<byte[]> load(long version) {
                byte[] e = entries.get(version);
                return e == null ? Optional.<byte[]>empty() : Optional.of(e.clone());
            }

            @Override
            public synchronized void save(VerifiedUpdate update, long keepVersion) {
                Map<Long, byte[]> kept = new HashMap<>();
                if (entries.containsKey(keepVersion)) {
                    kept.put(keepVersion, entries.get(keepVersion));
                }
                kept.put(update.metadata().version(), update.envelope());
                entries.clear();
                entries.putAll(kept);
            }

            @Override
            public synchronized String toString() {
                return "InstalledMetadataStore.inMemory" + Collections.unmodifiableSet(entries.keySet());
            }
        };
    }
}
