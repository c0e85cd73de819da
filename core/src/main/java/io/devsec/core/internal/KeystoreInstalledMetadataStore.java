package io.devsec.core.internal;

import io.devsec.storage.Keystore;
import io.devsec.storage.KeystoreException;
import io.devsec.update.InstalledMetadataStore;
import io.devsec.update.VerifiedUpdate;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The update module's {@link InstalledMetadataStore} over the encrypted keystore: one secret per installed
 * version, named {@code prefix + version}. A save keeps only the new version and the one it must keep, in
 * one atomic keystore batch.
 *
 * <p>{@link InstalledMetadataStore} declares only {@link IOException}, so a keystore failure arrives as an
 * {@code IOException} whose cause is the {@link KeystoreException}.
 */
public final class KeystoreInstalledMetadataStore implements InstalledMetadataStore {
    private final Keystore keystore;
    private final String prefix;

    public KeystoreInstalledMetadataStore(Keystore keystore, String prefix) {
        this.keystore = Objects.requireNonNull(keystore, "keystore");
        this.prefix = Objects.requireNonNull(prefix, "prefix");
    }

    @Override
    public Optional<byte[]> load(long version) throws IOException {
        try {
            return keystore.secret(prefix + version);
        } catch (KeystoreException e) {
            throw new IOException("installed update metadata cannot be read from the keystore: " + e.getMessage(), e);
        }
    }

    @Override
    public void save(VerifiedUpdate update, long keepVersion) throws IOException {
        String name = prefix + update.metadata().version();
        String keep = prefix + keepVersion;
        byte[] envelope = update.envelope();
        try {
            Set<String> names = keystore.names();
            keystore.batch(ed -> {
                for (String n : names) {
                    if (n.startsWith(prefix) && !n.equals(name) && !n.equals(keep)) {
                        ed.delete(n);
                    }
                }
                ed.putSecret(name, envelope);
            });
        } catch (KeystoreException e) {
            throw new IOException("installed update metadata cannot be written to the keystore: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "KeystoreInstalledMetadataStore{" + prefix + "}";
    }
}
