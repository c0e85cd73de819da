package io.devsec.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * Where a keystore's master key comes from. The master key protects the keystore's data key;
 * the choice is recorded in the keystore header, and opening with another kind fails with
 * {@link WrongMasterKeyException}.
 *
 * <p>This is an open interface: besides the three built-in sources below, an application can plug in
 * its own (the AndroidKeyStore, a TPM key, a KMS) by implementing {@link #newParameters},
 * {@link #wrap} and {@link #unwrap} and returning {@link Kind#CUSTOM}. The contract for an
 * implementation:
 * <ul>
 *   <li>{@link #wrap} seals the 32-byte data key with authenticated encryption under a key that never
 *       leaves the source, binding {@code aad} (the keystore header) to it; at most 256 bytes out.
 *   <li>{@link #unwrap} verifies {@code aad} and throws {@link WrongMasterKeyException} when its key does
 *       not open the data key (another device, another key); it never creates a key.
 *   <li>Parameters are stored unencrypted in the header (at most 1024 bytes): salts, key aliases,
 *       never secrets.
 *   <li>Nothing secret is logged or put into an exception message.
 * </ul>
 *
 * <ul>
 *   <li>{@link #deviceSecretFile(Path)}: a file of at least 32 random bytes, created owner-only on
 *       first start, expanded with HKDF-SHA256.
 *   <li>{@link #pkcs11(Pkcs11Settings)}: an AES-256 key inside a PKCS#11 token (secure element,
 *       HSM, SoftHSM2) that never leaves the token.
 *   <li>{@link #passphrase(char[])}: Argon2id over a passphrase, parameters recorded in the header.
 * </ul>
 */
public interface MasterKeySource {

    /** The kinds of master key, as recorded in the keystore header. */
    enum Kind {
        /** A device-unique secret file ({@link MasterKeySource#deviceSecretFile}). */
        DEVICE_SECRET_FILE,
        /** An AES key in a PKCS#11 token ({@link MasterKeySource#pkcs11}). */
        PKCS11_TOKEN,
        /** A key derived with Argon2id from a passphrase ({@link MasterKeySource#passphrase}). */
        PASSPHRASE,
        /** A source of the application's own, such as the AndroidKeyStore or a TPM key. */
        CUSTOM
    }

    /** Largest parameter block {@link #newParameters} may return. */
    int MAX_PARAMETERS_LENGTH = 1024;

    /** @return the kind recorded in the keystore header; {@link Kind#CUSTOM} for an application's own source */
    Kind kind();

    /**
     * Fresh, non-secret parameters for a new keystore (salt, costs, key alias), stored in its header.
     *
     * @param random the keystore's randomness
     * @return at most {@link #MAX_PARAMETERS_LENGTH} bytes, possibly empty
     */
    byte[] newParameters(SecureRandom random);

    /**
     * Seals the data key under the master key, creating the master key when this source can and it is absent.
     *
     * @param parameters the parameters from {@link #newParameters} (or from the header when re-sealing)
     * @param dataKey the 32-byte data key; do not keep it
     * @param aad the keystore header so far, to bind as associated data
     * @param options the keystore options (file permission policy)
     * @return the sealed data key, at most 256 bytes
     * @throws IOException when the key store cannot be reached
     * @throws KeystoreException when the source refuses (locked, weak key); {@link MasterKeySourceException} when no
     *     more specific subclass fits
     */
    byte[] wrap(byte[] parameters, byte[] dataKey, byte[] aad, KeystoreOptions options)
            throws IOException, KeystoreException;

    /**
     * Opens a sealed data key; never creates anything.
     *
     * @param parameters the parameters from the header
     * @param wrapped the sealed data key from the header
     * @param aad the keystore header so far, which must match the one bound by {@link #wrap}
     * @param options the keystore options (file permission policy)
     * @return the 32-byte data key
     * @throws WrongMasterKeyException when this master key does not open it
     * @throws CorruptKeystoreException when the parameters are malformed
     * @throws IOException when the key store cannot be reached
     * @throws KeystoreException when the source refuses for another reason
     */
    byte[] unwrap(byte[] parameters, byte[] wrapped, byte[] aad, KeystoreOptions options)
            throws IOException, KeystoreException;

    /**
     * A device-unique secret file of 32 to 4096 random bytes, created (32 bytes from SecureRandom, mode
     * 0600) when a keystore is created and the file is absent; never created when an existing keystore
     * is opened. Shorter files are refused with {@link WeakMasterKeyException}, files that group or
     * others can read with {@link InsecurePermissionsException}. The keystore's master key is
     * HKDF-SHA256 of the file's bytes with a salt from the keystore header.
     *
     * @param secretFile the secret file
     * @return the master key source
     */
    static MasterKeySource deviceSecretFile(Path secretFile) {
        return io.devsec.storage.internal.DeviceSecretFileSource.of(secretFile);
    }

    /**
     * An AES-256 key in a PKCS#11 token, used through the JDK's SunPKCS11 provider; generated in the
     * token (sensitive, non-extractable) when a keystore is created and the alias is absent. The
     * key never leaves the token: the token wraps and unwraps the data key with AES/GCM/NoPadding.
     * Not available on Android, which has no SunPKCS11 provider.
     *
     * @param settings the token, slot, PIN and key alias
     * @return the master key source
     */
    static MasterKeySource pkcs11(Pkcs11Settings settings) {
        return io.devsec.storage.internal.Pkcs11Source.of(settings);
    }

    /**
     * Argon2id over a passphrase with {@link Argon2Parameters#DEFAULT}; the array is copied, wipe yours.
     * The returned source keeps its copy until destroyed: it implements
     * {@link javax.security.auth.Destroyable}, so call {@code ((Destroyable) source).destroy()} once the
     * keystore is open if the source will not be used again.
     *
     * <p>Opening an existing keystore uses the salt and costs recorded in its header, but refuses
     * header costs above the larger of the given parameters and DEFAULT (the header is not keyed, so
     * someone who can write the file could otherwise make opening allocate up to 1 GiB).
     *
     * @param passphrase the passphrase (copied)
     * @return the master key source
     */
    static MasterKeySource passphrase(char[] passphrase) {
        return io.devsec.storage.internal.PassphraseSource.of(passphrase, Argon2Parameters.DEFAULT);
    }

    /**
     * Argon2id over a passphrase with explicit parameters (used only when creating a keystore).
     *
     * @param passphrase the passphrase (copied)
     * @param parameters the Argon2id costs for a new keystore
     * @return the master key source
     */
    static MasterKeySource passphrase(char[] passphrase, Argon2Parameters parameters) {
        return io.devsec.storage.internal.PassphraseSource.of(passphrase, parameters);
    }
}
