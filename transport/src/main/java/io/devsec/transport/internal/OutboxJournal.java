package io.devsec.transport.internal;

import io.devsec.transport.CorruptOutboxException;
import io.devsec.transport.OutboxFullException;
import io.devsec.transport.OutboxSettings;
import java.io.Closeable;
import java.io.IOException;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.OpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The persisted outbox: an append-only journal of AES-256-GCM encrypted records.
 *
 * <p>File: an 8-byte magic, then records {@code [int length][int CRC32C(body)][body]}, body
 * {@code [byte type][long seq][12-byte nonce][ciphertext + 16-byte tag]}; the type and sequence
 * number are bound as associated data, so records cannot be altered, reordered into other
 * numbers or forged without the key.
 *
 * <p>Keys and nonces (format 2, magic {@code DSOUTBX2}): the outbox key never encrypts a message.
 * It encrypts only KEY records (random nonce), each holding a fresh random 256-bit data key and a
 * random 4-byte nonce prefix: a key generation. The records after a KEY record are encrypted
 * under its data key with deterministic nonces, {@code prefix || 64-bit counter}, so no nonce
 * repeats under a data key. A generation starts whenever the journal is opened for writing, at
 * every compaction (the rewrite starts with its own KEY record) and after
 * {@link #DEFAULT_ROTATE_AFTER} encryptions, far below the 2^32 limit for one GCM key; the
 * outbox key itself encrypts one record per generation. Format 1 files ({@code DSOUTBX1}, every
 * record under the outbox key with a random nonce) are read and rewritten in format 2 at open. {@link #append} returns only after the record is written
 * and fsynced; concurrent appends share one write and one fsync (group commit: a leader fsyncs
 * for every follower). {@link #appendAllUnsynced} returns before the fsync; such records are
 * {@link #isDurable durable} only after a later {@link #syncUpTo}. Acknowledgements are journal records too, not
 * fsynced on their own (a lost acknowledgement means one duplicate delivery, never a loss).
 * Recovery keeps every whole record, cuts a torn tail (an incomplete last record, a last record
 * failing its checksum, or zero fill), and reports a damaged record in the middle as
 * {@link CorruptOutboxException}. Compaction rewrites the live records to a temporary file,
 * fsyncs it, renames it over the journal and fsyncs the directory.
 */
public final class OutboxJournal implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(OutboxJournal.class);
    private static final byte[] MAGIC_V1 = "DSOUTBX1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MAGIC = "DSOUTBX2".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] AAD_PREFIX = "devsec-outbox/v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte APPEND = 1;
    private static final byte ACK = 2;
    private static final byte BASE = 3;
    private static final byte ACKS = 4;
    /** A new key generation: [4-byte nonce prefix][32-byte data key], encrypted under the outbox key. */
    private static final byte KEY = 5;
    private static final int DATA_KEY = 32;
    private static final int NONCE_PREFIX = 4;
    /** Encryptions under one data key before the next generation starts: 2^31, half the 2^32 GCM limit. */
    static final long DEFAULT_ROTATE_AFTER = 1L << 31;
    private static final int ACK_BATCH = 512;
    private static final int NONCE = 12;
    private static final int TAG = 16;
    private static final int MIN_BODY = 1 + 8 + NONCE + TAG;
    private static final int MAX_BODY = 16 * 1024 * 1024 + 70_000;
    static final String FILE = "outbox.journal";

    /** One pending message. */
    public static final class Entry {
        private final long seq;
        private final String topic;
        private final byte[] payload;
        private long size = -1;

        Entry(long seq, String topic, byte[] payload) {
            this.seq = seq;
            this.topic = topic;
            this.payload = payload;
        }

        public long seq() {
            return seq;
        }

        public String topic() {
            return topic;
        }

        /** The payload (not copied: internal use). */
        public byte[] payload() {
            return payload;
        }

        long size() {
            if (size < 0) {
                size = (long) topic.getBytes(StandardCharsets.UTF_8).length + payload.length;
            }
            return size;
        }

        @Override
        public String toString() {
            return "Entry{" + seq + ", " + topic + ", " + payload.length + " bytes}";
        }
    }

    /** Sees the group-commit fsyncs; a seam for tests in this package, null otherwise. */
    interface SyncObserver {
        /** Before the fsync that makes every record up to {@code upToSeq} durable. */
        void beforeSync(long upToSeq);

        /** After that fsync returned, before anything waiting on it may go on. */
        void synced(long upToSeq);
    }

    static volatile SyncObserver syncObserver;

    private final Path dir;
    private final Path file;
    /** The outbox key: encrypts KEY records only (and every record of a format 1 file). */
    private final SecretKey key;
    private final long rotateAfter;
    /** The current generation's data key; null until the first record of this open (or after a failed compaction). Guarded by the cipher's lock. */
    private SecretKey dataKey;
    private final byte[] dataNonce = new byte[NONCE];
    /** Encryptions under dataKey so far; the next nonce's counter. Guarded by the cipher's lock. */
    private long dataCount;
    /** KEY records written in this process (generations started). */
    private final java.util.concurrent.atomic.AtomicLong generations = new java.util.concurrent.atomic.AtomicLong();
    private final int maxMessages;
    private final long maxBytes;
    private final SecureRandom random = newNonceSource();
    /** pending.size() without walking the skip list (O(n)); incremented before a put, so never below it. */
    private final java.util.concurrent.atomic.AtomicInteger pendingCount = new java.util.concurrent.atomic.AtomicInteger();
    private final Object writeLock = new Object();
    private final Object syncLock = new Object();
    private final ConcurrentSkipListMap<Long, Entry> pending = new ConcurrentSkipListMap<>();
    private final Cipher cipher;
    private FileChannel channel;
    private FileLock lock;
    private long nextSeq;
    private long bytes;
    private volatile long written;
    private volatile long synced;
    /** The highest sequence number whose record has been written (not necessarily synced). */
    private volatile long writtenSeq;
    /** The highest sequence number appended (its record perhaps only buffered). */
    private volatile long appendedSeq;
    /** Encrypted records appended but not yet written, in order; written in one call before an fsync. Guarded by writeLock. */
    private final List<ByteBuffer> buffered = new ArrayList<>();
    private int bufferedBytes;
    /** The highest sequence number whose record is fsynced: every record up to it is durable. */
    private volatile long syncedSeq;
    private final java.util.concurrent.atomic.AtomicLong fsyncs = new java.util.concurrent.atomic.AtomicLong();
    /** Group commit: whether a leader is fsyncing, and the followers waiting for it. */
    private final AtomicBoolean syncing = new AtomicBoolean();
    private final ConcurrentLinkedQueue<Thread> syncWaiters = new ConcurrentLinkedQueue<>();
    private static final long FOLLOWER_PARK_NANOS = 1_000_000;
    private long deadRecords;
    private final List<Long> unwrittenAcks = new ArrayList<>();
    private long cutBytes;
    private volatile boolean closed;
    /**
     * Guards bytes, deadRecords and unwrittenAcks, so that an acknowledgement (on Paho's callback
     * thread) does not wait for an append's encryption. Lock order: writeLock, then ackLock.
     */
    private final Object ackLock = new Object();

    /**
     * Nonces come from a DRBG instance: a SecureRandom that does not read /dev/urandom on every
     * call (NativePRNG does, a system call per record). Falls back to the platform default.
     */
    private static SecureRandom newNonceSource() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (java.security.NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }

    /** Random nonces drawn from the DRBG many at a time: one 12-byte request costs nearly as much as 64. */
    private final byte[] noncePool = new byte[NONCE * 64];
    private int noncePos = noncePool.length;

    /** A fresh random 96-bit nonce, never handed out twice (each pool byte is used once). */
    private byte[] nextNonce() {
        byte[] nonce = new byte[NONCE];
        synchronized (noncePool) {
            if (noncePos == noncePool.length) {
                random.nextBytes(noncePool);
                noncePos = 0;
            }
            System.arraycopy(noncePool, noncePos, nonce, 0, NONCE);
            noncePos += NONCE;
        }
        return nonce;
    }

    private OutboxJournal(OutboxSettings settings, long rotateAfter) throws IOException {
        if (rotateAfter < 1 || rotateAfter > (1L << 32)) {
            throw new IllegalArgumentException("rotateAfter must be 1 to 2^32");
        }
        this.rotateAfter = rotateAfter;
        this.dir = settings.directory();
        this.file = dir.resolve(FILE);
        this.key = settings.key().secretKey();
        this.maxMessages = settings.maxMessages();
        this.maxBytes = settings.maxBytes();
        try {
            this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM is missing from this JDK", e);
        }
    }

    /**
     * Opens (or creates) the outbox and recovers it.
     *
     * @throws CorruptOutboxException when a record before the tail is damaged, altered or was
     *     written under another key
     * @throws IOException when the directory cannot be used or another process holds the outbox
     */
    public static OutboxJournal open(OutboxSettings settings) throws IOException, CorruptOutboxException {
        return open(settings, DEFAULT_ROTATE_AFTER);
    }

    /** As {@link #open(OutboxSettings)}, with a data key rotation after {@code rotateAfter} encryptions (tests). */
    static OutboxJournal open(OutboxSettings settings, long rotateAfter) throws IOException, CorruptOutboxException {
        OutboxJournal j = new OutboxJournal(settings, rotateAfter);
        j.openAndRecover();
        return j;
    }

    private void openAndRecover() throws IOException, CorruptOutboxException {
        if (!Files.isDirectory(dir)) {
            try {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (UnsupportedOperationException e) {
                Files.createDirectories(dir);
            }
        }
        Files.deleteIfExists(dir.resolve(FILE + ".tmp"));
        channel = FileChannel.open(file, READ_WRITE_CREATE, ownerOnly(file));
        restrictToOwner(file); // a journal made by an older version may carry the umask's mode
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            throw new IOException("outbox " + file + " is in use by another client");
        }
        boolean ok = false;
        try {
            if (recover()) {
                LOG.info("outbox journal {} is in format 1; rewriting it in format 2", file);
                compact();
            }
            ok = true;
        } finally {
            if (!ok) {
                lock.release();
                channel.close();
            }
        }
    }

    /** Reads the journal; returns whether it is in format 1 (to be rewritten). */
    private boolean recover() throws IOException, CorruptOutboxException {
        long size = channel.size();
        if (size == 0) {
            channel.write(ByteBuffer.wrap(MAGIC), 0);
            channel.force(true);
            fsyncDirectory();
            written = synced = MAGIC.length;
            nextSeq = 1;
            appendedSeq = writtenSeq = syncedSeq = 0;
            return false;
        }
        ByteBuffer all = ByteBuffer.allocate((int) Math.min(size, Integer.MAX_VALUE - 16));
        while (all.hasRemaining() && channel.read(all, all.position()) > 0) {
            // read fully
        }
        ((Buffer) all).flip();
        if (all.remaining() < MAGIC.length) {
            if (allZero(all, 0)) {
                channel.truncate(0);
                return recover();
            }
            throw new CorruptOutboxException("outbox journal too short for its header", 0);
        }
        byte[] magic = new byte[MAGIC.length];
        all.get(magic);
        boolean v1 = java.util.Arrays.equals(magic, MAGIC_V1);
        if (!v1 && !java.util.Arrays.equals(magic, MAGIC)) {
            throw new CorruptOutboxException("not a DevSec outbox journal (bad magic)", 0);
        }
        // Format 1: everything under the outbox key. Format 2: a KEY record comes before any other.
        SecretKey readKey = v1 ? key : null;
        long maxSeq = 0;
        long floor = 0;
        long pos = MAGIC.length;
        long limit = all.limit();
        while (pos < limit) {
            long remaining = limit - pos;
            if (remaining < 8) {
                cut(pos, limit, "incomplete record header");
                break;
            }
            int len = all.getInt((int) pos);
            int crc = all.getInt((int) pos + 4);
            if (len < MIN_BODY || len > MAX_BODY) {
                if (allZero(all, (int) pos)) {
                    cut(pos, limit, "zero fill");
                    break;
                }
                if (len > MAX_BODY || len < 0) {
                    if (pos + 8 + Math.max(0, len) >= limit) {
                        cut(pos, limit, "incomplete record");
                        break;
                    }
                }
                throw new CorruptOutboxException("record with impossible length " + len, pos);
            }
            if (pos + 8 + len > limit) {
                cut(pos, limit, "incomplete record");
                break;
            }
            Crc32c c = new Crc32c();
            ByteBuffer body = all.duplicate();
            ((Buffer) body).position((int) pos + 8).limit((int) (pos + 8 + len));
            c.update(body.duplicate());
            if ((int) c.getValue() != crc) {
                if (pos + 8 + len == limit) {
                    cut(pos, limit, "last record fails its checksum");
                    break;
                }
                throw new CorruptOutboxException("record fails its checksum", pos);
            }
            byte type = body.get();
            long seq = body.getLong();
            byte[] nonce = new byte[NONCE];
            body.get(nonce);
            byte[] ct = new byte[body.remaining()];
            body.get(ct);
            if (type == KEY && v1) {
                throw new CorruptOutboxException("key record in a format 1 journal", pos);
            }
            SecretKey k = type == KEY ? key : readKey;
            if (k == null) {
                throw new CorruptOutboxException("record before any key record", pos);
            }
            byte[] plain;
            try {
                plain = decrypt(k, type, seq, nonce, ct);
            } catch (AEADBadTagException e) {
                throw new CorruptOutboxException("record fails authentication (altered, or another key)", pos, e);
            }
            switch (type) {
                case KEY:
                    if (plain.length != NONCE_PREFIX + DATA_KEY) {
                        throw new CorruptOutboxException("key record of " + plain.length + " bytes", pos);
                    }
                    readKey = new javax.crypto.spec.SecretKeySpec(plain, NONCE_PREFIX, DATA_KEY, "AES");
                    java.util.Arrays.fill(plain, (byte) 0);
                    break;
                case APPEND:
                    if (seq <= maxSeq) {
                        throw new CorruptOutboxException("record sequence " + seq + " is out of order", pos);
                    }
                    maxSeq = seq;
                    Entry e = decode(seq, plain, pos);
                    pending.put(seq, e);
                    bytes += e.size();
                    break;
                case ACK:
                    Entry gone = pending.remove(seq);
                    if (gone != null) {
                        bytes -= gone.size();
                    }
                    deadRecords += 2;
                    break;
                case ACKS:
                    ByteBuffer list = ByteBuffer.wrap(plain);
                    if (plain.length % 8 != 0) {
                        throw new CorruptOutboxException("acknowledgement record of " + plain.length + " bytes", pos);
                    }
                    while (list.hasRemaining()) {
                        Entry acked = pending.remove(list.getLong());
                        if (acked != null) {
                            bytes -= acked.size();
                        }
                        deadRecords++;
                    }
                    deadRecords++;
                    break;
                case BASE:
                    floor = Math.max(floor, seq);
                    break;
                default:
                    throw new CorruptOutboxException("unknown record type " + type, pos);
            }
            pos += 8 + len;
        }
        nextSeq = Math.max(maxSeq, floor) + 1;
        appendedSeq = writtenSeq = syncedSeq = nextSeq - 1;
        written = synced = pos;
        channel.position(pos);
        if (cutBytes > 0) {
            channel.truncate(pos);
            channel.force(true);
        }
        pendingCount.set(pending.size());
        LOG.debug("outbox recovered: {} pending, {} bytes cut", pending.size(), cutBytes);
        return v1;
    }

    private static boolean allZero(ByteBuffer b, int from) {
        for (int i = from; i < b.limit(); i++) {
            if (b.get(i) != 0) {
                return false;
            }
        }
        return true;
    }

    private void cut(long pos, long limit, String why) {
        cutBytes = limit - pos;
        LOG.warn("outbox journal: cutting a torn tail of {} bytes at {} ({})", cutBytes, pos, why);
    }

    private static Entry decode(long seq, byte[] plain, long pos) throws CorruptOutboxException {
        ByteBuffer b = ByteBuffer.wrap(plain);
        if (b.remaining() < 5) {
            throw new CorruptOutboxException("record too short", pos);
        }
        b.get(); // flags, reserved
        int tl = b.getInt();
        if (tl < 0 || tl > b.remaining()) {
            throw new CorruptOutboxException("record topic length out of range", pos);
        }
        byte[] t = new byte[tl];
        b.get(t);
        byte[] payload = new byte[b.remaining()];
        b.get(payload);
        return new Entry(seq, new String(t, StandardCharsets.UTF_8), payload);
    }

    /** Associated data of one record: the prefix, its type and sequence number. Guarded by the cipher's lock. */
    private final byte[] aad = java.util.Arrays.copyOf(AAD_PREFIX, AAD_PREFIX.length + 9);

    private void initCipher(int mode, SecretKey k, byte type, long seq, byte[] nonce) throws GeneralSecurityException {
        cipher.init(mode, k, new GCMParameterSpec(TAG * 8, nonce));
        aad[AAD_PREFIX.length] = type;
        for (int i = 0; i < 8; i++) {
            aad[AAD_PREFIX.length + 1 + i] = (byte) (seq >>> (56 - 8 * i));
        }
        cipher.updateAAD(aad);
    }

    private byte[] decrypt(SecretKey k, byte type, long seq, byte[] nonce, byte[] input) throws AEADBadTagException {
        synchronized (cipher) {
            try {
                initCipher(Cipher.DECRYPT_MODE, k, type, seq, nonce);
                return cipher.doFinal(input);
            } catch (AEADBadTagException e) {
                throw e;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM failed: " + e.getClass().getSimpleName(), e);
            }
        }
    }

    /**
     * An encrypted, checksummed record under the current data key, ciphertext written straight
     * into the record (no intermediate copies). When a new generation is due, the returned buffer
     * holds its KEY record first, then this record. Caller holds writeLock.
     */
    private ByteBuffer record(byte type, long seq, byte[] plain) {
        synchronized (cipher) {
            byte[] keyRecord = null;
            if (dataKey == null || dataCount >= rotateAfter) {
                keyRecord = newGeneration(seq);
            }
            long n = dataCount++;
            for (int i = 0; i < 8; i++) {
                dataNonce[NONCE_PREFIX + i] = (byte) (n >>> (56 - 8 * i));
            }
            int len = 1 + 8 + NONCE + plain.length + TAG;
            int at = keyRecord == null ? 0 : keyRecord.length;
            byte[] out = new byte[at + 8 + len];
            if (keyRecord != null) {
                System.arraycopy(keyRecord, 0, out, 0, at);
            }
            encryptInto(out, at, dataKey, type, seq, dataNonce, plain);
            return ByteBuffer.wrap(out);
        }
    }

    /** Starts a key generation: a fresh data key and nonce prefix; returns its KEY record (under the outbox key). */
    private byte[] newGeneration(long seq) {
        byte[] material = new byte[NONCE_PREFIX + DATA_KEY];
        random.nextBytes(material);
        try {
            byte[] rec = new byte[8 + 1 + 8 + NONCE + material.length + TAG];
            encryptInto(rec, 0, key, KEY, seq, nextNonce(), material);
            dataKey = new javax.crypto.spec.SecretKeySpec(material, NONCE_PREFIX, DATA_KEY, "AES");
            System.arraycopy(material, 0, dataNonce, 0, NONCE_PREFIX);
            dataCount = 0;
            generations.incrementAndGet();
            return rec;
        } finally {
            java.util.Arrays.fill(material, (byte) 0);
        }
    }

    /** Writes one record ({@code [len][crc][type][seq][nonce][ciphertext+tag]}) at {@code at}. Caller holds the cipher's lock. */
    private void encryptInto(byte[] out, int at, SecretKey k, byte type, long seq, byte[] nonce, byte[] plain) {
        int len = 1 + 8 + NONCE + plain.length + TAG;
        ByteBuffer b = ByteBuffer.wrap(out, at, 8 + len);
        b.putInt(len).putInt(0).put(type).putLong(seq).put(nonce);
        try {
            initCipher(Cipher.ENCRYPT_MODE, k, type, seq, nonce);
            cipher.doFinal(plain, 0, plain.length, out, at + 8 + 1 + 8 + NONCE);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed: " + e.getClass().getSimpleName(), e);
        }
        Crc32c c = new Crc32c();
        c.update(out, at + 8, len);
        ByteBuffer.wrap(out).putInt(at + 4, (int) c.getValue());
    }

    /** Key generations started by this instance (KEY records written, compactions included). */
    long generationsStarted() {
        return generations.get();
    }

    /**
     * Appends a message and returns its sequence number once the record is on disk (fsynced).
     *
     * @throws OutboxFullException when the message would exceed the count or byte limit
     * @throws IOException when writing or syncing fails; the message then is not known to be
     *     durable, but it stays queued: a later successful fsync (of any append) makes it durable
     *     and it is sent. Never lost silently; publishing it again may deliver it twice.
     */
    public long append(String topic, byte[] payload) throws IOException {
        return appendAll(List.of(topic), List.of(payload))[0];
    }

    /**
     * Appends several messages with one write and one fsync, all or none: when the batch would
     * exceed a limit nothing is appended. Returns their sequence numbers, in order.
     *
     * @throws OutboxFullException when the batch would exceed the count or byte limit
     * @throws IOException when writing or syncing fails
     */
    public long[] appendAll(List<String> topics, List<byte[]> payloads) throws IOException {
        long[] seqs = appendAllUnsynced(topics, payloads);
        if (seqs.length > 0) {
            syncUpTo(seqs[seqs.length - 1]);
        }
        return seqs;
    }

    /**
     * Appends several messages, all or none, without waiting for an fsync: the records are
     * encrypted and checksummed at once, and written and fsynced by the next {@link #syncUpTo} (by
     * any thread; concurrent callers share one write and one fsync). They are durable only once
     * {@link #isDurable} says so.
     *
     * @throws OutboxFullException when the batch would exceed the count or byte limit
     * @throws IOException when writing fails
     */
    public long[] appendAllUnsynced(List<String> topics, List<byte[]> payloads) throws IOException {
        if (topics.size() != payloads.size()) {
            throw new IllegalArgumentException("topics and payloads differ in length");
        }
        int n = topics.size();
        long[] seqs = new long[n];
        if (n == 0) {
            return seqs;
        }
        byte[][] t = new byte[n][];
        long size = 0;
        for (int i = 0; i < n; i++) {
            t[i] = topics.get(i).getBytes(StandardCharsets.UTF_8);
            size += (long) t[i].length + payloads.get(i).length;
        }
        synchronized (writeLock) {
            ensureOpen();
            synchronized (ackLock) {
                if (pendingCount.get() + (long) n > maxMessages || bytes + size > maxBytes) {
                    throw new OutboxFullException(pendingCount.get(), bytes, maxMessages, maxBytes);
                }
                // reserved now; only this thread (holding writeLock) appends
                bytes += size;
            }
            List<ByteBuffer> recs = new ArrayList<>(n + 1);
            ByteBuffer acks = ackRecord();
            int total = 0;
            if (acks != null) {
                recs.add(acks);
                total += acks.remaining();
            }
            for (int i = 0; i < n; i++) {
                seqs[i] = nextSeq + i;
                byte[] payload = payloads.get(i);
                ByteBuffer plain = ByteBuffer.allocate(5 + t[i].length + payload.length);
                plain.put((byte) 0).putInt(t[i].length).put(t[i]).put(payload);
                ByteBuffer rec = record(APPEND, seqs[i], plain.array());
                recs.add(rec);
                total += rec.remaining();
            }
            buffered.addAll(recs);
            bufferedBytes += total;
            nextSeq += n;
            pendingCount.addAndGet(n);
            for (int i = 0; i < n; i++) {
                pending.put(seqs[i], new Entry(seqs[i], topics.get(i), payloads.get(i).clone()));
            }
            appendedSeq = seqs[n - 1];
        }
        return seqs;
    }

    private void writeFully(ByteBuffer rec) throws IOException {
        long at = written;
        try {
            while (rec.hasRemaining()) {
                at += channel.write(rec, at);
            }
        } catch (IOException e) {
            channel.truncate(written);
            throw e;
        }
        written = at;
    }

    /**
     * Returns once every record up to sequence number {@code seq} is fsynced. One fsync covers
     * every record written before it starts, so concurrent callers (group commit) share it.
     */
    public void syncUpTo(long seq) throws IOException {
        while (syncedSeq < seq) {
            if (writtenSeq < seq) {
                synchronized (writeLock) {
                    ensureOpen();
                    if (writtenSeq < seq) {
                        writeBuffered();
                    }
                }
            }
            if (syncing.compareAndSet(false, true)) {
                // leader: one fsync for everything written so far
                try {
                    synchronized (syncLock) {
                        if (syncedSeq < seq) {
                            // Read before the fsync: every record up to these marks was written before it starts.
                            long upToSeq = writtenSeq;
                            long upTo = written;
                            SyncObserver observer = syncObserver;
                            if (observer != null) {
                                observer.beforeSync(upToSeq);
                            }
                            channel.force(false);
                            if (observer != null) {
                                observer.synced(upToSeq);
                            }
                            fsyncs.incrementAndGet();
                            synced = upTo;
                            syncedSeq = upToSeq;
                        }
                    }
                } finally {
                    syncing.set(false);
                    // wake every follower at once (not one after another through a monitor)
                    for (Thread t = syncWaiters.poll(); t != null; t = syncWaiters.poll()) {
                        LockSupport.unpark(t);
                    }
                }
            } else {
                // follower: wait for the leader's fsync, then check whether it covered this record
                Thread me = Thread.currentThread();
                syncWaiters.add(me);
                if (syncing.get() && syncedSeq < seq) {
                    LockSupport.parkNanos(this, FOLLOWER_PARK_NANOS);
                }
                syncWaiters.remove(me);
            }
        }
    }

    /** Fsyncs every record appended so far (no-op when all are durable). */
    public void syncAll() throws IOException {
        syncUpTo(appendedSeq);
    }

    /** Writes the buffered records in one call (caller holds writeLock); on failure they stay buffered. */
    private void writeBuffered() throws IOException {
        if (buffered.isEmpty()) {
            return;
        }
        ByteBuffer all = ByteBuffer.allocate(bufferedBytes);
        for (ByteBuffer r : buffered) {
            all.put(r.duplicate());
        }
        ((Buffer) all).flip();
        writeFully(all);
        buffered.clear();
        bufferedBytes = 0;
        writtenSeq = appendedSeq;
    }

    /** Fsyncs of appended records so far (group commit makes this fewer than the appends). */
    public long fsyncCount() {
        return fsyncs.get();
    }

    /** The highest sequence number up to which every record is fsynced. */
    public long durableSeq() {
        return syncedSeq;
    }

    /** Whether message {@code seq}'s record is fsynced. */
    public boolean isDurable(long seq) {
        return syncedSeq >= seq;
    }

    /** Whether some appended record still waits for an fsync. */
    public boolean hasUnsynced() {
        return appendedSeq > syncedSeq;
    }

    /**
     * Records that the broker acknowledged message {@code seq}; it leaves the outbox. Unknown
     * numbers are ignored (an acknowledgement can arrive twice after a reconnect).
     */
    public void acknowledge(long seq) throws IOException {
        ensureOpen();
        Entry e = pending.remove(seq);
        if (e == null) {
            return;
        }
        pendingCount.decrementAndGet();
        boolean flush;
        boolean compactDue;
        synchronized (ackLock) {
            bytes -= e.size();
            unwrittenAcks.add(seq);
            deadRecords++;
            flush = unwrittenAcks.size() >= ACK_BATCH;
            compactDue = compactionDue();
        }
        if (flush || compactDue) {
            synchronized (writeLock) {
                ensureOpen();
                boolean stillDue;
                synchronized (ackLock) {
                    stillDue = compactionDue();
                }
                if (stillDue) {
                    compact();
                } else {
                    flushAcks();
                }
            }
        }
    }

    /** Caller holds ackLock. */
    private boolean compactionDue() {
        // rewriting costs one record per pending message: wait for four dead records per live one
        return deadRecords >= 1024 && deadRecords > 4L * pendingCount.get();
    }

    /**
     * Acknowledgements are batched: written with the next append (same write call), every
     * {@value #ACK_BATCH} acknowledgements, at compaction and at close. A crash can lose the
     * unwritten ones; those messages are then delivered once more (at least once, never lost).
     */
    private ByteBuffer ackRecord() {
        ByteBuffer list;
        long first;
        synchronized (ackLock) {
            if (unwrittenAcks.isEmpty()) {
                return null;
            }
            list = ByteBuffer.allocate(8 * unwrittenAcks.size());
            for (long a : unwrittenAcks) {
                list.putLong(a);
            }
            first = unwrittenAcks.get(0);
            unwrittenAcks.clear();
            deadRecords++;
        }
        return record(ACKS, first, list.array());
    }

    private void flushAcks() throws IOException {
        // Buffered records go first: they may hold the KEY record the acknowledgements are encrypted under.
        writeBuffered();
        ByteBuffer acks = ackRecord();
        if (acks != null) {
            writeFully(acks);
        }
    }

    /** Rewrites the journal with only the pending messages (atomic: temp file, fsync, rename, fsync dir). */
    public void compact() throws IOException {
        synchronized (writeLock) {
            synchronized (ackLock) {
                compactLocked();
            }
        }
    }

    /** Holding writeLock and ackLock: no append and no acknowledgement runs meanwhile. */
    private void compactLocked() throws IOException {
        {
            ensureOpen();
            // The old journal gets every buffered record first: should the rename fail, it still holds them all.
            writeBuffered();
            unwrittenAcks.clear(); // the rewrite holds only pending messages
            Path tmp = dir.resolve(FILE + ".tmp");
            try (FileChannel out = FileChannel.open(tmp, WRITE_CREATE_TRUNCATE, ownerOnly(tmp))) {
                // records are gathered into large writes, not one system call each
                ByteBuffer chunk = ByteBuffer.allocate(COMPACTION_CHUNK);
                chunk.put(MAGIC);
                synchronized (cipher) {
                    dataKey = null; // the rewrite starts its own generation
                }
                chunk = put(out, chunk, record(BASE, nextSeq - 1, new byte[0]));
                for (Entry e : pending.values()) {
                    byte[] t = e.topic.getBytes(StandardCharsets.UTF_8);
                    ByteBuffer plain = ByteBuffer.allocate(5 + t.length + e.payload.length);
                    plain.put((byte) 0).putInt(t.length).put(t).put(e.payload);
                    chunk = put(out, chunk, record(APPEND, e.seq, plain.array()));
                }
                ((Buffer) chunk).flip();
                while (chunk.hasRemaining()) {
                    out.write(chunk);
                }
                out.force(true);
            }
            synchronized (syncLock) {
                lock.release();
                channel.close();
                boolean replaced = false;
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    fsyncDirectory();
                    replaced = true;
                } finally {
                    channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
                    lock = channel.tryLock();
                    written = channel.size();
                    if (!replaced) {
                        // The old journal does not hold the rewrite's KEY record: the next record starts another generation.
                        synchronized (cipher) {
                            dataKey = null;
                        }
                    }
                    if (replaced) {
                        // the rewrite holds every pending record, fsynced
                        synced = written;
                        syncedSeq = appendedSeq;
                        SyncObserver observer = syncObserver;
                        if (observer != null) {
                            observer.synced(appendedSeq);
                        }
                    }
                }
            }
            deadRecords = 0;
        }
    }

    private static final int COMPACTION_CHUNK = 256 * 1024;

    /** Adds a record to the chunk, writing the chunk out first when it is full; returns the chunk to go on with. */
    private static ByteBuffer put(FileChannel out, ByteBuffer chunk, ByteBuffer rec) throws IOException {
        if (rec.remaining() > chunk.remaining()) {
            ((Buffer) chunk).flip();
            while (chunk.hasRemaining()) {
                out.write(chunk);
            }
            ((Buffer) chunk).clear();
            if (rec.remaining() > chunk.remaining()) {
                while (rec.hasRemaining()) {
                    out.write(rec);
                }
                return chunk;
            }
        }
        chunk.put(rec);
        return chunk;
    }

    private void fsyncDirectory() throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (AccessDeniedException e) {
            throw e;
        } catch (FileSystemException | UnsupportedOperationException e) {
            LOG.debug("directory fsync not supported here: {}", e.toString());
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("outbox is closed");
        }
    }

    /** The pending messages in order, a snapshot. */
    public List<Entry> pending() {
        return new ArrayList<>(pending.values());
    }

    /** The first pending message with a sequence number above {@code seq}. */
    public Optional<Entry> nextAfter(long seq) {
        Map.Entry<Long, Entry> e = pending.higherEntry(seq);
        return e == null ? Optional.empty() : Optional.of(e.getValue());
    }

    public boolean isPending(long seq) {
        return pending.containsKey(seq);
    }

    public int size() {
        return pendingCount.get();
    }

    public long bytes() {
        synchronized (ackLock) {
            return bytes;
        }
    }

    /** Bytes cut from a torn tail during the last recovery. */
    public long recoveredTornBytes() {
        return cutBytes;
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() throws IOException {
        synchronized (writeLock) {
            if (closed) {
                return;
            }
            closed = true;
            try {
                writeBuffered();
                flushAcks();
                channel.force(false);
            } finally {
                try {
                    if (lock != null && lock.isValid()) {
                        lock.release();
                    }
                } finally {
                    channel.close();
                }
            }
        }
    }

    private static final Set<OpenOption> READ_WRITE_CREATE = Collections.unmodifiableSet(EnumSet.of(
            StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE));
    private static final Set<OpenOption> WRITE_CREATE_TRUNCATE = Collections.unmodifiableSet(EnumSet.of(
            StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE));

    /** Owner-only read and write for a file created here, where the file system has POSIX permissions. */
    private static FileAttribute<?>[] ownerOnly(Path p) {
        if (p.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
                    EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE))};
        }
        return new FileAttribute<?>[0];
    }

    /** Narrows an existing file to owner-only read and write where the file system has POSIX permissions. */
    private static void restrictToOwner(Path p) throws IOException {
        if (p.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(p, EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
        }
    }
}
