package io.devsec.core.privacy;

import io.devsec.storage.AtomicFiles;
import io.devsec.storage.Keystore;
import io.devsec.storage.KeystoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Collections;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the application keeps personal data (provision 4.8, 4.11): each item is one file under
 * {@code <data folder>/}{@value #FOLDER}, sealed with AES-256-GCM under a personal-data key that lives
 * only in the encrypted keystore (entry {@value #KEY_ENTRY}), the item name bound as associated data.
 *
 * <p>Because the key exists nowhere else, destroying it ({@link PersonalDataWipe}) makes every file
 * unreadable at once (crypto-erase), even a copy left on flash by wear levelling. The key is created,
 * from {@link SecureRandom}, by the first {@link #put}. Writes are atomic and durable
 * ({@link AtomicFiles}, files 0600, folder 0700).
 *
 * <p>When the store is opened and the key is absent while files remain, a wipe (or a factory reset,
 * which deletes keystore entries) was interrupted after the key was destroyed: the unreadable files are
 * deleted then, provided the keystore lives in the same data folder (so a wrong keystore passed by
 * mistake never deletes anything).
 *
 * <p>Names are 1 to 100 characters of {@code [A-Za-z0-9._-]} starting with a letter or digit; values
 * are at most 16 MiB. Thread-safe within one process.
 */
public final class PersonalDataStore {
    /** Made on first use: a normal start logs nothing, so it never initialises SLF4J. */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(PersonalDataStore.class);
    }

    /** The folder, inside the data folder, that holds the personal data files. */
    public static final String FOLDER = "personal";
    /** The keystore entry holding the personal-data key. */
    public static final String KEY_ENTRY = "privacy/personal-data-key";
    /** The largest value {@link #put} accepts. */
    public static final int MAX_VALUE_BYTES = 16 * 1024 * 1024;

    static final String SUFFIX = ".pd";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final byte[] MAGIC = {'D', 'S', 'P', 'D', 1};
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;
    private static final byte[] AAD_PREFIX = "devsec personal data v1\0".getBytes(StandardCharsets.US_ASCII);

    private final Path folder;
    private final Keystore keystore;
    private final SecureRandom random;

    private PersonalDataStore(Path folder, Keystore keystore, SecureRandom random) {
        this.folder = folder;
        this.keystore = keystore;
        this.random = random;
    }

    /**
     * Opens the store of the device whose data folder is {@code dataFolder}, with the personal-data key in
     * {@code keystore} (normally the device keystore in the same folder).
     *
     * @throws IOException when orphaned files of an interrupted wipe cannot be deleted
     * @throws KeystoreException when the keystore cannot be read
     */
    public static PersonalDataStore open(Path dataFolder, Keystore keystore) throws IOException, KeystoreException {
        return open(dataFolder, keystore, new SecureRandom());
    }

    /** As {@link #open(Path, Keystore)} with a given randomness source (for keys and nonces). */
    public static PersonalDataStore open(Path dataFolder, Keystore keystore, SecureRandom random)
            throws IOException, KeystoreException {
        Objects.requireNonNull(dataFolder, "dataFolder");
        Objects.requireNonNull(keystore, "keystore");
        Objects.requireNonNull(random, "random");
        PersonalDataStore store = new PersonalDataStore(dataFolder.toAbsolutePath().resolve(FOLDER), keystore, random);
        Path keystoreFolder = keystore.file().toAbsolutePath().getParent();
        boolean ownKeystore = keystoreFolder != null && keystoreFolder.normalize().equals(dataFolder.toAbsolutePath().normalize());
        if (!keystore.contains(KEY_ENTRY) && Files.isDirectory(store.folder) && !ownKeystore) {
            Log.LOG.warn("Personal data files exist but the keystore (outside the data folder) holds no key for them; left in place");
        } else if (!keystore.contains(KEY_ENTRY) && Files.isDirectory(store.folder)) {
            long[] removed = deleteTree(store.folder);
            if (removed[0] > 0) {
                Log.LOG.warn("Deleted {} personal data files left by an interrupted wipe (their key was already destroyed)",
                        removed[0]);
            }
        }
        return store;
    }

    /** The folder holding the files. */
    public Path folder() {
        return folder;
    }

    /**
     * Stores {@code value} under {@code name}, replacing any earlier value, atomically and durably. The
     * caller keeps (and may wipe) its array.
     *
     * @throws IOException when the file cannot be written
     * @throws KeystoreException when the key cannot be read or, on the first put, stored
     */
    public synchronized void put(String name, byte[] value) throws IOException, KeystoreException {
        checkName(name);
        Objects.requireNonNull(value, "value");
        if (value.length > MAX_VALUE_BYTES) {
            throw new IllegalArgumentException("value must be at most " + MAX_VALUE_BYTES + " bytes");
        }
        byte[] key = keyCreatingIfAbsent();
        byte[] file = null;
        try {
            byte[] nonce = new byte[NONCE];
            random.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(aad(name));
            byte[] sealed = c.doFinal(value);
            file = new byte[MAGIC.length + NONCE + sealed.length];
            System.arraycopy(MAGIC, 0, file, 0, MAGIC.length);
            System.arraycopy(nonce, 0, file, MAGIC.length, NONCE);
            System.arraycopy(sealed, 0, file, MAGIC.length + NONCE, sealed.length);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is unavailable in this JDK", e);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
        AtomicFiles.createOwnerOnlyDirectories(folder);
        AtomicFiles.write(folder.resolve(name + SUFFIX), file);
    }

    /**
     * The value stored under {@code name}, decrypted; empty when there is none (or the key was destroyed).
     * The caller should wipe the returned array after use.
     *
     * @throws CorruptPersonalDataException when the file fails authentication (altered, truncated, moved
     *     from another name, sealed under another key)
     * @throws IOException when the file cannot be read
     * @throws KeystoreException when the keystore cannot be read
     */
    public synchronized Optional<byte[]> get(String name) throws IOException, KeystoreException, CorruptPersonalDataException {
        checkName(name);
        Path file = folder.resolve(name + SUFFIX);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Optional<byte[]> key = keystore.secret(KEY_ENTRY);
        if (!key.isPresent()) {
            return Optional.empty();
        }
        byte[] k = key.get();
        try {
            if (Files.size(file) > MAX_VALUE_BYTES + 64L) {
                throw new CorruptPersonalDataException(name, "file too large");
            }
            byte[] data = Files.readAllBytes(file);
            if (data.length < MAGIC.length + NONCE + TAG_BITS / 8
                    || !Arrays.equals(Arrays.copyOf(data, MAGIC.length), MAGIC)) {
                throw new CorruptPersonalDataException(name, "not a personal data file of this format");
            }
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(k, "AES"),
                    new GCMParameterSpec(TAG_BITS, data, MAGIC.length, NONCE));
            c.updateAAD(aad(name));
            return Optional.of(c.doFinal(data, MAGIC.length + NONCE, data.length - MAGIC.length - NONCE));
        } catch (AEADBadTagException e) {
            throw new CorruptPersonalDataException(name, "authentication failed");
        } catch (CorruptPersonalDataException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is unavailable in this JDK", e);
        } finally {
            Arrays.fill(k, (byte) 0);
        }
    }

    /** Deletes one item; returns whether there was one. */
    public synchronized boolean delete(String name) throws IOException {
        checkName(name);
        boolean deleted = Files.deleteIfExists(folder.resolve(name + SUFFIX));
        if (deleted) {
            AtomicFiles.fsyncDirectory(folder);
        }
        return deleted;
    }

    /** The names of the stored items, sorted. */
    public synchronized Set<String> names() throws IOException {
        Set<String> out = new TreeSet<>();
        if (!Files.isDirectory(folder)) {
            return Collections.unmodifiableSet(out);
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(folder, "*" + SUFFIX)) {
            for (Path p : s) {
                String f = p.getFileName().toString();
                String n = f.substring(0, f.length() - SUFFIX.length());
                if (NAME.matcher(n).matches()) {
                    out.add(n);
                }
            }
        }
        return Collections.unmodifiableSet(out);
    }

    Keystore keystore() {
        return keystore;
    }

    private byte[] keyCreatingIfAbsent() throws IOException, KeystoreException {
        Optional<byte[]> key = keystore.secret(KEY_ENTRY);
        if (key.isPresent()) {
            if (key.get().length != 32) {
                Arrays.fill(key.get(), (byte) 0);
                throw new IllegalStateException("The personal data key entry does not hold 32 bytes");
            }
            return key.get();
        }
        byte[] fresh = new byte[32];
        random.nextBytes(fresh);
        keystore.putSecret(KEY_ENTRY, fresh);
        Log.LOG.info("Created a new personal data key");
        return fresh;
    }

    private static byte[] aad(String name) {
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        byte[] out = Arrays.copyOf(AAD_PREFIX, AAD_PREFIX.length + n.length);
        System.arraycopy(n, 0, out, AAD_PREFIX.length, n.length);
        return out;
    }

    private static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name must be 1 to 100 characters of [A-Za-z0-9._-], starting with a letter or digit");
        }
    }

    /** Deletes every file under {@code dir} and the folders themselves; returns {files, bytes}. */
    static long[] deleteTree(Path dir) throws IOException {
        long[] counts = new long[2];
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return counts;
        }
        deleteRecursively(dir, counts);
        Path parent = dir.getParent();
        if (parent != null) {
            AtomicFiles.fsyncDirectory(parent);
        }
        return counts;
    }

    private static void deleteRecursively(Path p, long[] counts) throws IOException {
        if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(p)) {
                for (Path child : s) {
                    deleteRecursively(child, counts);
                }
            }
            Files.delete(p);
        } else {
            long size = Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class,
                    java.nio.file.LinkOption.NOFOLLOW_LINKS).size();
            Files.delete(p);
            counts[0]++;
            counts[1] += size;
        }
    }
}
