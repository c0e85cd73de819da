package io.devsec.storage.internal;

import io.devsec.storage.KeystoreException;
import io.devsec.storage.KeystoreOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Objects;

/** Master key from a device-unique secret file, expanded with HKDF-SHA256. */
public final class DeviceSecretFileSource implements MasterKeyBackend {
    private final Path secretFile;

    private DeviceSecretFileSource(Path secretFile) {
        this.secretFile = secretFile;
    }

    public static DeviceSecretFileSource of(Path secretFile) {
        return new DeviceSecretFileSource(Objects.requireNonNull(secretFile, "secretFile"));
    }

    @Override
    public Kind kind() {
        return Kind.DEVICE_SECRET_FILE;
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
