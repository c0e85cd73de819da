package io.devsec.core.internal;

import io.devsec.storage.Keystore;
import io.devsec.storage.KeystoreException;
import io.devsec.update.TrustedRootStore;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

/**
 * The update module's {@link TrustedRootStore} over the encrypted keystore: the newest trusted root
 * envelope is one keystore secret, sealed with AES-256-GCM under its name and written atomically.
 *
 * <p>{@link TrustedRootStore} declares only {@link IOException}, so a keystore failure (corrupt file,
 * closed token) arrives as an {@code IOException} whose cause is the {@link KeystoreException}.
 */
public final class KeystoreTrustedRootStore implements TrustedRootStore {
    private final Keystore keystore;
    private final String name;

    public KeystoreTrustedRootStore(Keystore keystore, String name) {
        this.keystore = Objects.requireNonNull(keystore, "keystore");
        this.name = Objects.requireNonNull(name, "name");
    }

    @Override
    public Optional<byte[]> load() throws IOException {
        try {
            return keystore.secret(name);
        } catch (KeystoreException e) {
            throw new IOException("the trusted update root cannot be read from the keystore: " + e.getMessage(), e);
        }
    }

    @Override
    public void save(byte[] rootEnvelope) throws IOException {
        Objects.requireNonNull(rootEnvelope, "rootEnvelope");
        try {
            keystore.putSecret(name, rootEnvelope);
        } catch (KeystoreException e) {
            throw new IOException("the trusted update root cannot be written to the keystore: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "KeystoreTrustedRootStore{" + name + "}";
    }
}
