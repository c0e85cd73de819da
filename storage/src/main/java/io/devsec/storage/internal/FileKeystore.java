package io.devsec.storage.internal;

import io.devsec.storage.AtomicFiles;
import io.devsec.storage.CorruptKeystoreException;
import io.devsec.storage.CounterRollbackException;
import io.devsec.storage.Keystore;
import io.devsec.storage.KeystoreException;
import io.devsec.storage.KeystoreInUseException;
import io.devsec.storage.KeystoreOptions;
import io.devsec.storage.MasterKeySource;
import io.devsec.storage.KeystoreRollbackException;
import io.devsec.storage.NotAKeystoreException;
import io.devsec.storage.RollbackProtection;
import io.devsec.storage.RollbackProtectionRequiredException;
import io.devsec.storage.UnsupportedFormatVersionException;
import io.devsec.storage.WrongMasterKeyException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.regex.Pattern;
import javax.crypto.AEADBadTagException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keystore file, format version 2 (all integers big-endian):
 *
 * <pre>
 * header   magic "DEVSECKS" (8) | u16 format version | u8 master-key kind
 *          | u16 n, n bytes of master-key parameters (salt, Argon2 costs; n &lt;= 1024)
 *          | u16 w, w bytes: data key wrapped by the master key, AES-256-GCM, AAD = header so far (w = 60)
 *          | 16 bytes: SHA-256 of the header so far, truncated (detects accidental damage before any key is used)
 * body     u64 file version (raised by every write; the rollback counter's value when bound)
 *          | u8 flags (1 = bound to a rollback counter)
 *          | 32 bytes: entry-key salt | u64 values sealed under this entry key so far
 *          | u32 entry count (&lt;= 100,000)
 *          | per entry: u8 type | u8 name length | name (ASCII) | u32 s, s bytes: nonce | AES-256-GCM(entry key) | tag
 *            with AAD = "DEVSECKS" | u16 format version | u8 type | name,
 *            entry key = HKDF(data key, salt, "devsec/keystore/v2/entry-key")
 * trailer  32 bytes: HMAC-SHA256 over everything before it, key = HKDF(data key, "devsec/keystore/v2/file-mac")
 * </pre>
 *
 * <p>Format version 1 (still read, and rewritten as version 2 when opened) has no body fields before the
 * entry count, seals entries under the data key itself and uses "devsec/keystore/v1/file-mac".
 *
 * <p>Random 96-bit nonces are safe for 2^32 encryptions under one key: before the entry key has sealed
 * {@link #ROTATE_AFTER_SEALS} values, a write picks a new salt and re-seals every entry under the new key.
 *
 * <p>Rollback: with a {@link RollbackProtection}, every write writes the file with version V+1 and then
 * advances the counter to V+1; opening checks the file's version against the counter (see
 * {@link RollbackProtection}). Binding an existing file to a counter that was never set first writes it as
 * "bound, version 0"; a TPM counter's first value is chosen by the TPM, so the file is then written once more
 * with that value + 1. A crash between those two writes (one time, at binding) leaves a file that is refused
 * as a rollback; recovering needs the TPM owner to undefine the NV index.
 *
 * <p>Every length is checked against its bound and against the bytes left before anything is
 * allocated. The whole-file MAC catches removed, reordered, spliced or replayed entries; the
 * per-entry AAD binds each sealed value to its name and type.
 *
 * <p>Encoded entries stay in memory: a read is one AES-GCM decryption, a write seals the new
 * entry, re-assembles the file and replaces it through {@link AtomicFiles#write}.
 */
public final class FileKeystore implements Keystore {
    private static final Logger LOG = LoggerFactory.getLogger(FileKeystore.class);

    static final byte[] MAGIC = "DEVSECKS".getBytes(StandardCharsets.US_ASCII);
    public static final int FORMAT_VERSION = 2;
    static final int FORMAT_VERSION_1 = 1;
    /** Values an entry key seals before it is replaced: 2^31, half the 2^32 limit for random GCM nonces. */
    static final long ROTATE_AFTER_SEALS = 1L << 31;
    /** Hard stop: no key ever seals more than this (reached only by a single batch of 2^31 seals). */
    static final long MAX_SEALS = (1L << 32) - (1L << 20);
    static final int SALT_LENGTH = 32;
    static final int MAX_FILE_SIZE = 64 << 20;
    static final int MAX_ENTRIES = 100_000;
    static final int MAX_PLAINTEXT = 1 << 20;
    static final int MAX_WRAPPED = 256;
    static final int HEADER_CHECKSUM_LENGTH = 16;
    static final int MAC_LENGTH = 32;
    static final int MAX_CHAIN = 16;
    static final int MAX_CERT = 64 * 1024;

    static final byte TYPE_SECRET = 1;
    static final byte TYPE_COUNTER = 2;
    static final byte TYPE_PRIVATE_KEY = 3;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._/-]{1,128}");
    private static final byte[] MAC_INFO_V1 = "devsec/keystore/v1/file-mac".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MAC_INFO = "devsec/keystore/v2/file-mac".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ENTRY_KEY_INFO = "devsec/keystore/v2/entry-key".getBytes(StandardCharsets.US_ASCII);
    private static final Set<Path> OPEN_IN_THIS_JVM = ConcurrentHashMap.newKeySet();

    private final Path file;
    private final Path lockPath;
    private final boolean created;
    private final MasterKeySource.Kind kind;
    private final byte[] header;
    private final byte[] dataKey;
    private final byte[] macKey;
    private final Mac mac;
    private final RollbackProtection rollback;
    private final Seams seams;
    private final SecureRandom random = new SecureRandom();
    /** Set when a durable write could not advance the rollback counter; the next write advances it first. */
    private boolean counterBehind;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private final ReentrantLock writeMutex = new ReentrantLock();
    private final ReentrantReadWriteLock stateLock = new ReentrantReadWriteLock();
    private volatile Snapshot snap;
    private volatile boolean closed;

    /** Test seams (package-private): the rotation point, and a hook between the rename and the counter advance. */
    static final class Seams {
        long rotateAfterSeals = ROTATE_AFTER_SEALS;
        Runnable afterRenameBeforeCounter;
    }

    /** One entry key: its salt, its cipher and how many values it has sealed (counted before each seal). */
    static final class KeyGeneration {
        final byte[] salt;
        final AesGcm gcm;
        final AtomicLong seals;

        KeyGeneration(byte[] salt, AesGcm gcm, long seals) {
            this.salt = salt;
            this.gcm = gcm;
            this.seals = new AtomicLong(seals);
        }

        static KeyGeneration derive(byte[] dataKey, byte[] salt, long seals, SecureRandom random) {
            byte[] key = Hkdf.derive(dataKey, salt, ENTRY_KEY_INFO, AesGcm.KEY_LENGTH);
            try {
                return new KeyGeneration(salt, new AesGcm(key, random), seals);
            } finally {
                Arrays.fill(key, (byte) 0);
            }
        }

        static KeyGeneration fresh(byte[] dataKey, SecureRandom random) {
            byte[] salt = new byte[SALT_LENGTH];
            random.nextBytes(salt);
            return derive(dataKey, salt, 0, random);
        }
    }

    /** What one version of the file holds; replaced as a whole after each durable write. */
    static final class Snapshot {
        final Map<String, Entry> entries;
        final long version;
        final boolean bound;
        final KeyGeneration key;

        Snapshot(Map<String, Entry> entries, long version, boolean bound, KeyGeneration key) {
            this.entries = entries;
            this.version = version;
            this.bound = bound;
            this.key = key;
        }

        Snapshot withVersion(long v, boolean b) {
            return new Snapshot(entries, v, b, key);
        }
    }

    /** One entry as it sits in the file: the whole record, and where its sealed part is. */
    static final class Entry {
        final byte type;
        final String name;
        final byte[] record;
        final int sealedOffset;
        final byte[] aad;

        Entry(byte type, String name, byte[] record, int sealedOffset, int formatVersion) {
            this.type = type;
            this.name = name;
            this.record = record;
            this.sealedOffset = sealedOffset;
            this.aad = entryAad(formatVersion, type, name);
        }
    }

    private FileKeystore(Path file, Path lockPath, boolean created, MasterKeySource.Kind kind, byte[] header,
            byte[] dataKey, FileChannel lockChannel, FileLock lock, RollbackProtection rollback, Seams seams) {
        this.file = file;
        this.lockPath = lockPath;
        this.created = created;
        this.kind = kind;
        this.header = header;
        this.dataKey = dataKey;
        this.macKey = Hkdf.derive(dataKey, null, MAC_INFO, 32);
        this.mac = Hkdf.hmac(macKey);
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.rollback = rollback;
        this.seams = seams;
    }

    // ------------------------------------------------------------------ open

    public static Keystore open(Path file, MasterKeySource masterKey, KeystoreOptions options)
            throws IOException, KeystoreException {
        return open(file, masterKey, options, new Seams());
    }

    static Keystore open(Path file, MasterKeySource masterKey, KeystoreOptions options, Seams seams)
            throws IOException, KeystoreException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(masterKey, "masterKey");
        Objects.requireNonNull(options, "options");
        MasterKeySource backend = masterKey;
        Objects.requireNonNull(backend.kind(), "masterKey.kind()");
        Path abs = file.toAbsolutePath().normalize();
        Path dir = abs.getParent();
        if (dir == null || abs.getFileName() == null) {
            throw new IllegalArgumentException("file must name a file in a folder, got " + file + ".");
        }
        AtomicFiles.createOwnerOnlyDirectories(dir);
        Permissions.checkFolder(dir, "keystore folder", options);
        Path lockPath = dir.resolve(abs.getFileName() + ".lock");
        if (!OPEN_IN_THIS_JVM.add(lockPath)) {
            throw new KeystoreInUseException("The keystore " + abs + " is already open in this JVM; close that Keystore"
                    + " first, or share the open instance (it is thread-safe).");
        }
        FileChannel channel = null;
        FileLock lock = null;
        byte[] dataKey = null;
        FileKeystore ks = null;
        boolean ok = false;
        try {
            channel = FileChannel.open(lockPath, EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    AtomicFiles.ownerOnlyFileAttributes());
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new KeystoreInUseException("The keystore " + abs + " is in use by another process (it holds the lock on "
                        + lockPath + "). Stop that process, or open the keystore only in one.");
            }
            Permissions.checkFile(lockPath, "keystore lock file", options);
            AtomicFiles.deleteStaleTemporaryFiles(abs);
            if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
                if (!Files.isRegularFile(abs, LinkOption.NOFOLLOW_LINKS)) {
                    throw new NotAKeystoreException("The keystore path " + abs + " is not a regular file.");
                }
                Permissions.checkFile(abs, "keystore file", options);
                byte[] data = read(abs);
                Parsed parsed = parse(data, backend, options, abs);
                dataKey = parsed.dataKey;
                RollbackProtection rp = options.rollbackProtection().orElse(null);
                long counter = checkRollback(abs, parsed, rp);
                SecureRandom random = new SecureRandom();
                byte[] header = parsed.header;
                Snapshot snapshot;
                if (parsed.formatVersion == FORMAT_VERSION_1) {
                    header = newHeader(backend, parsed.parameters, dataKey, options);
                    KeyGeneration legacy = new KeyGeneration(null, new AesGcm(dataKey, random), 0);
                    KeyGeneration key = KeyGeneration.fresh(dataKey, random);
                    try {
                        snapshot = new Snapshot(reseal(parsed.entries, legacy, key), 0, false, key);
                    } finally {
                        legacy.gcm.destroy();
                    }
                } else {
                    snapshot = new Snapshot(parsed.entries, parsed.version, parsed.bound,
                            KeyGeneration.derive(dataKey, parsed.salt, parsed.seals, random));
                }
                ks = new FileKeystore(abs, lockPath, false, backend.kind(), header, dataKey, channel, lock, rp, seams);
                ks.snap = snapshot;
                if (rp != null) {
                    ks.synchronizeWithCounter(counter);
                } else if (parsed.formatVersion == FORMAT_VERSION_1) {
                    ks.commit(snapshot.withVersion(1, false));
                    LOG.info("Rewrote keystore {} from format version 1 to {}.", abs, FORMAT_VERSION);
                }
                LOG.debug("Opened keystore {} ({} entries, {} master key, version {}).", abs, parsed.entries.size(),
                        backend.kind(), ks.snap.version);
            } else {
                SecureRandom random = new SecureRandom();
                dataKey = new byte[32];
                random.nextBytes(dataKey);
                byte[] header = newHeader(backend, backend.newParameters(random), dataKey, options);
                RollbackProtection rp = options.rollbackProtection().orElse(null);
                ks = new FileKeystore(abs, lockPath, true, backend.kind(), header, dataKey, channel, lock, rp, seams);
                KeyGeneration key = KeyGeneration.fresh(dataKey, random);
                if (rp == null) {
                    ks.snap = new Snapshot(new LinkedHashMap<>(), 0, false, key);
                    ks.commit(ks.snap.withVersion(1, false));
                } else {
                    long c = rp.read();
                    if (c == RollbackProtection.NEVER_SET) {
                        c = rp.advanceTo(0);
                    }
                    ks.snap = new Snapshot(new LinkedHashMap<>(), c, true, key);
                    ks.commit(ks.snap.withVersion(c + 1, true));
                }
                LOG.info("Created keystore {} ({} master key{}).", abs, backend.kind(),
                        rp == null ? "" : ", " + rp.description());
            }
            ok = true;
            return ks;
        } finally {
            if (!ok) {
                if (dataKey != null) {
                    Arrays.fill(dataKey, (byte) 0);
                }
                if (ks != null) {
                    Arrays.fill(ks.macKey, (byte) 0);
                    Snapshot s = ks.snap;
                    if (s != null) {
                        s.key.gcm.destroy();
                    }
                }
                if (lock != null) {
                    try {
                        lock.release();
                    } catch (IOException ignored) {
                        // closing the channel below releases it too
                    }
                }
                if (channel != null) {
                    channel.close();
                }
                OPEN_IN_THIS_JVM.remove(lockPath);
            }
        }
    }

    private static byte[] read(Path file) throws IOException, KeystoreException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > MAX_FILE_SIZE) {
                ByteBuffer head = ByteBuffer.allocate(MAGIC.length);
                while (head.hasRemaining() && ch.read(head) >= 0) {
                    // fill
                }
                if (!Arrays.equals(head.array(), MAGIC)) {
                    throw new NotAKeystoreException("The file " + file + " is not a DevSec keystore (no magic; "
                            + size + " bytes).");
                }
                throw new CorruptKeystoreException("The keystore " + file + " is " + size + " bytes, more than the "
                        + MAX_FILE_SIZE + "-byte limit.");
            }
            ByteBuffer buf = ByteBuffer.allocate((int) size);
            while (buf.hasRemaining()) {
                if (ch.read(buf) < 0) {
                    break;
                }
            }
            if (buf.hasRemaining() || ch.read(ByteBuffer.allocate(1)) > 0) {
                throw new IOException("The keystore " + file + " changed size while it was read.");
            }
            return buf.array();
        }
    }

    /**
     * Checks the file's version against the rollback counter before anything is written; returns the
     * counter's value (0 when there is no protection).
     */
    static long checkRollback(Path file, Parsed parsed, RollbackProtection rp) throws IOException, KeystoreException {
        String where = "The keystore " + file;
        if (rp == null) {
            if (parsed.bound) {
                throw new RollbackProtectionRequiredException(where + " is bound to a rollback counter (version "
                        + parsed.version + "); open it with KeystoreOptions.builder().rollbackProtection(...).");
            }
            return 0;
        }
        long v = parsed.version;
        long c = rp.read();
        if (!parsed.bound) {
            if (c != RollbackProtection.NEVER_SET) {
                throw new KeystoreRollbackException(where + " is not bound to " + rp.description() + ", which is in use"
                        + " (at " + c + "): an older copy from before rollback protection was switched on. Refused.",
                        v, c);
            }
            return c;
        }
        if (c == RollbackProtection.NEVER_SET) {
            if (v != 0) {
                throw new KeystoreRollbackException(where + " has version " + v + " but " + rp.description()
                        + " was never set: the counter was reset or is another one. Refused.", v, c);
            }
            return c;
        }
        if (v < c) {
            throw new KeystoreRollbackException(where + " has version " + v + ", older than " + c + " recorded by "
                    + rp.description() + ": an older copy of the keystore was put back. Refused.", v, c);
        }
        if (v > c + 1) {
            throw new KeystoreRollbackException(where + " has version " + v + ", ahead of " + c + " recorded by "
                    + rp.description() + " (only one write can be ahead): the counter was reset or is another one."
                    + " Refused.", v, c);
        }
        return c;
    }

    /**
     * After {@link #checkRollback} passed: binds an unbound file, initializes a never-set counter, and
     * completes a write that a crash interrupted between the rename and the counter advance.
     */
    private void synchronizeWithCounter(long counter) throws IOException, KeystoreException {
        Snapshot s = snap;
        long c = counter;
        if (!s.bound) {
            // c is NEVER_SET (checked): first write the file as bound and pending, then set the counter.
            s = s.withVersion(0, true);
            writeFile(s);
            snap = s;
            LOG.info("Binding keystore {} to {}.", file, rollback.description());
        }
        if (c == RollbackProtection.NEVER_SET) {
            c = rollback.advanceTo(0);
        }
        if (s.version == c + 1) {
            LOG.warn("Keystore {} is one write ahead of {} (a crash between the file write and the counter "
                    + "advance); advancing the counter to {}.", file, rollback.description(), s.version);
            rollback.advanceTo(s.version);
        } else if (s.version < c) {
            // Only right after this call initialized a TPM counter, whose first value the TPM chooses.
            commit(s.withVersion(c + 1, true));
        }
    }

    /** Re-seals every entry from one key to another (format migration, key rotation); wipes plaintexts. */
    private static Map<String, Entry> reseal(Map<String, Entry> entries, KeyGeneration from, KeyGeneration to)
            throws CorruptKeystoreException {
        Map<String, Entry> out = new LinkedHashMap<>();
        for (Entry e : entries.values()) {
            byte[] plain = openEntry(from, e, "re-sealing");
            try {
                out.put(e.name, seal(to, e.type, e.name, plain));
            } finally {
                Arrays.fill(plain, (byte) 0);
            }
        }
        return out;
    }

    private static byte[] newHeader(MasterKeySource backend, byte[] params, byte[] dataKey, KeystoreOptions options)
            throws IOException, KeystoreException {
        if (params == null || params.length > MasterKeySource.MAX_PARAMETERS_LENGTH) {
            throw new IllegalStateException(backend + " returned master-key parameters of more than "
                    + MasterKeySource.MAX_PARAMETERS_LENGTH + " bytes (or null).");
        }
        ByteArrayOutputStream aad = new ByteArrayOutputStream();
        aad.write(MAGIC, 0, MAGIC.length);
        writeU16(aad, FORMAT_VERSION);
        aad.write(kindCode(backend.kind()));
        writeU16(aad, params.length);
        aad.write(params, 0, params.length);
        byte[] aadBytes = aad.toByteArray();
        byte[] wrapped = backend.wrap(params, dataKey, aadBytes, options);
        if (wrapped == null || wrapped.length > MAX_WRAPPED) {
            throw new IllegalStateException(backend + " returned a wrapped data key of more than " + MAX_WRAPPED
                    + " bytes (or null).");
        }
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        h.write(aadBytes, 0, aadBytes.length);
        writeU16(h, wrapped.length);
        h.write(wrapped, 0, wrapped.length);
        byte[] sum = headerChecksum(h.toByteArray(), h.size());
        h.write(sum, 0, sum.length);
        return h.toByteArray();
    }

    /** What {@link #parse} found in a valid file. */
    static final class Parsed {
        final int formatVersion;
        final byte[] parameters;
        final byte[] header;
        final byte[] dataKey;
        final long version;
        final boolean bound;
        final byte[] salt;
        final long seals;
        final Map<String, Entry> entries;

        Parsed(int formatVersion, byte[] parameters, byte[] header, byte[] dataKey, long version, boolean bound,
                byte[] salt, long seals, Map<String, Entry> entries) {
            this.formatVersion = formatVersion;
            this.parameters = parameters;
            this.header = header;
            this.dataKey = dataKey;
            this.version = version;
            this.bound = bound;
            this.salt = salt;
            this.seals = seals;
            this.entries = entries;
        }
    }

    /** Checks and decodes a whole keystore file; never allocates more than the bounds allow. */
    static Parsed parse(byte[] data, MasterKeySource backend, KeystoreOptions options, Path file)
            throws IOException, KeystoreException {
        String where = "The keystore " + file;
        if (data.length < MAGIC.length) {
            boolean prefix = Arrays.equals(data, Arrays.copyOf(MAGIC, data.length));
            if (prefix) {
                throw new CorruptKeystoreException(where + " is truncated: " + data.length + " bytes.");
            }
            throw new NotAKeystoreException(where + " is not a DevSec keystore (it does not start with the magic).");
        }
        if (!Arrays.equals(Arrays.copyOf(data, MAGIC.length), MAGIC)) {
            throw new NotAKeystoreException(where + " is not a DevSec keystore (it does not start with the magic).");
        }
        Reader r = new Reader(data, where);
        r.skip(MAGIC.length, "magic");
        int version = r.u16("format version");
        if (version != FORMAT_VERSION && version != FORMAT_VERSION_1) {
            throw new UnsupportedFormatVersionException(where + " has format version " + version
                    + "; this library reads versions " + FORMAT_VERSION_1 + " and " + FORMAT_VERSION
                    + ". The file is left untouched.", version, FORMAT_VERSION);
        }
        int kindCode = r.u8("master-key kind");
        int paramsLen = r.u16("parameter length");
        if (paramsLen > MasterKeyBackend.MAX_PARAMETERS_LENGTH) {
            throw new CorruptKeystoreException(where + ": master-key parameter length " + paramsLen + " exceeds "
                    + MasterKeyBackend.MAX_PARAMETERS_LENGTH + ".");
        }
        byte[] params = r.bytes(paramsLen, "master-key parameters");
        int aadEnd = r.pos;
        int wrappedLen = r.u16("wrapped key length");
        if (wrappedLen > MAX_WRAPPED) {
            throw new CorruptKeystoreException(where + ": wrapped key length " + wrappedLen + " exceeds " + MAX_WRAPPED + ".");
        }
        byte[] wrapped = r.bytes(wrappedLen, "wrapped data key");
        int checksumStart = r.pos;
        byte[] storedSum = r.bytes(HEADER_CHECKSUM_LENGTH, "header checksum");
        if (!MessageDigest.isEqual(storedSum, headerChecksum(data, checksumStart))) {
            throw new CorruptKeystoreException(where + " has a damaged header (header checksum mismatch).");
        }
        int headerEnd = r.pos;
        MasterKeySource.Kind kind = kindOf(kindCode);
        if (kind == null) {
            throw new CorruptKeystoreException(where + " names an unknown master-key kind " + kindCode + ".");
        }
        if (kind != backend.kind()) {
            throw new WrongMasterKeyException(where + " is protected by a " + kind + " master key, not by "
                    + backend.kind() + ".");
        }
        byte[] dataKey = backend.unwrap(params, wrapped, Arrays.copyOf(data, aadEnd), options);
        boolean ok = false;
        byte[] macKey = null;
        try {
            if (dataKey == null) {
                throw new WrongMasterKeyException(where + ": the master key source returned no data key.");
            }
            if (dataKey.length != 32) {
                throw new CorruptKeystoreException(where + ": the data key has " + dataKey.length + " bytes.");
            }
            if (data.length < headerEnd + 4 + MAC_LENGTH) {
                throw new CorruptKeystoreException(where + " is truncated: " + data.length + " bytes.");
            }
            macKey = Hkdf.derive(dataKey, null, version == FORMAT_VERSION_1 ? MAC_INFO_V1 : MAC_INFO, 32);
            Mac m = Hkdf.hmac(macKey);
            m.update(data, 0, data.length - MAC_LENGTH);
            byte[] expected = m.doFinal();
            byte[] stored = Arrays.copyOfRange(data, data.length - MAC_LENGTH, data.length);
            if (!MessageDigest.isEqual(expected, stored)) {
                throw new CorruptKeystoreException(where + " failed whole-file authentication: it was altered, "
                        + "truncated, or entries were removed, reordered or replayed.");
            }
            Reader body = new Reader(data, where);
            body.pos = headerEnd;
            body.limit = data.length - MAC_LENGTH;
            long fileVersion = 0;
            boolean bound = false;
            byte[] salt = null;
            long seals = 0;
            if (version != FORMAT_VERSION_1) {
                fileVersion = body.u64("file version");
                int flags = body.u8("flags");
                if (fileVersion < 0 || (flags & ~1) != 0) {
                    throw new CorruptKeystoreException(where + " has an invalid file version or flags.");
                }
                bound = (flags & 1) != 0;
                salt = body.bytes(SALT_LENGTH, "entry-key salt");
                seals = body.u64("seal count");
                if (seals < 0 || seals > MAX_SEALS) {
                    throw new CorruptKeystoreException(where + " has an invalid seal count.");
                }
            }
            long count = body.u32("entry count");
            if (count > MAX_ENTRIES) {
                throw new CorruptKeystoreException(where + ": entry count " + count + " exceeds " + MAX_ENTRIES + ".");
            }
            Map<String, Entry> entries = new LinkedHashMap<>();
            for (long i = 0; i < count; i++) {
                int start = body.pos;
                byte type = (byte) body.u8("entry type");
                if (type != TYPE_SECRET && type != TYPE_COUNTER && type != TYPE_PRIVATE_KEY) {
                    throw new CorruptKeystoreException(where + ": entry " + i + " has unknown type " + type + ".");
                }
                int nameLen = body.u8("entry name length");
                byte[] nameBytes = body.bytes(nameLen, "entry name");
                String name = new String(nameBytes, StandardCharsets.US_ASCII);
                if (!NAME.matcher(name).matches()) {
                    throw new CorruptKeystoreException(where + ": entry " + i + " has an invalid name.");
                }
                long sealedLen = body.u32("sealed length");
                if (sealedLen < AesGcm.OVERHEAD || sealedLen > MAX_PLAINTEXT + AesGcm.OVERHEAD) {
                    throw new CorruptKeystoreException(where + ": entry '" + name + "' has sealed length " + sealedLen + ".");
                }
                int sealedOffset = body.pos - start;
                body.skip((int) sealedLen, "sealed entry");
                byte[] record = Arrays.copyOfRange(data, start, body.pos);
                if (entries.put(name, new Entry(type, name, record, sealedOffset, version)) != null) {
                    throw new CorruptKeystoreException(where + ": the name '" + name + "' appears twice.");
                }
            }
            if (body.pos != body.limit) {
                throw new CorruptKeystoreException(where + " has " + (body.limit - body.pos) + " unexpected bytes after its entries.");
            }
            ok = true;
            return new Parsed(version, params, Arrays.copyOf(data, headerEnd), dataKey, fileVersion, bound, salt, seals,
                    entries);
        } finally {
            if (macKey != null) {
                Arrays.fill(macKey, (byte) 0);
            }
            if (!ok) {
                Arrays.fill(dataKey, (byte) 0);
            }
        }
    }

    /** Bounded big-endian reader that reports truncation as {@link CorruptKeystoreException}. */
    private static final class Reader {
        final byte[] data;
        final String where;
        int pos;
        int limit;

        Reader(byte[] data, String where) {
            this.data = data;
            this.where = where;
            this.limit = data.length;
        }

        void need(long n, String what) throws CorruptKeystoreException {
            if (n < 0 || n > limit - pos) {
                throw new CorruptKeystoreException(where + " is truncated or damaged: " + what + " needs " + n
                        + " bytes at offset " + pos + ", " + (limit - pos) + " left.");
            }
        }

        void skip(int n, String what) throws CorruptKeystoreException {
            need(n, what);
            pos += n;
        }

        int u8(String what) throws CorruptKeystoreException {
            need(1, what);
            return data[pos++] & 0xff;
        }

        int u16(String what) throws CorruptKeystoreException {
            need(2, what);
            int v = ((data[pos] & 0xff) << 8) | (data[pos + 1] & 0xff);
            pos += 2;
            return v;
        }

        long u64(String what) throws CorruptKeystoreException {
            long hi = u32(what);
            long lo = u32(what);
            return (hi << 32) | lo;
        }

        long u32(String what) throws CorruptKeystoreException {
            need(4, what);
            long v = ((long) (data[pos] & 0xff) << 24) | ((data[pos + 1] & 0xff) << 16) | ((data[pos + 2] & 0xff) << 8)
                    | (data[pos + 3] & 0xff);
            pos += 4;
            return v;
        }

        byte[] bytes(int n, String what) throws CorruptKeystoreException {
            need(n, what);
            byte[] out = Arrays.copyOfRange(data, pos, pos + n);
            pos += n;
            return out;
        }
    }

    private static byte[] headerChecksum(byte[] data, int length) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(data, 0, length);
            return Arrays.copyOf(md.digest(), HEADER_CHECKSUM_LENGTH);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    static int kindCode(MasterKeySource.Kind kind) {
        switch (kind) {
            case DEVICE_SECRET_FILE:
                return 1;
            case PKCS11_TOKEN:
                return 2;
            case PASSPHRASE:
                return 3;
            case CUSTOM:
                return 4;
            default:
                throw new IllegalArgumentException("kind " + kind);
        }
    }

    static MasterKeySource.Kind kindOf(int code) {
        switch (code) {
            case 1:
                return MasterKeySource.Kind.DEVICE_SECRET_FILE;
            case 2:
                return MasterKeySource.Kind.PKCS11_TOKEN;
            case 3:
                return MasterKeySource.Kind.PASSPHRASE;
            case 4:
                return MasterKeySource.Kind.CUSTOM;
            default:
                return null;
        }
    }

    private static void writeU16(ByteArrayOutputStream out, int v) {
        out.write(v >>> 8);
        out.write(v);
    }

    static byte[] entryAad(int formatVersion, byte type, String name) {
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        byte[] aad = new byte[MAGIC.length + 3 + n.length];
        System.arraycopy(MAGIC, 0, aad, 0, MAGIC.length);
        aad[MAGIC.length] = (byte) (formatVersion >>> 8);
        aad[MAGIC.length + 1] = (byte) formatVersion;
        aad[MAGIC.length + 2] = type;
        System.arraycopy(n, 0, aad, MAGIC.length + 3, n.length);
        return aad;
    }

    // ------------------------------------------------------------------ writing

    /** Assembles the file for {@code s} and replaces the file atomically and durably. Caller holds writeMutex. */
    private void writeFile(Snapshot s) throws IOException {
        int bodyFields = 8 + 1 + SALT_LENGTH + 8;
        long total = (long) header.length + bodyFields + 4 + MAC_LENGTH;
        for (Entry e : s.entries.values()) {
            total += e.record.length;
        }
        if (total > MAX_FILE_SIZE) {
            throw new IOException("The keystore would grow to " + total + " bytes, more than the " + MAX_FILE_SIZE
                    + "-byte limit; nothing was written.");
        }
        ByteBuffer out = ByteBuffer.allocate((int) total);
        out.put(header);
        out.putLong(s.version);
        out.put((byte) (s.bound ? 1 : 0));
        out.put(s.key.salt);
        out.putLong(s.key.seals.get());
        out.putInt(s.entries.size());
        for (Entry e : s.entries.values()) {
            out.put(e.record);
        }
        int pos = out.position();
        byte[] bytes = out.array();
        mac.update(bytes, 0, pos);
        try {
            mac.doFinal(bytes, pos);
        } catch (javax.crypto.ShortBufferException e) {
            throw new IllegalStateException(e);
        }
        AtomicFiles.write(file, bytes);
    }

    /**
     * Writes {@code next} durably, publishes it, then advances the rollback counter to its version when
     * the file is bound. Caller holds writeMutex (or is open(), before the keystore is shared).
     */
    private void commit(Snapshot next) throws IOException {
        writeFile(next);
        Runnable hook = seams.afterRenameBeforeCounter;
        if (hook != null) {
            hook.run();
        }
        publish(next);
        if (next.bound) {
            try {
                rollback.advanceTo(next.version);
            } catch (IOException | RuntimeException e) {
                counterBehind = true;
                throw new IOException("The change to " + file + " is durable (version " + next.version + "), but "
                        + rollback.description() + " could not be advanced; the next write retries first: "
                        + e.getMessage(), e);
            }
        }
    }

    /** Makes {@code next} the state readers see; wipes a replaced entry key no reader can be using any more. */
    private void publish(Snapshot next) {
        stateLock.writeLock().lock();
        try {
            Snapshot old = snap;
            snap = next;
            if (old != null && old.key != next.key) {
                old.key.gcm.destroy();
            }
        } finally {
            stateLock.writeLock().unlock();
        }
    }

    private static Entry seal(KeyGeneration key, byte type, String name, byte[] plaintext) {
        if (plaintext.length > MAX_PLAINTEXT) {
            throw new IllegalArgumentException("Entry '" + name + "' is " + plaintext.length + " bytes; the limit is "
                    + MAX_PLAINTEXT + ".");
        }
        if (key.seals.incrementAndGet() > MAX_SEALS) {
            throw new IllegalStateException("The entry key has sealed " + MAX_SEALS + " values; no more under one key.");
        }
        byte[] nameBytes = name.getBytes(StandardCharsets.US_ASCII);
        byte[] sealed = key.gcm.seal(plaintext, entryAad(FORMAT_VERSION, type, name));
        byte[] record = new byte[2 + nameBytes.length + 4 + sealed.length];
        int p = 0;
        record[p++] = type;
        record[p++] = (byte) nameBytes.length;
        System.arraycopy(nameBytes, 0, record, p, nameBytes.length);
        p += nameBytes.length;
        record[p++] = (byte) (sealed.length >>> 24);
        record[p++] = (byte) (sealed.length >>> 16);
        record[p++] = (byte) (sealed.length >>> 8);
        record[p++] = (byte) sealed.length;
        System.arraycopy(sealed, 0, record, p, sealed.length);
        return new Entry(type, name, record, p, FORMAT_VERSION);
    }

    private static byte[] openEntry(KeyGeneration key, Entry e, String where) throws CorruptKeystoreException {
        try {
            return key.gcm.open(e.record, e.sealedOffset, e.record.length - e.sealedOffset, e.aad);
        } catch (AEADBadTagException ex) {
            throw new CorruptKeystoreException("The entry '" + e.name + "' failed authentication (" + where + ").");
        }
    }

    private byte[] openEntry(KeyGeneration key, Entry e) throws CorruptKeystoreException {
        return openEntry(key, e, file.toString());
    }

    /**
     * Runs one change under the write mutex: edits a copy of the entries, rotates the entry key when it has
     * sealed enough, writes the next version and advances the rollback counter, then publishes it.
     */
    private void change(Keystore.Batch batch) throws IOException, KeystoreException {
        writeMutex.lock();
        try {
            ensureOpen();
            Snapshot cur = snap;
            if (counterBehind) {
                rollback.advanceTo(cur.version);
                counterBehind = false;
            }
            EditorImpl editor = new EditorImpl(new LinkedHashMap<>(cur.entries), cur.key);
            batch.apply(editor);
            if (!editor.changed) {
                return;
            }
            KeyGeneration key = cur.key;
            Map<String, Entry> entries = editor.state;
            if (key.seals.get() >= seams.rotateAfterSeals) {
                key = KeyGeneration.fresh(dataKey, random);
                entries = reseal(entries, cur.key, key);
                LOG.info("Keystore {}: the entry key sealed {} values; re-sealed {} entries under a new key.", file,
                        cur.key.seals.get(), entries.size());
            }
            Snapshot next = new Snapshot(entries, cur.version + 1, cur.bound, key);
            try {
                commit(next);
            } finally {
                if (key != cur.key && snap != next) {
                    key.gcm.destroy();
                }
            }
        } finally {
            writeMutex.unlock();
        }
    }

    private final class EditorImpl implements Keystore.Editor {
        final Map<String, Entry> state;
        final KeyGeneration entryKey;
        boolean changed;

        EditorImpl(Map<String, Entry> state, KeyGeneration key) {
            this.state = state;
            this.entryKey = key;
        }

        private void refuseCounterOverwrite(String name) throws CounterRollbackException {
            Entry old = state.get(name);
            if (old != null && old.type == TYPE_COUNTER) {
                throw new CounterRollbackException("The entry '" + name + "' is a counter; it cannot be "
                        + "replaced or deleted.");
            }
        }

        @Override
        public Keystore.Editor putPrivateKey(String name, PrivateKey key, List<X509Certificate> chain)
                throws KeystoreException {
            checkName(name);
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(chain, "chain");
            refuseCounterOverwrite(name);
            byte[] plain = encodePrivateKey(key, chain);
            try {
                state.put(name, seal(entryKey, TYPE_PRIVATE_KEY, name, plain));
            } finally {
                Arrays.fill(plain, (byte) 0);
            }
            changed = true;
            return this;
        }

        Keystore.Editor putCertificateChain(String name, List<X509Certificate> chain) throws KeystoreException {
            checkName(name);
            Objects.requireNonNull(chain, "chain");
            Entry e = state.get(name);
            if (e == null || e.type != TYPE_PRIVATE_KEY) {
                throw new IllegalArgumentException("There is no private-key entry named '" + name + "'.");
            }
            byte[] plain = openEntry(entryKey, e);
            try {
                PrivateKeyParts parts = decodePrivateKeyParts(plain, name);
                byte[] encoded = encodeParts(parts.algorithm, parts.pkcs8, encodeChain(chain));
                try {
                    state.put(name, seal(entryKey, TYPE_PRIVATE_KEY, name, encoded));
                } finally {
                    Arrays.fill(encoded, (byte) 0);
                    Arrays.fill(parts.pkcs8, (byte) 0);
                }
            } finally {
                Arrays.fill(plain, (byte) 0);
            }
            changed = true;
            return this;
        }

        @Override
        public Keystore.Editor putSecret(String name, byte[] secret) throws KeystoreException {
            checkName(name);
            Objects.requireNonNull(secret, "secret");
            refuseCounterOverwrite(name);
            state.put(name, seal(entryKey, TYPE_SECRET, name, secret));
            changed = true;
            return this;
        }

        @Override
        public Keystore.Editor advanceCounter(String name, long value) throws KeystoreException {
            checkName(name);
            if (value < 0) {
                throw new IllegalArgumentException("Counter values are not negative, got " + value + ".");
            }
            long current = counterIn(state, entryKey, name);
            if (value < current) {
                throw new CounterRollbackException("The counter '" + name + "' is at " + current
                        + "; it cannot go down to " + value + ".");
            }
            if (value == current && state.containsKey(name)) {
                return this;
            }
            state.put(name, seal(entryKey, TYPE_COUNTER, name, ByteBuffer.allocate(8).putLong(value).array()));
            changed = true;
            return this;
        }

        long increment(String name) throws KeystoreException {
            checkName(name);
            long current = counterIn(state, entryKey, name);
            if (current == Long.MAX_VALUE) {
                throw new CounterRollbackException("The counter '" + name + "' is at its maximum.");
            }
            advanceCounter(name, current + 1);
            return current + 1;
        }

        @Override
        public Keystore.Editor delete(String name) throws KeystoreException {
            checkName(name);
            refuseCounterOverwrite(name);
            if (state.remove(name) != null) {
                changed = true;
            }
            return this;
        }
    }

    // ------------------------------------------------------------------ Keystore

    @Override
    public Path file() {
        return file;
    }

    @Override
    public boolean created() {
        return created;
    }

    @Override
    public MasterKeySource.Kind masterKeyKind() {
        return kind;
    }

    @Override
    public long version() {
        ensureOpen();
        return snap.version;
    }

    @Override
    public boolean rollbackProtected() {
        ensureOpen();
        return snap.bound;
    }

    @Override
    public Set<String> names() {
        ensureOpen();
        return Collections.unmodifiableSet(new HashSet<>(snap.entries.keySet()));
    }

    @Override
    public boolean contains(String name) {
        ensureOpen();
        return snap.entries.containsKey(name);
    }

    @Override
    public void putPrivateKey(String name, PrivateKey key, List<X509Certificate> chain) throws IOException, KeystoreException {
        change(editor -> editor.putPrivateKey(name, key, chain));
    }

    @Override
    public void putCertificateChain(String name, List<X509Certificate> chain) throws IOException, KeystoreException {
        change(editor -> ((EditorImpl) editor).putCertificateChain(name, chain));
    }

    @Override
    public Optional<PrivateKey> privateKey(String name) throws KeystoreException {
        byte[] plain = readEntry(name, TYPE_PRIVATE_KEY);
        if (plain == null) {
            return Optional.empty();
        }
        try {
            PrivateKeyParts parts = decodePrivateKeyParts(plain, name);
            try {
                return Optional.of(toPrivateKey(parts, name));
            } finally {
                Arrays.fill(parts.pkcs8, (byte) 0);
            }
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    @Override
    public List<X509Certificate> certificateChain(String name) throws KeystoreException {
        byte[] plain = readEntry(name, TYPE_PRIVATE_KEY);
        if (plain == null) {
            return Collections.emptyList();
        }
        try {
            PrivateKeyParts parts = decodePrivateKeyParts(plain, name);
            Arrays.fill(parts.pkcs8, (byte) 0);
            return parts.chain;
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    @Override
    public void putSecret(String name, byte[] secret) throws IOException, KeystoreException {
        change(editor -> editor.putSecret(name, secret));
    }

    @Override
    public Optional<byte[]> secret(String name) throws KeystoreException {
        return Optional.ofNullable(readEntry(name, TYPE_SECRET));
    }

    @Override
    public long counter(String name) throws KeystoreException {
        checkName(name);
        stateLock.readLock().lock();
        try {
            ensureOpen();
            Snapshot s = snap;
            return counterIn(s.entries, s.key, name);
        } finally {
            stateLock.readLock().unlock();
        }
    }

    @Override
    public void advanceCounter(String name, long value) throws IOException, KeystoreException {
        change(editor -> editor.advanceCounter(name, value));
    }

    @Override
    public long incrementCounter(String name) throws IOException, KeystoreException {
        long[] result = new long[1];
        change(editor -> result[0] = ((EditorImpl) editor).increment(name));
        return result[0];
    }

    @Override
    public boolean delete(String name) throws IOException, KeystoreException {
        boolean[] existed = new boolean[1];
        change(editor -> {
            existed[0] = ((EditorImpl) editor).state.containsKey(name);
            editor.delete(name);
        });
        return existed[0];
    }

    @Override
    public void batch(Keystore.Batch changes) throws IOException, KeystoreException {
        Objects.requireNonNull(changes, "changes");
        change(changes);
    }

    /** Wipes the data key, the MAC key and the cipher state, drops the entries and releases the lock. */
    @Override
    public void close() {
        writeMutex.lock();
        try {
            stateLock.writeLock().lock();
            try {
                if (closed) {
                    return;
                }
                closed = true;
                Snapshot s = snap;
                snap = new Snapshot(Collections.emptyMap(), s.version, s.bound, s.key);
                s.key.gcm.destroy();
                Arrays.fill(dataKey, (byte) 0);
                Arrays.fill(macKey, (byte) 0);
                try {
                    mac.init(new SecretKeySpec(new byte[32], "HmacSHA256"));
                } catch (InvalidKeyException e) {
                    LOG.debug("Could not re-key the MAC on close: {}", e.toString());
                }
            } finally {
                stateLock.writeLock().unlock();
            }
            try {
                lock.release();
            } catch (IOException e) {
                LOG.debug("Releasing the keystore lock failed: {}", e.toString());
            }
            try {
                lockChannel.close();
            } catch (IOException e) {
                LOG.debug("Closing the keystore lock file failed: {}", e.toString());
            }
            OPEN_IN_THIS_JVM.remove(lockPath);
            LOG.debug("Closed keystore {}.", file);
        } finally {
            writeMutex.unlock();
        }
    }

    @Override
    public String toString() {
        return "Keystore{file=" + file + ", masterKey=" + kind + (closed ? ", closed" : "") + "}";
    }

    // ------------------------------------------------------------------ helpers

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("The keystore " + file + " is closed.");
        }
    }

    /** Same rule as {@link #NAME}, without a regex on the read path. */
    private static void checkName(String name) {
        Objects.requireNonNull(name, "name");
        int n = name.length();
        boolean ok = n >= 1 && n <= 128;
        for (int i = 0; ok && i < n; i++) {
            char c = name.charAt(i);
            ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
                    || c == '/' || c == '-';
        }
        if (!ok) {
            throw new IllegalArgumentException("Entry names are 1 to 128 characters of [A-Za-z0-9._/-].");
        }
    }

    /**
     * The decrypted plaintext of {@code name}, or null when absent; throws when it has another type.
     *
     * <p>Lock-free on the common path: {@link #snap} is an immutable snapshot (entries and entry key) published by a
     * volatile write, so a reader needs no lock to see a consistent map (the read-write lock cost a CAS and its
     * hold-count bookkeeping on every get). A {@link #close()} or an entry-key rotation racing with a read can wipe
     * the key the reader holds; the decryption then fails authentication, and the read either reports the keystore
     * as closed or retries once under the read lock with the new snapshot: it never reports a spurious corruption
     * and never returns unauthenticated bytes.
     */
    private byte[] readEntry(String name, byte type) throws KeystoreException {
        checkName(name);
        ensureOpen();
        Snapshot s = snap;
        try {
            byte[] plain = readFrom(s, name, type);
            if (plain == null) {
                ensureOpen(); // a close() that emptied the snapshot after the first check reads as "closed"
            }
            return plain;
        } catch (CorruptKeystoreException | IllegalStateException ex) {
            ensureOpen();
            if (snap == s) {
                throw ex;
            }
            stateLock.readLock().lock();
            try {
                ensureOpen();
                return readFrom(snap, name, type);
            } finally {
                stateLock.readLock().unlock();
            }
        }
    }

    private byte[] readFrom(Snapshot s, String name, byte type) throws CorruptKeystoreException {
        Entry e = s.entries.get(name);
        if (e == null) {
            return null;
        }
        if (e.type != type) {
            throw new IllegalArgumentException("The entry '" + name + "' is a " + typeName(e.type) + ", not a "
                    + typeName(type) + ".");
        }
        return openEntry(s.key, e);
    }

    private long counterIn(Map<String, Entry> state, KeyGeneration key, String name) throws KeystoreException {
        Entry e = state.get(name);
        if (e == null) {
            return 0;
        }
        if (e.type != TYPE_COUNTER) {
            throw new IllegalArgumentException("The entry '" + name + "' is a " + typeName(e.type) + ", not a counter.");
        }
        byte[] plain = openEntry(key, e);
        if (plain.length != 8) {
            throw new CorruptKeystoreException("The counter '" + name + "' has " + plain.length + " bytes.");
        }
        long v = ByteBuffer.wrap(plain).getLong();
        if (v < 0) {
            throw new CorruptKeystoreException("The counter '" + name + "' is negative.");
        }
        return v;
    }

    private static String typeName(byte type) {
        switch (type) {
            case TYPE_SECRET:
                return "secret";
            case TYPE_COUNTER:
                return "counter";
            case TYPE_PRIVATE_KEY:
                return "private key";
            default:
                return "type " + type;
        }
    }

    /** A decoded private-key entry. */
    static final class PrivateKeyParts {
        final String algorithm;
        final byte[] pkcs8;
        final List<X509Certificate> chain;

        PrivateKeyParts(String algorithm, byte[] pkcs8, List<X509Certificate> chain) {
            this.algorithm = algorithm;
            this.pkcs8 = pkcs8;
            this.chain = chain;
        }
    }

    private static byte[] encodePrivateKey(PrivateKey key, List<X509Certificate> chain) {
        byte[] pkcs8 = key.getEncoded();
        if (pkcs8 == null || !"PKCS#8".equalsIgnoreCase(key.getFormat())) {
            throw new IllegalArgumentException("The private key must be exportable in PKCS#8 form (a key held in a "
                    + "token cannot be stored in the keystore).");
        }
        try {
            return encodeParts(key.getAlgorithm(), pkcs8, encodeChain(chain));
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }

    private static List<byte[]> encodeChain(List<X509Certificate> chain) {
        if (chain.size() > MAX_CHAIN) {
            throw new IllegalArgumentException("A certificate chain holds at most " + MAX_CHAIN + " certificates.");
        }
        List<byte[]> out = new ArrayList<>();
        for (X509Certificate c : chain) {
            Objects.requireNonNull(c, "chain element");
            try {
                byte[] der = c.getEncoded();
                if (der.length > MAX_CERT) {
                    throw new IllegalArgumentException("A certificate is larger than " + MAX_CERT + " bytes.");
                }
                out.add(der);
            } catch (CertificateEncodingException e) {
                throw new IllegalArgumentException("A certificate of the chain cannot be encoded: " + e.getMessage(), e);
            }
        }
        return out;
    }

    private static byte[] encodeParts(String algorithm, byte[] pkcs8, List<byte[]> chain) {
        byte[] alg = algorithm.getBytes(StandardCharsets.US_ASCII);
        int size = 2 + alg.length + 4 + pkcs8.length + 2;
        for (byte[] c : chain) {
            size += 4 + c.length;
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.putShort((short) alg.length).put(alg).putInt(pkcs8.length).put(pkcs8).putShort((short) chain.size());
        for (byte[] c : chain) {
            b.putInt(c.length).put(c);
        }
        return b.array();
    }

    private PrivateKeyParts decodePrivateKeyParts(byte[] plain, String name) throws CorruptKeystoreException {
        Reader r = new Reader(plain, "The private-key entry '" + name + "' of " + file);
        int algLen = r.u16("algorithm length");
        if (algLen > 64) {
            throw new CorruptKeystoreException("The private-key entry '" + name + "' has an invalid algorithm name.");
        }
        String algorithm = new String(r.bytes(algLen, "algorithm"), StandardCharsets.US_ASCII);
        long keyLen = r.u32("key length");
        r.need(keyLen, "PKCS#8 key");
        byte[] pkcs8 = r.bytes((int) keyLen, "PKCS#8 key");
        int certs = r.u16("certificate count");
        if (certs > MAX_CHAIN) {
            Arrays.fill(pkcs8, (byte) 0);
            throw new CorruptKeystoreException("The private-key entry '" + name + "' lists " + certs + " certificates.");
        }
        List<X509Certificate> chain = new ArrayList<>();
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (int i = 0; i < certs; i++) {
                long len = r.u32("certificate length");
                r.need(len, "certificate");
                byte[] der = r.bytes((int) len, "certificate");
                chain.add((X509Certificate) cf.generateCertificate(new java.io.ByteArrayInputStream(der)));
            }
        } catch (CorruptKeystoreException e) {
            Arrays.fill(pkcs8, (byte) 0);
            throw e;
        } catch (CertificateException e) {
            Arrays.fill(pkcs8, (byte) 0);
            throw new CorruptKeystoreException("The private-key entry '" + name + "' holds an unreadable certificate.", e);
        }
        return new PrivateKeyParts(algorithm, pkcs8, Collections.unmodifiableList(chain));
    }

    private static PrivateKey toPrivateKey(PrivateKeyParts parts, String name) throws CorruptKeystoreException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(parts.pkcs8);
        GeneralSecurityException last = null;
        try {
            return KeyFactory.getInstance(parts.algorithm).generatePrivate(spec);
        } catch (GeneralSecurityException e) {
            last = e;
        }
        try {
            return bouncyCastleKeyFactory(parts.algorithm)
                    .generatePrivate(org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(parts.pkcs8));
        } catch (IOException | RuntimeException e) {
            last = new java.security.spec.InvalidKeySpecException(e.getClass().getSimpleName(), e);
        }
        throw new CorruptKeystoreException("The private key '" + name + "' (" + parts.algorithm
                + ") cannot be decoded on this JVM: " + last.getClass().getSimpleName() + ".", last);
    }

    /**
     * Bouncy Castle's key factory for a key type the JDK lacks (EdDSA/XDH before Java 15 and on Android),
     * used directly: a BouncyCastleProvider instance would load hundreds of classes for one key.
     */
    private static org.bouncycastle.jcajce.provider.util.AsymmetricKeyInfoConverter bouncyCastleKeyFactory(
            String algorithm) {
        String a = algorithm.toUpperCase(java.util.Locale.ROOT);
        if (a.startsWith("ED")) {
            return new org.bouncycastle.jcajce.provider.asymmetric.edec.KeyFactorySpi.EdDSA();
        }
        if (a.startsWith("X")) {
            return new org.bouncycastle.jcajce.provider.asymmetric.edec.KeyFactorySpi.XDH();
        }
        if (a.startsWith("RSA")) {
            return new org.bouncycastle.jcajce.provider.asymmetric.rsa.KeyFactorySpi();
        }
        return new org.bouncycastle.jcajce.provider.asymmetric.ec.KeyFactorySpi.EC();
    }

}
