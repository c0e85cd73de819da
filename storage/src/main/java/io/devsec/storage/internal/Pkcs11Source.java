package io.devsec.storage.internal;

import io.devsec.storage.KeystoreException;
import io.devsec.storage.KeystoreOptions;
import java.io.IOException;
import io.devsec.storage.Pkcs11Settings;
import java.security.SecureRandom;
import java.util.Objects;

/** Master key from a device-unique secret file, expanded with HKDF-SHA256. */
public final class Pkcs11Source implements MasterKeyBackend {
    private final Pkcs11Settings settings;

    private Pkcs11Source(Pkcs11Settings settings) {
        this.settings = settings;
    }

    public static Pkcs11Source of(Pkcs11Settings settings) {
        return new Pkcs11Source(Objects.requireNonNull(settings, "settings"));
    }

    @Override
    public Kind kind() {
        return Kind.PKCS11_TOKEN;
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
