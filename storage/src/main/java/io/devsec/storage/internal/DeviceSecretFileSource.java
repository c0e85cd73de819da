package io.devsec.storage.internal;

import io.devsec.storage.AtomicFiles;
import io.devsec.storage.CorruptKeystoreException;
import io.devsec.storage.KeystoreException;
import io.devsec.storage.KeystoreOptions;
import io.devsec.storage.WeakMasterKeyException;
import io.devsec.storage.WrongMasterKeyException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Master key from a device-unique secret file of at least 32 random bytes, expanded with
 * HKDF-SHA256 (salt from the keystore header). The file is created with 32 bytes from
 * {@link SecureRandom} and mode 0600 when a keystore is created and it is absent; it is never
 * created when an existing keystore is opened.
 */
public final class DeviceSecretFileSource implements MasterKeyBackend {
    /**
     * The logger, made on first use: this class logs only on rare events, and a static logger field ran
     * SLF4J's initialisation (provider lookup on the class path, configuration) at every start.
     */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(DeviceSecretFileSource.class);
    }

    public static final int MIN_SECRET_LENGTH = 32;
    public static final int MAX_SECRET_LENGTH = 4096;
    static final int SALT_LENGTH = 32;
    private static final byte[] INFO = "devsec/keystore/v1/master-key".getBytes(StandardCharsets.US_ASCII);

    private final Path secretFile;

    private DeviceSecretFileSource(Path secretFile) {
        this.secretFile = secretFile;
    }

    public static DeviceSecretFileSource of(Path secretFile) {
        return new DeviceSecretFileSource(Objects.requireNonNull(secretFile, "secretFile").toAbsolutePath());
    }

    @Override
    public Kind kind() {
        return Kind.DEVICE_SECRET_FILE;
    }

    public Path secretFile() {
        return secretFile;
    }

    @Override
    public byte[] newParameters(SecureRandom random) {
        byte[] salt = new byte[SALT_LENGTH];
        random.nextBytes(salt);
        return salt;
    }

    @Override
    public byte[] wrap(byte[] parameters, byte[] dataKey, byte[] aad, KeystoreOptions options)
            throws IOException, KeystoreException {
        if (!Files.exists(secretFile, LinkOption.NOFOLLOW_LINKS)) {
            createSecret();
        }
        byte[] key = masterKey(parameters, options);
        AesGcm gcm = new AesGcm(key, new SecureRandom());
        try {
            return gcm.seal(dataKey, aad);
        } finally {
            Arrays.fill(key, (byte) 0);
            gcm.destroy();
        }
    }

    @Override
    public byte[] unwrap(byte[] parameters, byte[] wrapped, byte[] aad, KeystoreOptions options)
            throws IOException, KeystoreException {
        if (!Files.exists(secretFile, LinkOption.NOFOLLOW_LINKS)) {
            throw new WrongMasterKeyException("The device secret file " + secretFile
                    + " does not exist, so this keystore cannot be opened (a new secret would not open it either).");
        }
        byte[] key = masterKey(parameters, options);
        AesGcm gcm = new AesGcm(key, new SecureRandom());
        try {
            return gcm.open(wrapped, aad);
        } catch (AEADBadTagException e) {
            throw new WrongMasterKeyException("The device secret file " + secretFile + " does not open this keystore.");
        } finally {
            Arrays.fill(key, (byte) 0);
            gcm.destroy();
        }
    }

    private byte[] masterKey(byte[] salt, KeystoreOptions options) throws IOException, KeystoreException {
        if (salt.length != SALT_LENGTH) {
            throw new CorruptKeystoreException("The keystore header's HKDF salt has " + salt.length + " bytes, expected "
                    + SALT_LENGTH + ".");
        }
        byte[] secret = readSecret(options);
        try {
            return Hkdf.derive(secret, salt, INFO, AesGcm.KEY_LENGTH);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    private byte[] readSecret(KeystoreOptions options) throws IOException, KeystoreException {
        if (!Files.isRegularFile(secretFile, LinkOption.NOFOLLOW_LINKS)) {
            throw new WeakMasterKeyException("The device secret file " + secretFile + " is not a regular file.");
        }
        Permissions.checkFile(secretFile, "device secret file", options);
        long size = Files.size(secretFile);
        if (size < MIN_SECRET_LENGTH || size > MAX_SECRET_LENGTH) {
            throw new WeakMasterKeyException("The device secret file " + secretFile + " has " + size
                    + " bytes; it must hold " + MIN_SECRET_LENGTH + " to " + MAX_SECRET_LENGTH + " random bytes.");
        }
        byte[] secret = Files.readAllBytes(secretFile);
        if (secret.length < MIN_SECRET_LENGTH || secret.length > MAX_SECRET_LENGTH) {
            Arrays.fill(secret, (byte) 0);
            throw new WeakMasterKeyException("The device secret file " + secretFile + " changed size while read.");
        }
        return secret;
    }

    private void createSecret() throws IOException {
        Path parent = secretFile.getParent();
        if (parent != null) {
            AtomicFiles.createOwnerOnlyDirectories(parent);
        }
        byte[] secret = new byte[MIN_SECRET_LENGTH];
        new SecureRandom().nextBytes(secret);
        try {
            AtomicFiles.createNew(secretFile, secret);
            Log.LOG.info("Created device secret file {} (32 random bytes, owner-only).", secretFile);
        } catch (FileAlreadyExistsException e) {
            Log.LOG.debug("Device secret file {} appeared concurrently; using it.", secretFile);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    @Override
    public String toString() {
        return "MasterKeySource.deviceSecretFile(" + secretFile + ")";
    }
}
