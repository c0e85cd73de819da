package io.devsec.storage.internal;

import io.devsec.storage.KeystoreException;
import io.devsec.storage.KeystoreOptions;
import io.devsec.storage.MasterKeySource;
import java.io.IOException;
import java.security.SecureRandom;

/**
 * What a keystore needs from a master key source: kind-specific header parameters, and wrapping /
 * unwrapping of the data key with AES-256-GCM bound to the header as associated data.
 */
public interface MasterKeyBackend extends MasterKeySource {

    /** Largest accepted parameter block in a header. */
    int MAX_PARAMETERS_LENGTH = 1024;

    /** Fresh parameters (salt, costs) for a new keystore. */
    byte[] newParameters(SecureRandom random);

    /**
     * Seals {@code dataKey} under the master key (creating the master key when this source can and it
     * is absent). Returns nonce || ciphertext || tag.
     */
    byte[] wrap(byte[] parameters, byte[] dataKey, byte[] aad, KeystoreOptions options)
            throws IOException, KeystoreException;

    /**
     * Opens a wrapped data key; never creates anything.
     *
     * @throws io.devsec.storage.WrongMasterKeyException when the master key does not open it
     * @throws io.devsec.storage.CorruptKeystoreException when the parameters are malformed
     */
    byte[] unwrap(byte[] parameters, byte[] wrapped, byte[] aad, KeystoreOptions options)
            throws IOException, KeystoreException;
}
