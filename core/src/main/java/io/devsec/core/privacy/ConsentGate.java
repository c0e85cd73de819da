package io.devsec.core.privacy;

import io.devsec.storage.KeystoreException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds back telemetry that carries personal data until the consumer consents to its purpose
 * (provision 4.8).
 *
 * <p>The application passes every outgoing message that carries personal data to {@link #offer}, tagged
 * with its purpose, and publishes it only when the answer is {@link Decision#SEND}. The rules:
 * <ul>
 *   <li>Consent {@link ConsentState#GRANTED}: {@code SEND} (or {@code HELD} behind earlier held
 *       messages of that purpose that could not be released yet, so order is kept).</li>
 *   <li>Consent {@link ConsentState#NOT_GIVEN} (the consumer has not decided yet): {@code HELD}. Held
 *       messages are sealed in the {@link PersonalDataStore} (AES-256-GCM, one item per purpose), so they
 *       survive a restart and are erased by a wipe. The queue of each purpose is bounded
 *       ({@link Builder#maxHeldMessages}, {@link Builder#maxHeldBytes}): when full, the oldest message
 *       is dropped and counted in {@link #droppedCount()}.</li>
 *   <li>When consent is granted, the held messages of the purpose are handed, oldest first, to the
 *       release {@link Sink} before {@link ConsentRegistry#grant} returns. A message the sink refuses
 *       (throws) stays held with those after it; {@link #releaseHeld()} retries.</li>
 *   <li>Consent {@link ConsentState#WITHDRAWN}: {@code DROPPED}. The consumer said no, so nothing is
 *       kept in the hope of a later yes; on withdrawal the held messages of the purpose are dropped too.
 *       Every dropped message is counted.</li>
 * </ul>
 * Messages without personal data do not go through the gate.
 *
 * <p>Cost: each held message rewrites its purpose's sealed queue (bounded by {@code maxHeldBytes},
 * 256 KiB by default), one durable file write. Thread-safe.
 */
public final class ConsentGate {
    /** Made on first use: a normal start logs nothing, so it never initialises SLF4J. */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(ConsentGate.class);
    }

    static final String ITEM_PREFIX = "held.";
    private static final int FORMAT = 1;

    /** What the application does with an offered message. */
    public enum Decision {
        /** Consent is granted: publish the message now. */
        SEND,
        /** No decision yet (or earlier messages still wait): the gate keeps the message, do not publish it. */
        HELD,
        /** Consent was withdrawn: the message is discarded, do not publish it. */
        DROPPED
    }

    /** Receives held messages when their purpose gets consent, oldest first. */
    public interface Sink {
        /** Publishes a released message; throwing keeps it (and those after it) held. */
        void send(String purposeId, String topic, byte[] payload) throws IOException;
    }

    private static final class Held {
        final String topic;
        final byte[] payload;

        Held(String topic, byte[] payload) {
            this.topic = topic;
            this.payload = payload;
        }

        long size() {
            return topic.length() * 3L + payload.length;
        }
    }

    private final ConsentRegistry registry;
    private final PersonalDataStore store;
    private final Sink sink;
    private final int maxHeldMessages;
    private final long maxHeldBytes;
    private final Map<String, Deque<Held>> queues = new LinkedHashMap<>();
    private long dropped;
    private long released;

    private ConsentGate(Builder b) {
        this.registry = b.registry;
        this.store = b.store;
        this.sink = b.sink;
        this.maxHeldMessages = b.maxHeldMessages;
        this.maxHeldBytes = b.maxHeldBytes;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Decides what happens to one message carrying personal data for {@code purposeId}.
     *
     * @throws IllegalArgumentException when the purpose is not configured in the registry
     * @throws IOException when a held message cannot be written to the store (it is then not held:
     *     do not publish it either)
     * @throws KeystoreException when the personal-data key cannot be read or created
     */
    public synchronized Decision offer(String purposeId, String topic, byte[] payload) throws IOException, KeystoreException {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        ConsentState state = registry.state(purposeId);
        if (state == ConsentState.WITHDRAWN) {
            dropped++;
            return Decision.DROPPED;
        }
        Deque<Held> q = queue(purposeId);
        if (state == ConsentState.GRANTED) {
            if (!q.isEmpty()) {
                release(purposeId);
            }
            if (q.isEmpty()) {
                return Decision.SEND;
            }
        }
        Held h = new Held(topic, payload.clone());
        if (h.size() > maxHeldBytes) {
            dropped++;
            Log.LOG.debug("Dropped a personal data message for purpose {} larger than the hold limit", purposeId);
            return Decision.DROPPED;
        }
        Deque<Held> next = new ArrayDeque<>(q);
        next.addLast(h);
        long overflow = 0;
        while (next.size() > maxHeldMessages || bytes(next) > maxHeldBytes) {
            next.removeFirst();
            overflow++;
        }
        persist(purposeId, next);
        queues.put(purposeId, next);
        dropped += overflow;
        return Decision.HELD;
    }

    /** Retries releasing the held messages of every purpose that has consent now. */
    public synchronized void releaseHeld() throws IOException, KeystoreException {
        for (String id : queues.keySet().toArray(new String[0])) {
            if (registry.state(id) == ConsentState.GRANTED) {
                release(id);
            }
        }
    }

    /** How many messages of this purpose are held now. */
    public synchronized int heldCount(String purposeId) {
        registry.state(purposeId);
        Deque<Held> q = queues.get(purposeId);
        return q == null ? 0 : q.size();
    }

    /** Messages dropped since this gate was built: withdrawn consent, overflow, oversize. */
    public synchronized long droppedCount() {
        return dropped;
    }

    /** Held messages handed to the sink since this gate was built. */
    public synchronized long releasedCount() {
        return released;
    }

    /** After a wipe deleted the store's files: forget the held messages; returns how many there were. */
    synchronized int forgetHeld() {
        int n = 0;
        for (Deque<Held> q : queues.values()) {
            n += q.size();
        }
        queues.clear();
        return n;
    }

    private void onConsentChanged(ConsentRecord record) {
        synchronized (this) {
            try {
                if (record.state() == ConsentState.GRANTED) {
                    release(record.purposeId());
                } else if (record.state() == ConsentState.WITHDRAWN) {
                    Deque<Held> q = queue(record.purposeId());
                    int n = q.size();
                    if (n > 0) {
                        store.delete(itemName(record.purposeId()));
                        queues.put(record.purposeId(), new ArrayDeque<>());
                        dropped += n;
                        Log.LOG.info("Consent withdrawn for purpose {}: dropped {} held messages", record.purposeId(), n);
                    }
                }
            } catch (IOException | KeystoreException e) {
                // Consent itself is recorded; the queue stays as it is and releaseHeld() retries.
                Log.LOG.warn("Could not update held messages of purpose {} after a consent change: {}",
                        record.purposeId(), e.toString());
            }
        }
    }

    private void release(String purposeId) throws IOException, KeystoreException {
        Deque<Held> q = queue(purposeId);
        if (q.isEmpty()) {
            return;
        }
        Deque<Held> remaining = new ArrayDeque<>(q);
        int sent = 0;
        IOException failure = null;
        while (!remaining.isEmpty()) {
            Held h = remaining.peekFirst();
            try {
                sink.send(purposeId, h.topic, h.payload.clone());
            } catch (IOException e) {
                failure = e;
                break;
            }
            remaining.removeFirst();
            sent++;
        }
        if (sent > 0) {
            released += sent;
            persist(purposeId, remaining);
            queues.put(purposeId, remaining);
            Log.LOG.info("Released {} held messages of purpose {}", sent, purposeId);
        }
        if (failure != null) {
            Log.LOG.warn("Release of held messages of purpose {} stopped; {} still held: {}", purposeId, remaining.size(),
                    failure.toString());
        }
    }

    private Deque<Held> queue(String purposeId) {
        Deque<Held> q = queues.get(purposeId);
        if (q == null) {
            q = new ArrayDeque<>();
            queues.put(purposeId, q);
        }
        return q;
    }

    private void persist(String purposeId, Deque<Held> q) throws IOException, KeystoreException {
        if (q.isEmpty()) {
            store.delete(itemName(purposeId));
            return;
        }
        byte[] encoded = encode(q);
        try {
            store.put(itemName(purposeId), encoded);
        } finally {
            Arrays.fill(encoded, (byte) 0);
        }
    }

    private static long bytes(Deque<Held> q) {
        long n = 0;
        for (Held h : q) {
            n += h.size();
        }
        return n;
    }

    static String itemName(String purposeId) {
        return ITEM_PREFIX + purposeId;
    }

    private static byte[] encode(Deque<Held> q) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeInt(q.size());
            for (Held h : q) {
                out.writeUTF(h.topic);
                out.writeInt(h.payload.length);
                out.write(h.payload);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private Deque<Held> decode(String item, byte[] data) throws CorruptPersonalDataException {
        Deque<Held> q = new ArrayDeque<>();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            if (in.readUnsignedByte() != FORMAT) {
                throw new CorruptPersonalDataException(item, "unknown format");
            }
            int n = in.readInt();
            if (n < 0 || n > maxHeldMessages) {
                throw new CorruptPersonalDataException(item, "message count out of bounds");
            }
            for (int i = 0; i < n; i++) {
                String topic = in.readUTF();
                int len = in.readInt();
                if (len < 0 || len > maxHeldBytes) {
                    throw new CorruptPersonalDataException(item, "message length out of bounds");
                }
                byte[] p = new byte[len];
                in.readFully(p);
                q.addLast(new Held(topic, p));
            }
            if (in.read() != -1) {
                throw new CorruptPersonalDataException(item, "trailing bytes");
            }
        } catch (IOException e) {
            throw new CorruptPersonalDataException(item, "truncated or malformed");
        }
        return q;
    }

    /** Builds a {@link ConsentGate}; registry, store and sink are required. */
    public static final class Builder {
        private ConsentRegistry registry;
        private PersonalDataStore store;
        private Sink sink;
        private int maxHeldMessages = 256;
        private long maxHeldBytes = 256 * 1024;

        private Builder() {}

        public Builder registry(ConsentRegistry registry) {
            this.registry = registry;
            return this;
        }

        /** Where held messages are sealed; must share the registry's keystore. */
        public Builder store(PersonalDataStore store) {
            this.store = store;
            return this;
        }

        /** Receives released messages (typically: publish through transport). */
        public Builder releaseSink(Sink sink) {
            this.sink = sink;
            return this;
        }

        /** Most messages held per purpose, 1 to 100,000; default 256. */
        public Builder maxHeldMessages(int maxHeldMessages) {
            this.maxHeldMessages = maxHeldMessages;
            return this;
        }

        /** Most bytes held per purpose, 1 to 8 MiB; default 256 KiB. */
        public Builder maxHeldBytes(long maxHeldBytes) {
            this.maxHeldBytes = maxHeldBytes;
            return this;
        }

        /**
         * Validates, loads the messages held before a restart and registers the gate with the registry
         * (releasing at once what already has consent, as far as the sink accepts it).
         *
         * @throws IllegalArgumentException naming the missing or invalid field
         * @throws CorruptPersonalDataException when a held queue fails its integrity check
         * @throws IOException when the held queues cannot be read
         * @throws KeystoreException when the keystore cannot be read
         */
        public ConsentGate build() throws IOException, KeystoreException, CorruptPersonalDataException {
            if (registry == null) {
                throw new IllegalArgumentException("registry is required");
            }
            if (store == null) {
                throw new IllegalArgumentException("store is required");
            }
            if (sink == null) {
                throw new IllegalArgumentException("releaseSink is required");
            }
            if (maxHeldMessages < 1 || maxHeldMessages > 100_000) {
                throw new IllegalArgumentException("maxHeldMessages must be 1 to 100000");
            }
            if (maxHeldBytes < 1 || maxHeldBytes > 8L * 1024 * 1024) {
                throw new IllegalArgumentException("maxHeldBytes must be 1 to 8 MiB");
            }
            if (registry.keystore() != store.keystore()) {
                throw new IllegalArgumentException("store must use the same keystore as the registry");
            }
            ConsentGate gate = new ConsentGate(this);
            for (Purpose p : registry.purposes()) {
                String item = itemName(p.id());
                Optional<byte[]> data = store.get(item);
                if (data.isPresent()) {
                    try {
                        gate.queues.put(p.id(), gate.decode(item, data.get()));
                    } finally {
                        Arrays.fill(data.get(), (byte) 0);
                    }
                }
            }
            registry.addListener(gate::onConsentChanged);
            synchronized (gate) {
                for (Purpose p : registry.purposes()) {
                    if (registry.state(p.id()) == ConsentState.WITHDRAWN && !gate.queue(p.id()).isEmpty()) {
                        gate.onConsentChanged(registry.record(p.id()));
                    }
                }
                gate.releaseHeld();
            }
            return gate;
        }
    }
}
