package io.devsec.storage.internal;

import io.devsec.storage.AtomicFiles;
import io.devsec.storage.CorruptKeystoreException;
import io.devsec.storage.CounterRollbackException;
import io.devsec.storage.Keystore;
import io.devsec.storage.KeystoreException;
import io.devsec.storage.KeystoreInUseException;
import io.devsec.storage.KeystoreOptions;
import io.devsec.storage.MasterKeySource;
import io.devsec.storage.NotAKeystoreException;
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
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.regex.Pattern;
import javax.crypto.AEADBadTagException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keystore file, format version 1 (all integers big-endian):
 *
 * <pre>
 * header   magic "DEVSECKS" (8) | u16 format version | u8 master-key kind
 *          | u16 n, n bytes of master-key parameters (salt, Argon2 costs; n &lt;= 1024)
 *          | u16 w, w bytes: data key wrapped by the master key, AES-256-GCM, AAD = header so far (w = 60)
 *          | 16 bytes: SHA-256 of the header so far, truncated (detects accidental damage before any key is used)
 * body     u32 entry count (&lt;= 100,000)
 *          | per entry: u8 type | u8 name length | name (ASCII) | u32 s, s bytes: nonce | AES-256-GCM(data key) | tag
 *            with AAD = "DEVSECKS" | u16 format version | u8 type | name
 * trailer  32 bytes: HMAC-SHA256 over everything before it, key = HKDF(data key, "devsec/keystore/v1/file-mac")
 * </pre>
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
    public static final int FORMAT_VERSION = 1;
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
    private static final byte[] MAC_INFO = "devsec/keystore/v1/file-mac".getBytes(StandardCharsets.US_ASCII);
    private static final Set<Path> OPEN_IN_THIS_JVM = ConcurrentHashMap.newKeySet();

    private final Path file;
    private final Path lockPath;
    private final boolean created;
    private final MasterKeySource.Kind kind;
    private final byte[] header;
    private final byte[] dataKey;
    private final byte[] macKey;
    private final AesGcm gcm;
    private final Mac mac;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private final ReentrantLock writeMutex = new ReentrantLock();
    private final ReentrantReadWriteLock stateLock = new ReentrantReadWriteLock();
    private volatile Map<String, Entry> entries;
    private volatile boolean closed;

    /** One entry as it sits in the file: the whole record, and where its sealed part is. */
    static final class Entry {
        final byte type;
        final String name;
        final byte[] record;
        final int sealedOffset;
        final byte[] aad;

        Entry(byte type, String name, byte[] record, int sealedOffset) {
            this.type = type;
            this.name = name;
            this.record = record;
            this.sealedOffset = sealedOffset;
            this.aad = entryAad(type, name);
        }
    }

    private FileKeystore(Path file, Path lockPath, boolean created, MasterKeySource.Kind kind, byte[] header,
            byte[] dataKey, Map<String, Entry> entries, FileChannel lockChannel, FileLock lock) {
        this.file = file;
        this.lockPath = lockPath;
        this.created = created;
        this.kind = kind;
        this.header = header;
        this.dataKey = dataKey;
        this.macKey = Hkdf.derive(dataKey, null, MAC_INFO, 32);
        this.gcm = new AesGcm(dataKey, new SecureRandom());
        this.mac = Hkdf.hmac(macKey);
        this.entries = entries;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    // ------------------------------------------------------------------ open

    public static Keystore open(Path file, MasterKeySource masterKey, KeystoreOptions options)
            throws IOException, KeystoreException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(masterKey, "masterKey");
        Objects.requireNonNull(options, "options");
        if (!(masterKey instanceof MasterKeyBackend)) {
            throw new IllegalArgumentException("masterKey must come from a MasterKeySource factory method.");
        }
        MasterKeyBackend backend = (MasterKeyBackend) masterKey;
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
            FileKeystore ks;
            if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
                if (!Files.isRegularFile(abs, LinkOption.NOFOLLOW_LINKS)) {
                    throw new NotAKeystoreException("The keystore path " + abs + " is not a regular file.");
                }
                Permissions.checkFile(abs, "keystore file", options);
                byte[] data = read(abs);
                Parsed parsed = parse(data, backend, options, abs);
                dataKey = parsed.dataKey;
                ks = new FileKeystore(abs, lockPath, false, backend.kind(), parsed.header, parsed.dataKey, parsed.entries,
                        channel, lock);
                LOG.debug("Opened keystore {} ({} entries, {} master key).", abs, parsed.entries.size(), backend.kind());
            } else {
                SecureRandom random = new SecureRandom();
                dataKey = new byte[32];
                random.nextBytes(dataKey);
                byte[] header = newHeader(backend, dataKey, options, random);
                ks = new FileKeystore(abs, lockPath, true, backend.kind(), header, dataKey, new LinkedHashMap<>(),
                        channel, lock);
                ks.writeFile(ks.entries);
                LOG.info("Created keystore {} ({} master key).", abs, backend.kind());
            }
            ok = true;
            return ks;
        } finally {
            if (!ok) {
                if (dataKey != null) {
                    Arrays.fill(dataKey, (byte) 0);
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

    private static byte[] newHeader(MasterKeyBackend backend, byte[] dataKey, KeystoreOptions options, SecureRandom random)
            throws IOException, KeystoreException {
        byte[] params = backend.newParameters(random);
        ByteArrayOutputStream aad = new ByteArrayOutputStream();
        aad.write(MAGIC, 0, MAGIC.length);
        writeU16(aad, FORMAT_VERSION);
        aad.write(kindCode(backend.kind()));
        writeU16(aad, params.length);
        aad.write(params, 0, params.length);
        byte[] aadBytes = aad.toByteArray();
        byte[] wrapped = backend.wrap(params, dataKey, aadBytes, options);
        if (wrapped.length > MAX_WRAPPED) {
            throw new IllegalStateException("wrapped key too long: " + wrapped.length);
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
        final byte[] header;
        final byte[] dataKey;
        final Map<String, Entry> entries;

        Parsed(byte[] header, byte[] dataKey, Map<String, Entry> entries) {
            this.header = header;
            this.dataKey = dataKey;
            this.entries = entries;
        }
    }

    /** Checks and decodes a whole keystore file; never allocates more than the bounds allow. */
    static Parsed parse(byte[] data, MasterKeyBackend backend, KeystoreOptions options, Path file)
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
        if (version != FORMAT_VERSION) {
            throw new UnsupportedFormatVersionException(where + " has format version " + version
                    + "; this library reads version " + FORMAT_VERSION + ". The file is left untouched.",
                    version, FORMAT_VERSION);
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
            if (dataKey.length != 32) {
                throw new CorruptKeystoreException(where + ": the data key has " + dataKey.length + " bytes.");
            }
            if (data.length < headerEnd + 4 + MAC_LENGTH) {
                throw new CorruptKeystoreException(where + " is truncated: " + data.length + " bytes.");
            }
            macKey = Hkdf.derive(dataKey, null, MAC_INFO, 32);
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
                if (entries.put(name, new Entry(type, name, record, sealedOffset)) != null) {
                    throw new CorruptKeystoreException(where + ": the name '" + name + "' appears twice.");
                }
            }
            if (body.pos != body.limit) {
                throw new CorruptKeystoreException(where + " has " + (body.limit - body.pos) + " unexpected bytes after its entries.");
            }
            ok = true;
            return new Parsed(Arrays.copyOf(data, headerEnd), dataKey, entries);
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
            default:
                return null;
        }
    }

    private static void writeU16(ByteArrayOutputStream out, int v) {
        out.write(v >>> 8);
        out.write(v);
    }

    static byte[] entryAad(byte type, String name) {
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        byte[] aad = new byte[MAGIC.length + 3 + n.length];
        System.arraycopy(MAGIC, 0, aad, 0, MAGIC.length);
        aad[MAGIC.length] = (byte) (FORMAT_VERSION >>> 8);
        aad[MAGIC.length + 1] = (byte) FORMAT_VERSION;
        aad[MAGIC.length + 2] = type;
        System.arraycopy(n, 0, aad, MAGIC.length + 3, n.length);
        return aad;
    }

    // ------------------------------------------------------------------ writing

    /** Assembles the file for {@code state} and replaces the file atomically and durably. Caller holds writeMutex. */
    private void writeFile(Map<String, Entry> state) throws IOException {
        long total = (long) header.length + 4 + MAC_LENGTH;
        for (Entry e : state.values()) {
            total += e.record.length;
        }
        if (total > MAX_FILE_SIZE) {
            throw new IOException("The keystore would grow to " + total + " bytes, more than the " + MAX_FILE_SIZE
                    + "-byte limit; nothing was written.");
        }
        byte[] out = new byte[(int) total];
        int pos = 0;
        System.arraycopy(header, 0, out, 0, header.length);
        pos += header.length;
        int count = state.size();
        out[pos++] = (byte) (count >>> 24);
        out[pos++] = (byte) (count >>> 16);
        out[pos++] = (byte) (count >>> 8);
        out[pos++] = (byte) count;
        for (Entry e : state.values()) {
            System.arraycopy(e.record, 0, out, pos, e.record.length);
            pos += e.record.length;
        }
        mac.update(out, 0, pos);
        try {
            mac.doFinal(out, pos);
        } catch (javax.crypto.ShortBufferException e) {
            throw new IllegalStateException(e);
        }
        AtomicFiles.write(file, out);
    }

    private Entry seal(byte type, String name, byte[] plaintext) {
        if (plaintext.length > MAX_PLAINTEXT) {
            throw new IllegalArgumentException("Entry '" + name + "' is " + plaintext.length + " bytes; the limit is "
                    + MAX_PLAINTEXT + ".");
        }
        byte[] nameBytes = name.getBytes(StandardCharsets.US_ASCII);
        byte[] sealed = gcm.seal(plaintext, entryAad(type, name));
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
        return new Entry(type, name, record, p);
    }

    private byte[] openEntry(Entry e) throws CorruptKeystoreException {
        try {
            return gcm.open(e.record, e.sealedOffset, e.record.length - e.sealedOffset, e.aad);
        } catch (AEADBadTagException ex) {
            throw new CorruptKeystoreException("The entry '" + e.name + "' of " + file + " failed authentication.");
        }
    }

    /** Runs one change under the write mutex: edits a copy of the state, writes it, then publishes it. */
    private void change(Keystore.Batch batch) throws IOException, KeystoreException {
        writeMutex.lock();
        try {
            ensureOpen();
            EditorImpl editor = new EditorImpl(new LinkedHashMap<>(entries));
            batch.apply(editor);
            if (!editor.changed) {
                return;
            }
            writeFile(editor.state);
            stateLock.writeLock().lock();
            try {
                entries = editor.state;
            } finally {
                stateLock.writeLock().unlock();
            }
        } finally {
            writeMutex.unlock();
        }
    }

    private final class EditorImpl implements Keystore.Editor {
        final Map<String, Entry> state;
        boolean changed;

        EditorImpl(Map<String, Entry> state) {
            this.state = state;
        }

        private void refuseCounterOverwrite(String name) throws CounterRollbackException {
            Entry old = state.get(name);
            if (old != null && old.type == TYPE_COUNTER) {
                throw new CounterRollbackException("The entry '" + name + "' is a monotonic counter; it cannot be "
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
                state.put(name, seal(TYPE_PRIVATE_KEY, name, plain));
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
            byte[] plain = openEntry(e);
            try {
                PrivateKeyParts parts = decodePrivateKeyParts(plain, name);
                byte[] encoded = encodeParts(parts.algorithm, parts.pkcs8, encodeChain(chain));
                try {
                    state.put(name, seal(TYPE_PRIVATE_KEY, name, encoded));
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
            state.put(name, seal(TYPE_SECRET, name, secret));
            changed = true;
            return this;
        }

        @Override
        public Keystore.Editor advanceCounter(String name, long value) throws KeystoreException {
            checkName(name);
            if (value < 0) {
                throw new IllegalArgumentException("Counter values are not negative, got " + value + ".");
            }
            long current = counterIn(state, name);
            if (value < current) {
                throw new CounterRollbackException("The counter '" + name + "' is at " + current
                        + "; it cannot go down to " + value + ".");
            }
            if (value == current && state.containsKey(name)) {
                return this;
            }
            state.put(name, seal(TYPE_COUNTER, name, ByteBuffer.allocate(8).putLong(value).array()));
            changed = true;
            return this;
        }

        long increment(String name) throws KeystoreException {
            checkName(name);
            long current = counterIn(state, name);
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
    public Set<String> names() {
        ensureOpen();
        return Collections.unmodifiableSet(new HashSet<>(entries.keySet()));
    }

    @Override
    public boolean contains(String name) {
        ensureOpen();
        return entries.containsKey(name);
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
            return counterIn(entries, name);
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
                entries = Collections.emptyMap();
                gcm.destroy();
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
     * <p>Lock-free: {@link #entries} is an immutable snapshot published by a volatile write, so a reader needs
     * no lock to see a consistent map (the read-write lock cost a CAS and its hold-count bookkeeping on every
     * get). A {@link #close()} racing with a read wipes the key; the decryption then fails authentication and
     * the read reports the keystore as closed, never as corrupt, and never returns unauthenticated bytes.
     */
    private byte[] readEntry(String name, byte type) throws KeystoreException {
        checkName(name);
        ensureOpen();
        Entry e = entries.get(name);
        if (e == null) {
            ensureOpen();
            return null;
        }
        if (e.type != type) {
            throw new IllegalArgumentException("The entry '" + name + "' is a " + typeName(e.type) + ", not a "
                    + typeName(type) + ".");
        }
        try {
            return openEntry(e);
        } catch (CorruptKeystoreException | IllegalStateException ex) {
            ensureOpen();
            throw ex;
        }
    }

    private long counterIn(Map<String, Entry> state, String name) throws KeystoreException {
        Entry e = state.get(name);
        if (e == null) {
            return 0;
        }
        if (e.type != TYPE_COUNTER) {
            throw new IllegalArgumentException("The entry '" + name + "' is a " + typeName(e.type) + ", not a counter.");
        }
        byte[] plain = openEntry(e);
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
        } catch (CertificateException | CorruptKeystoreException e) {
            Arrays.fill(pkcs8, (byte) 0);
            if (e instanceof CorruptKeystoreException) {
                throw (CorruptKeystoreException) e;
            }
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
