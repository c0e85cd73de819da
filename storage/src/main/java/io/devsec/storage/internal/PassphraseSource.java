package io.devsec.storage.internal;

import io.devsec.storage.KeystoreException;
import io.devsec.storage.KeystoreOptions;
import java.io.IOException;
import io.devsec.storage.Argon2Parameters;
import java.security.SecureRandom;
import java.util.Objects;

/** Master key from a device-unique secret file, expanded with HKDF-SHA256. */
public final class PassphraseSource implements MasterKeyBackend {
    private final char[] passphrase;

    private PassphraseSource(char[] passphrase, Argon2Parameters parameters) {
        this.passphrase = passphrase.clone();
    }

    public static PassphraseSource of(char[] passphrase, Argon2Parameters parameters) {
        return new PassphraseSource(Objects.requireNonNull(passphrase, "passphrase"), parameters);
    }

    @Override
    public Kind kind() {
        return Kind.PASSPHRASE;
    }

    @Override
    public byte[] newParameters(SecureRandom random) {
        throw new UnsupportedOperationException("work in progress");
    }

    @Override
    public byte[] wrap(byte[] parameters, byte[] dataKey, byte[] aad, KeystoreOptions options) throws IOException, KeystoreException {
        throw new UnsupportedOperationException("work in progress");
    }

    @Override
    public byte[] unwrap(byte[] parameters, byte[] wrapped, byte[] aad, KeystoreOptions options) throws IOException, KeystoreException {
        throw new UnsupportedOperationException("work in progress");
    }
}
