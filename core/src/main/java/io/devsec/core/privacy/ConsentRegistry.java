package io.devsec.core.privacy;

import io.devsec.storage.Keystore;
import io.devsec.storage.KeystoreException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer's consent for each purpose of personal-data processing (provision 4.8): granted and
 * withdrawn at any time, with the time of each change from the injected {@link Clock}.
 *
 * <p>The records are persisted in the encrypted keystore under {@value #ENTRY} (AES-256-GCM, written
 * atomically and durably before {@link #grant} or {@link #withdraw} returns), so they survive restarts
 * and a crash leaves the old or the new state. The purposes themselves are the application's
 * configuration, passed to {@link #open} at each start; consent recorded for a purpose that is no longer
 * configured is kept but not reported.
 *
 * <p>Listeners (such as {@link ConsentGate}) are told of each change after it is durable, on the
 * caller's thread. Thread-safe.
 */
public final class ConsentRegistry {
    /** Made on first use: a normal start logs nothing, so it never initialises SLF4J. */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(ConsentRegistry.class);
    }

    /** The keystore entry holding the consent records. */
    public static final String ENTRY = "privacy/consents";

    private static final int FORMAT = 1;
    private static final int MAX_RECORDS = 1024;

    /** Told of every consent change, after it is durable. */
    public interface Listener {
        void consentChanged(ConsentRecord record);
    }

    private final Keystore keystore;
    private final Clock clock;
    private final Map<String, Purpose> purposes;
    private final Map<String, ConsentRecord> records;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    private ConsentRegistry(Keystore keystore, Clock clock, Map<String, Purpose> purposes, Map<String, ConsentRecord> records) {
        this.keystore = keystore;
        this.clock = clock;
        this.purposes = purposes;
        this.records = records;
    }

    /**
     * Opens the registry kept in {@code keystore} for these purposes.
     *
     * @param purposes every purpose the application processes personal data for; ids must be unique
     * @throws CorruptPersonalDataException when the stored records cannot be decoded
     * @throws KeystoreException when the keystore cannot be read
     * @throws IllegalArgumentException when purposes is empty or holds a duplicate id
     */
    public static ConsentRegistry open(Keystore keystore, List<Purpose> purposes, Clock clock)
            throws KeystoreException, CorruptPersonalDataException {
        Objects.requireNonNull(keystore, "keystore");
        Objects.requireNonNull(purposes, "purposes");
        Objects.requireNonNull(clock, "clock");
        if (purposes.isEmpty()) {
            throw new IllegalArgumentException("purposes must not be empty");
        }
        Map<String, Purpose> byId = new LinkedHashMap<>();
        for (Purpose p : purposes) {
            Objects.requireNonNull(p, "purposes element");
            if (byId.put(p.id(), p) != null) {
                throw new IllegalArgumentException("purposes holds the id '" + p.id() + "' twice");
            }
        }
        Map<String, ConsentRecord> records = new LinkedHashMap<>();
        Optional<byte[]> stored = keystore.secret(ENTRY);
        if (stored.isPresent()) {
            records.putAll(decode(stored.get()));
        }
        return new ConsentRegistry(keystore, clock, Collections.unmodifiableMap(byId), records);
    }

    /** The configured purposes, in configuration order. */
    public List<Purpose> purposes() {
        return Collections.unmodifiableList(new ArrayList<>(purposes.values()));
    }

    /** The configured purpose with this id. */
    public Optional<Purpose> purpose(String purposeId) {
        return Optional.ofNullable(purposes.get(purposeId));
    }

    /** The consent record of a configured purpose ({@link ConsentState#NOT_GIVEN} when never decided). */
    public synchronized ConsentRecord record(String purposeId) {
        requireConfigured(purposeId);
        ConsentRecord r = records.get(purposeId);
        return r == null ? ConsentRecord.notGiven(purposeId) : r;
    }

    /** The records of every configured purpose, in configuration order. */
    public synchronized List<ConsentRecord> records() {
        List<ConsentRecord> out = new ArrayList<>();
        for (String id : purposes.keySet()) {
            out.add(record(id));
        }
        return Collections.unmodifiableList(out);
    }

    public ConsentState state(String purposeId) {
        return record(purposeId).state();
    }

    /**
     * Passes when the consumer has granted consent for the purpose.
     *
     * @throws ConsentMissingException when consent is {@link ConsentState#NOT_GIVEN} or {@link ConsentState#WITHDRAWN}
     * @throws IllegalArgumentException when the purpose is not configured
     */
    public void check(String purposeId) throws ConsentMissingException {
        ConsentState s = state(purposeId);
        if (s != ConsentState.GRANTED) {
            throw new ConsentMissingException(purposeId, s);
        }
    }

    /**
     * Records the consumer's consent for a purpose, durably, then tells the listeners. Granting again
     * updates the grant time.
     *
     * @throws IOException when the keystore cannot be written (consent is then not recorded)
     * @throws KeystoreException when the keystore cannot be read or written
     */
    public ConsentRecord grant(String purposeId) throws IOException, KeystoreException {
        ConsentRecord updated;
        synchronized (this) {
            ConsentRecord old = record(purposeId);
            updated = new ConsentRecord(purposeId, ConsentState.GRANTED, clock.instant(), old.withdrawnAt().orElse(null));
            persist(purposeId, updated);
        }
        Log.LOG.info("Consent granted for purpose {}", purposeId);
        notifyListeners(updated);
        return updated;
    }

    /**
     * Records that the consumer withdrew consent for a purpose, durably, then tells the listeners.
     * Allowed at any time, also when consent was never given.
     *
     * @throws IOException when the keystore cannot be written (the withdrawal is then not recorded)
     * @throws KeystoreException when the keystore cannot be read or written
     */
    public ConsentRecord withdraw(String purposeId) throws IOException, KeystoreException {
        ConsentRecord updated;
        synchronized (this) {
            ConsentRecord old = record(purposeId);
            updated = new ConsentRecord(purposeId, ConsentState.WITHDRAWN, old.grantedAt().orElse(null), clock.instant());
            persist(purposeId, updated);
        }
        Log.LOG.info("Consent withdrawn for purpose {}", purposeId);
        notifyListeners(updated);
        return updated;
    }

    public void addListener(Listener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public void removeListener(Listener listener) {
        listeners.remove(listener);
    }

    /** After a wipe destroyed the keystore entry: forget every record in memory; returns how many there were. */
    synchronized int forgetAll() {
        int n = records.size();
        records.clear();
        return n;
    }

    Keystore keystore() {
        return keystore;
    }

    private void notifyListeners(ConsentRecord record) {
        for (Listener l : listeners) {
            l.consentChanged(record);
        }
    }

    private void requireConfigured(String purposeId) {
        if (purposeId == null || !purposes.containsKey(purposeId)) {
            throw new IllegalArgumentException("purpose '" + purposeId + "' is not configured");
        }
    }

    private void persist(String purposeId, ConsentRecord updated) throws IOException, KeystoreException {
        Map<String, ConsentRecord> next = new LinkedHashMap<>(records);
        next.put(purposeId, updated);
        byte[] encoded = encode(next);
        keystore.putSecret(ENTRY, encoded);
        records.put(purposeId, updated);
    }

    static byte[] encode(Map<String, ConsentRecord> records) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeInt(records.size());
            for (ConsentRecord r : records.values()) {
                out.writeUTF(r.purposeId());
                out.writeByte(r.state().ordinal());
                writeInstant(out, r.grantedAt().orElse(null));
                writeInstant(out, r.withdrawnAt().orElse(null));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void writeInstant(DataOutputStream out, Instant t) throws IOException {
        out.writeBoolean(t != null);
        if (t != null) {
            out.writeLong(t.getEpochSecond());
            out.writeInt(t.getNano());
        }
    }

    private static Instant readInstant(DataInputStream in) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        long s = in.readLong();
        int n = in.readInt();
        if (n < 0 || n > 999_999_999) {
            throw new IOException("nanoseconds out of range");
        }
        return Instant.ofEpochSecond(s, n);
    }

    static Map<String, ConsentRecord> decode(byte[] data) throws CorruptPersonalDataException {
        Map<String, ConsentRecord> out = new LinkedHashMap<>();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            int format = in.readUnsignedByte();
            if (format != FORMAT) {
                throw new CorruptPersonalDataException(ENTRY, "unknown format " + format);
            }
            int n = in.readInt();
            if (n < 0 || n > MAX_RECORDS) {
                throw new CorruptPersonalDataException(ENTRY, "record count out of bounds");
            }
            ConsentState[] states = ConsentState.values();
            for (int i = 0; i < n; i++) {
                String id = in.readUTF();
                int s = in.readUnsignedByte();
                if (!Purpose.validId(id) || s >= states.length) {
                    throw new CorruptPersonalDataException(ENTRY, "invalid record " + i);
                }
                out.put(id, new ConsentRecord(id, states[s], readInstant(in), readInstant(in)));
            }
            if (in.read() != -1) {
                throw new CorruptPersonalDataException(ENTRY, "trailing bytes");
            }
        } catch (IOException e) {
            throw new CorruptPersonalDataException(ENTRY, "truncated or malformed");
        }
        return out;
    }
}
