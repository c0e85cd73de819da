package io.devsec.storage;

import java.nio.file.Path;

/**
 * Where a keystore's master key comes from. The master key protects the keystore's data key;
 * the choice is recorded in the keystore header, and opening with another kind fails with
 * {@link WrongMasterKeyException}.
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
        DEVICE_SECRET_FILE,
        PKCS11_TOKEN,
        PASSPHRASE
    }

    Kind kind();

    /** A device-unique secret file, created with mode 0600 when absent. */
    static MasterKeySource deviceSecretFile(Path secretFile) {
        return io.devsec.storage.internal.DeviceSecretFileSource.of(secretFile);
    }

    /** A key in a PKCS#11 token, used through the JDK's SunPKCS11 provider. */
    static MasterKeySource pkcs11(Pkcs11Settings settings) {
        return io.devsec.storage.internal.Pkcs11Source.of(settings);
    }

    /** Argon2id over a passphrase with the default parameters; the array is copied, wipe yours. */
    static MasterKeySource passphrase(char[] passphrase) {
        return io.devsec.storage.internal.PassphraseSource.of(passphrase, Argon2Parameters.DEFAULT);
    }

    /** Argon2id over a passphrase with explicit parameters (used only when creating a keystore). */
    static MasterKeySource passphrase(char[] passphrase, Argon2Parameters parameters) {
        return io.devsec.storage.internal.PassphraseSource.of(passphrase, parameters);
    }
}
