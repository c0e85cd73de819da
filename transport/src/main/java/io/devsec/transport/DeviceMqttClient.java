package io.devsec.transport;

import io.devsec.transport.internal.CoalescingSocketFactory;
import io.devsec.transport.internal.MqttPacketLimiter;
import io.devsec.transport.internal.InboundGate;
import io.devsec.transport.internal.MqttSession;
import io.devsec.transport.internal.OutboxJournal;
import io.devsec.transport.internal.PahoErrors;
import io.devsec.transport.internal.PahoV3Session;
import io.devsec.transport.internal.PahoV5Session;
import io.devsec.transport.internal.SessionSettings;
import java.io.IOException;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509KeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A device's MQTT client: mutual TLS from a {@link DeviceTlsContext}, a topic namespace, checked
 * inbound messages, a persisted encrypted outbox and DevSec's own reconnect policy, over Eclipse
 * Paho (MQTT 5 by default, 3.1.1 on request).
 *
 * <p>What it guarantees:
 * <ul>
 *   <li>A QoS 1 {@link #publish} returns only when the message is fsynced in the outbox; it is
 *       then delivered at least once, in publish order, across broker outages and process
 *       restarts. A full outbox fails the call with {@link OutboxFullException}: nothing is dropped.
 *       Concurrent publishes share one fsync (group commit).
 *   <li>{@link #publishAsync} returns once the message is encrypted and queued for the outbox; it
 *       is fsynced (with everything queued meanwhile, by one DevSec thread) before it is sent, so
 *       the broker never acknowledges a message the device could still lose.
 *   <li>Every topic and filter is checked against the {@link TopicNamespace} before anything is
 *       sent; a refusal is a {@link TopicOutsideNamespaceException} and a security event.
 *   <li>Inbound messages pass a size limit, the topic checks and one subscription match, then
 *       the subscription's own decoder ({@link InboundSubscription}) or the {@link MessageValidator}
 *       before any handler; a failing message is dropped and reported as a security event. With
 *       {@link Builder#noLocal}, the client's own publishes echoed back by a subscription that covers
 *       them are dropped silently (MQTT 5 subscriptions also set No Local). A packet too large for the limit is refused from its
 *       fixed header, before Paho reads or allocates it: the connection is closed, the refusal
 *       reported ({@link InboundPacketTooLargeException}) and the client reconnects; over MQTT 5
 *       CONNECT also tells the broker the Maximum Packet Size.
 *   <li>Over MQTT 5, a PUBACK reason code of 0x80 or more (135: not authorized) completes the
 *       {@link Delivery} with {@link PublishRefusedException} and is reported.
 *   <li>Reconnection follows {@link ReconnectPolicy}: full-jitter exponential backoff, and a
 *       jittered first connect; Paho's own automatic reconnect is off. Subscriptions are
 *       restored after every reconnect.
 * </ul>
 *
 * <p>Warning: QoS 1 means at least once: after a reconnect a message whose acknowledgement was
 * lost is sent again. Receivers that must not act twice should deduplicate.
 */
public final class DeviceMqttClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceMqttClient.class);
    /** Handshake failures that mean the peer cannot meet our TLS settings (not a network hiccup). */
    private static final java.util.regex.Pattern NEGOTIATION_REFUSED = java.util.regex.Pattern.compile(
            "protocol_version|insufficient_security|handshake_failure|No appropriate protocol|no cipher suites in common");
    /** The largest payload DevSec publishes: 16 MiB. */
    public static final int MAX_OUTBOUND_PAYLOAD_BYTES = 16 * 1024 * 1024;

    /**
     * QoS 1 messages in flight by default: more than Paho's 10, so that a link with a long round
     * trip still streams; an MQTT 5 broker's Receive Maximum lowers it (Mosquitto's is 20).
     */
    public static final int DEFAULT_MAX_INFLIGHT = 32;

    /**
     * How long the flush of a publish that closely follows the previous one may be put off, so that
     * the publishes share a TLS record and a system call (see {@link Builder#writeCoalescing}): 100 µs.
     */
    public static final Duration DEFAULT_WRITE_COALESCING = Duration.ofNanos(100_000);

    /**
     * Room for what precedes the payload in an inbound PUBLISH (topic, packet id, MQTT 5
     * properties): 128 KiB. A packet whose remaining length exceeds the payload limit plus this is
     * refused from its fixed header, before its body is read.
     */
    public static final int INBOUND_HEADER_ROOM = 128 * 1024;

    private final String host;
    private final int port;
    private final String clientId;
    private final TopicNamespace namespace;
    private final MqttProtocol protocol;
    private final ReconnectPolicy policy;
    private final Duration keepAlive;
    private final Duration connectTimeout;
    private final int maxInflight;
    private final InboundGate gate;
    /** The largest inbound remaining length: the payload limit plus {@link #INBOUND_HEADER_ROOM}. */
    private final long maxInboundRemainingLength;
    private final TransportEventListener listener;
    private final Clock clock;
    private final Random random;
    private final Duration renewalWindow;
    private final Duration writeCoalescing;
    private final OutboxJournal outbox;
    private final long recoveredMaxSeq;

    private final ScheduledExecutorService control;
    private final Thread sender;
    /** Fsyncs records written by {@link #publishAsync}; started on first use. */
    private final Thread syncer;
    private final java.util.concurrent.atomic.AtomicBoolean syncerStarted = new java.util.concurrent.atomic.AtomicBoolean();
    private final Object syncSignal = new Object();
    /** Written under syncSignal; volatile for publishAsync's lock-free check. */
    private volatile boolean syncWanted;
    private final ReentrantLock lock = new ReentrantLock();
    /** Held while choosing and handing the next message to Paho: keeps the wire in sequence order. */
    private final ReentrantLock sendLock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    private final Map<Long, Delivery> deliveries = new HashMap<>();
    private final Map<Long, Optional<PublishRefusedException>> earlyOutcomes = new HashMap<>();

    // guarded by lock (state is written under it, volatile for the sync thread's lock-free look)
    private volatile ConnectionState state = ConnectionState.NEW;
    private MqttSession session;
    private long epoch;
    private long cursor;
    /** The only topic a quarantined client may use (full name); null when not quarantined. Guarded by lock. */
    private String quarantineTopic;
    /** The lowest queued message held back by the quarantine; Long.MAX_VALUE when none. Guarded by lock. */
    private long firstHeldBack = Long.MAX_VALUE;
    private int inflight;
    /** In flight at most on the current connection: maxInflight, or less when the broker's Receive Maximum says so. */
    private volatile int window = 1;
    /** The last sequence number handed to Paho on the current connection (a copy of cursor for the sync thread). */
    private volatile long sentSeq;
    /** Whether the sync thread is holding back its fsync to cover more messages (see syncLoop). */
    private volatile boolean syncHeld;
    /** The longest the sync thread holds back an fsync that nothing waits for. */
    private static final long MAX_SYNC_HOLD_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** Written under lock; volatile so that isClosed() need not take it. */
    private volatile boolean closed;
    private boolean senderWaiting;

    // control thread only
    private volatile DeviceTlsContext tls;
    private int attempt;
    private Instant connectedAt;
    /** The socket factory of the session newSession() made last; control thread only. */
    private CoalescingSocketFactory lastFactory;
    /** What the current session negotiated; guarded by lock, null when not connected. */
    private TlsSessionFacts tlsFacts;
    private ScheduledFuture<?> pendingConnect;
    private String lastExpiryWarned;

    private static final class Subscription {
        final String filter;
        final Qos qos;
        /** For {@link #subscribe(String, Qos, MessageHandler)}; null for a decoding subscription. */
        final MessageHandler handler;
        /** For {@link #subscribe(InboundSubscription)}; null for a plain one. */
        final InboundSubscription<?> decoding;

        Subscription(String filter, Qos qos, MessageHandler handler, InboundSubscription<?> decoding) {
            this.filter = filter;
            this.qos = qos;
            this.handler = handler;
            this.decoding = decoding;
        }
    }

    /** Whether own publishes are kept from coming back (see {@link Builder#noLocal}). */
    private final boolean noLocal;

    /** The full filter of the reserved subtree, or null. */
    private final String reservedFilter;

    /** Digests of this client's recent publishes (topic and payload), to recognise their echoes. */
    private final OwnPublishes ownPublishes = new OwnPublishes();

    private DeviceMqttClient(Builder b, OutboxJournal outbox) {
        this.host = b.host;
        this.port = b.port;
        this.clientId = b.clientId != null ? b.clientId : b.deviceId;
        this.namespace = b.namespace != null ? b.namespace : TopicNamespace.forDevice(b.deviceId);
        this.protocol = b.protocol;
        this.policy = b.policy;
        this.keepAlive = b.keepAlive;
        this.connectTimeout = b.connectTimeout;
        this.maxInflight = b.maxInflight;
        this.gate = new InboundGate(namespace, b.maxInboundPayloadBytes, b.validator);
        this.noLocal = b.noLocal;
        this.reservedFilter = b.reservedFilter == null ? null : namespace.prefix() + b.reservedFilter;
        if (b.reservedOwner != null) {
            String ownerFilter = namespace.prefix() + b.reservedOwner.topicFilter();
            subscriptions.put(ownerFilter, new Subscription(ownerFilter, b.reservedOwner.qos(), null, b.reservedOwner));
        }
        this.maxInboundRemainingLength = Math.min(MqttPacketLimiter.MQTT_MAX_REMAINING_LENGTH,
                (long) b.maxInboundPayloadBytes + INBOUND_HEADER_ROOM);
        this.listener = b.listener;
        this.clock = b.clock;
        this.random = b.random != null ? b.random : new SecureRandom();
        this.renewalWindow = b.renewalWindow;
        this.writeCoalescing = b.writeCoalescing;
        this.tls = b.tls;
        this.outbox = outbox;
        List<OutboxJournal.Entry> recovered = outbox.pending();
        this.recoveredMaxSeq = recovered.isEmpty() ? 0 : recovered.get(recovered.size() - 1).seq();
        ScheduledThreadPoolExecutor ex = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "devsec-mqtt-control-" + clientId);
            t.setDaemon(true);
            return t;
        });
        ex.setRemoveOnCancelPolicy(true);
        this.control = ex;
        this.sender = new Thread(this::sendLoop, "devsec-mqtt-sender-" + clientId);
        this.sender.setDaemon(true);
        this.syncer = new Thread(this::syncLoop, "devsec-mqtt-outbox-sync-" + clientId);
        this.syncer.setDaemon(true);
    }

    /**
     * A builder; broker, device id, TLS context and outbox settings are required.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------ lifecycle

    /**
     * Starts connecting in the background, after the policy's jittered first-connect delay.
     * Publishing works before and during the connection: QoS 1 messages wait in the outbox.
     *
     * @throws IllegalStateException when already started or closed
     */
    public void start() {
        lock.lock();
        try {
            if (state != ConnectionState.NEW) {
                throw new IllegalStateException("client already started (state " + state + ")");
            }
        } finally {
            lock.unlock();
        }
        setState(ConnectionState.CONNECTING);
        sender.start();
        Duration first = policy.firstConnectDelay(random);
        control.execute(() -> {
            pendingConnect = control.schedule(this::connectOnce, first.toNanos(), TimeUnit.NANOSECONDS);
            control.scheduleWithFixedDelay(this::checkCertificateExpiry, 12, 12, TimeUnit.HOURS);
        });
    }

    /** Disconnects, stops every DevSec thread and closes the outbox; pending messages stay on disk. */
    @Override
    public void close() throws IOException {
        lock.lock();
        MqttSession s;
        try {
            if (closed) {
                return;
            }
            closed = true;
            s = session;
            session = null;
            tlsFacts = null;
            epoch++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        control.shutdownNow();
        try {
            control.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (s != null) {
            s.close();
        }
        sender.interrupt();
        syncer.interrupt();
        setState(ConnectionState.CLOSED);
        outbox.close();
    }

    /**
     * The current connection state.
     *
     * @return the state at the time of the call
     */
    public ConnectionState state() {
        lock.lock();
        try {
            return state;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until connected; returns whether it is. Returns early (false) when the client is closed.
     *
     * @param timeout how long to wait at most
     * @return true when the client is connected, false when the timeout passed or the client was closed first
     * @throws InterruptedException when the calling thread is interrupted while waiting
     */
    public boolean awaitConnected(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while (state != ConnectionState.CONNECTED && !closed) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = changed.awaitNanos(nanos);
            }
            return state == ConnectionState.CONNECTED;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Messages in the outbox not yet acknowledged by the broker.
     *
     * @return the number of such messages
     */
    public int pendingMessages() {
        return outbox.size();
    }

    /**
     * Waits until the outbox is empty; returns whether it is. Returns early when the client is closed.
     *
     * @param timeout how long to wait at most
     * @return true when every queued message was acknowledged, false when the timeout passed or the client was
     *     closed with messages still queued
     * @throws InterruptedException when the calling thread is interrupted while waiting
     */
    public boolean awaitOutboxEmpty(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while (outbox.size() > 0 && !closed) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = changed.awaitNanos(nanos);
            }
            return outbox.size() == 0;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The namespace every topic of this client must lie in.
     *
     * @return the namespace (by default {@code devices/{deviceId}/})
     */
    public TopicNamespace namespace() {
        return namespace;
    }

    /**
     * The MQTT client id sent in CONNECT.
     *
     * @return the client id (by default the device id)
     */
    public String clientId() {
        return clientId;
    }

    // ------------------------------------------------------------------ publish / subscribe

    /**
     * Publishes {@code payload} to {@code topic}, which must lie in the namespace.
     *
     * <p>QoS 1: the message is persisted (fsynced, encrypted) before this returns, and sent when
     * connected. QoS 0: sent at once if connected, otherwise refused with {@link NotConnectedException}.
     *
     * @param topic the full topic name, inside the namespace, without wildcards
     * @param payload the payload, at most {@link #MAX_OUTBOUND_PAYLOAD_BYTES} bytes
     * @param qos the quality of service
     * @return the delivery, completed when the broker acknowledged the message (QoS 1); for QoS 0 already
     *     completed once the message was handed to the connection
     * @throws IllegalArgumentException when the payload is larger than {@link #MAX_OUTBOUND_PAYLOAD_BYTES}
     * @throws TopicOutsideNamespaceException when the topic is malformed or outside the namespace
     * @throws OutboxFullException when the outbox is at its limit
     * @throws NotConnectedException for QoS 0 while not connected
     * @throws IOException when the client is closed, or the outbox cannot be written or fsynced.
     *     In the second case the message is not known to be durable but stays queued: a later
     *     successful fsync makes it durable and it is sent. It is never dropped silently, so
     *     publishing it again may deliver it twice (at least once).
     */
    public Delivery publish(String topic, byte[] payload, Qos qos) throws TopicOutsideNamespaceException, IOException {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(qos, "qos");
        if (payload.length > MAX_OUTBOUND_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("payload is " + payload.length + " bytes, more than " + MAX_OUTBOUND_PAYLOAD_BYTES);
        }
        checkTopic(topic, false);
        if (isClosed()) {
            throw new IOException("client is closed");
        }
        if (qos == Qos.AT_MOST_ONCE) {
            return publishAtMostOnce(topic, payload);
        }
        long seq = outbox.append(topic, payload);
        Delivery d = new Delivery(seq);
        Optional<PublishRefusedException> early;
        lock.lock();
        try {
            early = earlyOutcomes.remove(seq);
            if (early == null) {
                deliveries.put(seq, d);
            }
            if (senderWaiting) {
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
        if (early != null) {
            finish(d, early);
        }
        return d;
    }

    /**
     * Queues a QoS 1 message without waiting for its fsync: the way to stream many durable
     * messages from one thread. The message is encrypted and queued for the outbox before this
     * returns, then written and fsynced before it is sent: the broker never acknowledges a message
     * the outbox could still lose, and one write and one fsync cover every message queued meanwhile
     * (group commit, done by a DevSec thread). Unlike {@link #publish}, a crash right after this
     * returns can lose the message; the returned {@link Delivery} completes only after it was
     * fsynced and acknowledged.
     * Call {@link #flush()} to wait until every queued message is durable.
     *
     * @param topic the full topic name, inside the namespace, without wildcards
     * @param payload the payload, at most {@link #MAX_OUTBOUND_PAYLOAD_BYTES} bytes
     * @return the delivery, completed after the message was fsynced and acknowledged by the broker
     * @throws IllegalArgumentException when the payload is larger than {@link #MAX_OUTBOUND_PAYLOAD_BYTES}
     * @throws TopicOutsideNamespaceException when the topic is malformed or outside the namespace
     * @throws OutboxFullException when the outbox is at its limit
     * @throws IOException when the outbox cannot be written or the client is closed
     */
    public Delivery publishAsync(String topic, byte[] payload) throws TopicOutsideNamespaceException, IOException {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        if (payload.length > MAX_OUTBOUND_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("payload is " + payload.length + " bytes, more than " + MAX_OUTBOUND_PAYLOAD_BYTES);
        }
        checkTopic(topic, false);
        if (isClosed()) {
            throw new IOException("client is closed");
        }
        if (syncerStarted.compareAndSet(false, true)) {
            syncer.start();
        }
        long seq = outbox.appendAllUnsynced(List.of(topic), List.of(payload))[0];
        Delivery d = new Delivery(seq);
        Optional<PublishRefusedException> early;
        lock.lock();
        try {
            // another caller's fsync may have made it durable, and it may be acknowledged already
            early = earlyOutcomes.remove(seq);
            if (early == null) {
                deliveries.put(seq, d);
            }
        } finally {
            lock.unlock();
        }
        if (early != null) {
            finish(d, early);
        }
        // Seen true: the sync thread has not yet cleared it, so its next fsync (which starts after
        // clearing it) covers this message, appended before.
        if (!syncWanted) {
            synchronized (syncSignal) {
                if (!syncWanted) {
                    syncWanted = true;
                    syncSignal.notifyAll();
                }
            }
        }
        return d;
    }

    /**
     * Waits until every message queued so far (including by {@link #publishAsync}) is fsynced in
     * the outbox.
     *
     * @throws IOException when the fsync fails or the client is closed
     */
    public void flush() throws IOException {
        outbox.syncAll();
    }

    /**
     * Publishes several QoS 1 messages with one outbox write and one fsync: the way for a device
     * that buffers readings to publish many durable messages at the disk's fsync rate divided by
     * the batch size. All or nothing: every topic is checked first, and when the batch does not fit
     * in the outbox nothing is queued. Delivered in list order, like separate publishes.
     *
     * @param messages the messages, each with a payload of at most {@link #MAX_OUTBOUND_PAYLOAD_BYTES} bytes
     * @return one {@link Delivery} per message, in order
     * @throws TopicOutsideNamespaceException when any topic is malformed or outside the namespace
     * @throws OutboxFullException when the whole batch does not fit
     * @throws IOException when the outbox cannot be written or the client is closed
     * @throws IllegalArgumentException when a payload is larger than {@link #MAX_OUTBOUND_PAYLOAD_BYTES}
     *     (nothing is queued)
     */
    public List<Delivery> publishAll(List<OutboundMessage> messages) throws TopicOutsideNamespaceException, IOException {
        Objects.requireNonNull(messages, "messages");
        List<String> topics = new ArrayList<>(messages.size());
        List<byte[]> payloads = new ArrayList<>(messages.size());
        for (OutboundMessage m : messages) {
            Objects.requireNonNull(m, "messages element");
            if (m.payloadUnsafe().length > MAX_OUTBOUND_PAYLOAD_BYTES) {
                throw new IllegalArgumentException("payload is " + m.payloadUnsafe().length + " bytes, more than "
                        + MAX_OUTBOUND_PAYLOAD_BYTES);
            }
            checkTopic(m.topic(), false);
            topics.add(m.topic());
            payloads.add(m.payloadUnsafe());
        }
        if (isClosed()) {
            throw new IOException("client is closed");
        }
        long[] seqs = outbox.appendAll(topics, payloads);
        List<Delivery> out = new ArrayList<>(seqs.length);
        List<Delivery> early = new ArrayList<>();
        List<Optional<PublishRefusedException>> earlyOutcome = new ArrayList<>();
        lock.lock();
        try {
            for (long seq : seqs) {
                Delivery d = new Delivery(seq);
                out.add(d);
                Optional<PublishRefusedException> e = earlyOutcomes.remove(seq);
                if (e == null) {
                    deliveries.put(seq, d);
                } else {
                    early.add(d);
                    earlyOutcome.add(e);
                }
            }
            if (senderWaiting) {
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
        for (int i = 0; i < early.size(); i++) {
            finish(early.get(i), earlyOutcome.get(i));
        }
        return java.util.Collections.unmodifiableList(out);
    }

    private Delivery publishAtMostOnce(String topic, byte[] payload) throws IOException {
        MqttSession s;
        lock.lock();
        try {
            s = state == ConnectionState.CONNECTED ? session : null;
        } finally {
            lock.unlock();
        }
        if (s == null) {
            throw new NotConnectedException("not connected: QoS 0 message to " + TopicNamespace.printable(topic) + " not sent");
        }
        try {
            if (noLocal) {
                ownPublishes.record(topic, payload);
            }
            s.publish(topic, payload.clone(), 0, new MqttSession.Completion() {
                @Override
                public void completed(int[] reasonCodes) {
                }

                @Override
                public void failed(Throwable cause) {
                    LOG.debug("QoS 0 publish failed: {}", cause.toString());
                }
            });
        } catch (Exception e) {
            NotConnectedException n = new NotConnectedException("QoS 0 publish failed: " + e.getClass().getSimpleName());
            n.initCause(e);
            throw n;
        }
        return Delivery.completed(0);
    }

    /**
     * Subscribes to {@code filter} (wildcards only after the namespace prefix). Kept across
     * reconnects until {@link #unsubscribe}. Messages reach {@code handler} only after the inbound checks.
     * Subscribing again to the same filter replaces its QoS and handler.
     *
     * @param filter the full topic filter, inside the namespace
     * @param qos the maximum QoS the broker may deliver with
     * @param handler receives the messages that pass the inbound checks and the builder's
     *     {@link Builder#validator validator}
     * @throws TopicOutsideNamespaceException when the filter is malformed or reaches outside the namespace
     * @throws IllegalArgumentException when the filter could match a topic in the subtree reserved with
     *     {@link Builder#reserve}
     */
    public void subscribe(String filter, Qos qos, MessageHandler handler) throws TopicOutsideNamespaceException {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(qos, "qos");
        Objects.requireNonNull(handler, "handler");
        checkTopic(filter, true);
        checkNotReserved(filter);
        subscriptions.put(filter, new Subscription(filter, qos, handler, null));
        control.execute(() -> {
            MqttSession s = currentSession();
            if (s != null) {
                subscribeAll(s, List.of(filter));
            }
        });
    }

    /**
     * Subscribes to {@code subscription}'s filter, relative to {@link #namespace()}: each message on it
     * is matched once, checked by transport, decoded once by the subscription and handed to it with the
     * decoded value. A decoder refusal is an {@link TransportSecurityEvent.Type#INBOUND_MESSAGE_REJECTED}
     * event. The builder's {@link Builder#validator} does not apply here. Kept across reconnects until
     * {@link #unsubscribe} with the full filter ({@code namespace().prefix() + topicFilter()}); a later
     * subscription to the same filter replaces it.
     *
     * @param subscription the filter, QoS, decoder and handler
     * @return the full topic filter subscribed
     * @throws TopicOutsideNamespaceException when the filter is malformed or reaches outside the namespace
     */
    public String subscribe(InboundSubscription<?> subscription) throws TopicOutsideNamespaceException {
        Objects.requireNonNull(subscription, "subscription");
        String relative = Objects.requireNonNull(subscription.topicFilter(), "topicFilter");
        Qos qos = Objects.requireNonNull(subscription.qos(), "qos");
        String filter = namespace.prefix() + relative;
        checkTopic(filter, true);
        checkNotReserved(filter);
        subscriptions.put(filter, new Subscription(filter, qos, null, subscription));
        control.execute(() -> {
            MqttSession s = currentSession();
            if (s != null) {
                subscribeAll(s, List.of(filter));
            }
        });
        return filter;
    }

    private void checkNotReserved(String filter) {
        if (reservedFilter != null && TopicNamespace.overlaps(filter, reservedFilter)) {
            throw new IllegalArgumentException("topic filter '" + TopicNamespace.printable(filter)
                    + "' overlaps the reserved subtree '" + TopicNamespace.printable(reservedFilter)
                    + "'; subscribe to a filter that cannot match a topic there");
        }
    }

    /**
     * Stops a subscription (not the reserved one of {@link Builder#reserve}).
     *
     * @param filter the full topic filter
     */
    public void unsubscribe(String filter) {
        if (reservedFilter != null && TopicNamespace.overlaps(filter, reservedFilter)) {
            throw new IllegalArgumentException("the reserved subscription '" + TopicNamespace.printable(filter)
                    + "' cannot be stopped");
        }
        if (subscriptions.remove(filter) != null) {
            control.execute(() -> {
                MqttSession s = currentSession();
                if (s != null) {
                    try {
                        s.unsubscribe(filter);
                    } catch (Exception e) {
                        LOG.debug("unsubscribe failed: {}", e.toString());
                    }
                }
            });
        }
    }

    private void checkTopic(String topic, boolean filter) throws TopicOutsideNamespaceException {
        try {
            if (filter) {
                namespace.checkTopicFilter(topic);
            } else {
                namespace.checkTopicName(topic);
            }
            String q;
            lock.lock();
            try {
                q = quarantineTopic;
            } finally {
                lock.unlock();
            }
            if (q != null && !q.equals(topic)) {
                throw new TopicOutsideNamespaceException(topic, namespace.prefix(),
                        "the client is quarantined: only " + TopicNamespace.printable(q) + " may be used");
            }
        } catch (TopicOutsideNamespaceException e) {
            LOG.debug("refused topic locally: {}", e.getMessage());
            event(TransportSecurityEvent.Type.TOPIC_REFUSED_LOCALLY, e.getMessage(), e);
            throw e;
        }
    }

    // ------------------------------------------------------------------ quarantine

    /**
     * Quarantines this client, for a device whose software failed its integrity check: from now on every
     * publish and subscribe is refused with {@link TopicOutsideNamespaceException} (and a
     * {@link TransportSecurityEvent.Type#TOPIC_REFUSED_LOCALLY} event) except on the one alert topic
     * {@code alertTopicSuffix} (relative to the namespace, no wildcards). Messages already queued in the outbox
     * for other topics are held back, not dropped, and sent after {@link #liftQuarantine()}. Existing
     * subscriptions keep delivering (an update may arrive through them). Calling it again replaces the
     * alert topic.
     *
     * @param alertTopicSuffix the alert topic, relative to the namespace, without wildcards
     * @throws TopicOutsideNamespaceException when the alert topic is malformed, has wildcards or leaves the
     *     namespace (the client is then not quarantined)
     */
    public void quarantine(String alertTopicSuffix) throws TopicOutsideNamespaceException {
        Objects.requireNonNull(alertTopicSuffix, "alertTopicSuffix");
        String topic = namespace.topic(alertTopicSuffix);
        lock.lock();
        try {
            quarantineTopic = topic;
        } finally {
            lock.unlock();
        }
        LOG.warn("client {} quarantined: only {} may be used", clientId, TopicNamespace.printable(topic));
    }

    /** Ends the quarantine: every topic of the namespace can be used again and held-back messages are sent. */
    public void liftQuarantine() {
        lock.lock();
        try {
            if (quarantineTopic == null) {
                return;
            }
            quarantineTopic = null;
            if (firstHeldBack != Long.MAX_VALUE) {
                cursor = Math.min(cursor, firstHeldBack - 1);
                firstHeldBack = Long.MAX_VALUE;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        LOG.info("client {}: quarantine lifted", clientId);
    }

    /**
     * The alert topic while quarantined (full name); empty when not quarantined.
     *
     * @return the alert topic, or empty
     */
    public Optional<String> quarantined() {
        lock.lock();
        try {
            return Optional.ofNullable(quarantineTopic);
        } finally {
            lock.unlock();
        }
    }

    /**
     * What the live TLS session to the broker negotiated, observed when it was established: protocol
     * (for example {@code TLSv1.3}), cipher suite, whether a client certificate was presented, the
     * broker's certificate subject, and when. Evidence of the secure channel as it is, not as configured.
     *
     * @return the facts of the current session; empty when not connected (or when the JDK did not expose
     *     the session, which is logged)
     */
    public Optional<TlsSessionFacts> tlsSession() {
        lock.lock();
        try {
            return state == ConnectionState.CONNECTED ? Optional.ofNullable(tlsFacts) : Optional.empty();
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ renewal

    /**
     * Installs a renewed identity (a new certificate from a new CSR, possibly a new key): connects
     * a new session with it, and only then drops the old one, so the device is offline for at most
     * one reconnect. When not connected, the next attempt simply uses the new identity.
     *
     * @param renewed the TLS context with the renewed certificate (and key)
     * @param timeout how long to wait for the new session to connect
     * @throws IOException when the new identity cannot connect (the old identity and session, if any, stay)
     * @throws InterruptedException when the calling thread is interrupted while waiting
     * @throws TimeoutException when the renewal did not finish within {@code timeout}; it is not cancelled and
     *     may still complete afterwards
     */
    public void renewIdentity(DeviceTlsContext renewed, Duration timeout)
            throws IOException, InterruptedException, TimeoutException {
        Objects.requireNonNull(renewed, "renewed");
        Future<?> f = control.submit(() -> {
            DeviceTlsContext old = tls;
            tls = renewed;
            MqttSession current = currentSession();
            if (current == null) {
                reconnectNow();
                return null;
            }
            MqttSession fresh;
            try {
                fresh = newSession();
                fresh.connect(connectTimeout);
            } catch (Exception e) {
                tls = old;
                throw new IOException("renewed identity could not connect: " + e, e);
            }
            onConnected(fresh);
            current.kill();
            lastExpiryWarned = null;
            checkCertificateExpiry();
            return null;
        });
        try {
            f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException) {
                throw (IOException) c;
            }
            throw new IOException("renewal failed", c);
        }
    }

    private void reconnectNow() {
        if (pendingConnect != null) {
            pendingConnect.cancel(false);
        }
        pendingConnect = control.schedule(this::connectOnce, 0, TimeUnit.NANOSECONDS);
    }

    private void checkCertificateExpiry() {
        try {
            Optional<X509Certificate> leaf = deviceCertificate(tls);
            if (!leaf.isPresent()) {
                return;
            }
            X509Certificate c = leaf.get();
            Instant notAfter = c.getNotAfter().toInstant();
            Instant now = clock.instant();
            String id = c.getSerialNumber() + "/" + notAfter;
            if (!now.plus(renewalWindow).isBefore(notAfter) && !id.equals(lastExpiryWarned)) {
                lastExpiryWarned = id;
                String detail = "device certificate " + c.getSubjectX500Principal().getName() + " expires at " + notAfter;
                LOG.warn(detail);
                event(TransportSecurityEvent.Type.CERTIFICATE_EXPIRING, detail, null);
                try {
                    listener.certificateExpiring(c, notAfter);
                } catch (RuntimeException e) {
                    LOG.warn("listener failed on certificateExpiring", e);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("certificate expiry check failed", e);
        }
    }

    static Optional<X509Certificate> deviceCertificate(DeviceTlsContext ctx) {
        if (!ctx.identity().isPresent()) {
            return Optional.empty();
        }
        X509KeyManager km = ctx.identity().get().keyManager();
        String alias = km.chooseClientAlias(new String[] {"EC", "RSA", "RSASSA-PSS", "EdDSA", "Ed25519"}, null, null);
        if (alias == null) {
            return Optional.empty();
        }
        X509Certificate[] chain = km.getCertificateChain(alias);
        return chain == null || chain.length == 0 ? Optional.empty() : Optional.of(chain[0]);
    }

    // ------------------------------------------------------------------ connection management (control thread)

    private MqttSession newSession() throws Exception {
        // Every connection's inbound stream refuses an oversized packet from its fixed header,
        // before Paho allocates its body (Paho reads the whole packet into one array).
        CoalescingSocketFactory sf = new CoalescingSocketFactory(tls.socketFactory(), writeCoalescing.toNanos(),
                maxInboundRemainingLength, this::onInboundPacketTooLarge);
        lastFactory = sf;
        // MQTT 5 also tells the broker: whole packet = remaining length + 1 type byte + at most 4 length bytes.
        SessionSettings s = new SessionSettings("ssl://" + host + ":" + port, clientId, sf, keepAlive,
                connectTimeout, maxInflight, maxInboundRemainingLength + 5);
        MqttSession[] self = new MqttSession[1];
        MqttSession.Callbacks cb = new MqttSession.Callbacks() {
            @Override
            public void connectionLost(Throwable cause) {
                control.execute(() -> onLost(self[0], cause));
            }

            @Override
            public void messageArrived(String topic, byte[] payload, int qos, boolean retained) {
                onMessage(topic, payload, qos, retained);
            }
        };
        if (protocol == MqttProtocol.MQTT_5) {
            PahoV5Session v5 = new PahoV5Session(s, cb);
            v5.noLocal(noLocal);
            self[0] = v5;
        } else {
            self[0] = new PahoV3Session(s, cb);
        }
        return self[0];
    }

    private void onInboundPacketTooLarge(InboundPacketTooLargeException e) {
        LOG.warn("refused an inbound packet: {}", e.getMessage());
        event(TransportSecurityEvent.Type.INBOUND_MESSAGE_REJECTED, e.getMessage(), e);
    }

    private void connectOnce() {
        if (isClosed()) {
            return;
        }
        setState(ConnectionState.CONNECTING);
        MqttSession s = null;
        try {
            s = newSession();
            s.connect(connectTimeout);
        } catch (Exception e) {
            if (s != null) {
                s.kill();
            }
            classifyConnectFailure(e);
            if (isClosed()) {
                return;
            }
            setState(ConnectionState.DISCONNECTED);
            scheduleReconnect();
            return;
        }
        onConnected(s);
    }

    private void onConnected(MqttSession s) {
        // Subscribe first: Paho sends in order, so the broker sees SUBSCRIBE before any outbox PUBLISH.
        subscribeAll(s, new ArrayList<>(subscriptions.keySet()));
        TlsSessionFacts facts = observeTls();
        lock.lock();
        try {
            if (closed) {
                s.close();
                return;
            }
            session = s;
            tlsFacts = facts;
            epoch++;
            cursor = 0;
            sentSeq = 0;
            inflight = 0;
            window = Math.max(1, Math.min(maxInflight, s.sendWindow()));
            state = ConnectionState.CONNECTED;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        connectedAt = clock.instant();
        LOG.debug("connected to {}:{} as {}", host, port, clientId);
        notifyState(ConnectionState.CONNECTED);
        checkCertificateExpiry();
    }

    /** The facts of the session the last newSession() connected; null (logged) when they cannot be read. */
    private TlsSessionFacts observeTls() {
        CoalescingSocketFactory f = lastFactory;
        javax.net.ssl.SSLSocket socket = f == null ? null : f.lastSocket();
        if (socket == null) {
            return null;
        }
        try {
            return TlsSessionFacts.of(socket.getSession(), clock.instant());
        } catch (RuntimeException e) {
            LOG.warn("cannot read the negotiated TLS session: {}", e.toString());
            return null;
        }
    }

    private void onLost(MqttSession s, Throwable cause) {
        lock.lock();
        try {
            if (closed || s == null || s != session) {
                return;
            }
            session = null;
            tlsFacts = null;
            epoch++;
            state = ConnectionState.DISCONNECTED;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        LOG.debug("connection lost: {}", cause == null ? "unknown" : cause.toString());
        s.kill();
        notifyState(ConnectionState.DISCONNECTED);
        if (connectedAt != null && !clock.instant().isBefore(connectedAt.plus(policy.stableAfter()))) {
            // A stable connection was lost: most likely the broker went away for the whole fleet, which
            // now reconnects at once. Spread the first attempt like the first connect after start.
            attempt = policy.attemptAfterStableLoss();
            Duration d = policy.firstReconnectDelay(random);
            LOG.debug("stable connection lost; first reconnect in {}", d);
            pendingConnect = control.schedule(this::connectOnce, d.toNanos(), TimeUnit.NANOSECONDS);
            return;
        }
        scheduleReconnect();
    }

    private void scheduleReconnect() {
        Duration d = policy.delayFor(Math.min(attempt, 62), random);
        attempt++;
        LOG.debug("reconnect attempt {} in {}", attempt, d);
        pendingConnect = control.schedule(this::connectOnce, d.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void classifyConnectFailure(Exception e) {
        Throwable cert = find(e, CertificateException.class);
        SSLException ssl = (SSLException) find(e, SSLException.class);
        String msg = ssl == null ? "" : String.valueOf(ssl.getMessage());
        if (cert != null || (ssl != null && NEGOTIATION_REFUSED.matcher(msg).find())) {
            Throwable why = cert != null ? cert : ssl;
            LOG.warn("refused the broker's TLS peer: {}", why.toString());
            event(TransportSecurityEvent.Type.PEER_REFUSED, "TLS peer refused: " + why.getMessage(), why);
        } else if (ssl != null && msg.startsWith("Received fatal alert")) {
            LOG.warn("broker refused our TLS connection: {}", ssl.toString());
            event(TransportSecurityEvent.Type.CONNECT_REFUSED, "broker refused the TLS connection: " + msg, ssl);
        } else if (PahoErrors.isNotAuthorized(e)) {
            LOG.warn("broker refused CONNECT: {}", e.toString());
            event(TransportSecurityEvent.Type.CONNECT_REFUSED, "broker refused CONNECT: " + e.getMessage(), e);
        } else {
            LOG.debug("connect failed: {}", e.toString());
        }
    }

    private static Throwable find(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return c;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return null;
    }

    private void subscribeAll(MqttSession s, List<String> filters) {
        if (filters.isEmpty()) {
            return;
        }
        List<String> fs = new ArrayList<>();
        List<Integer> qs = new ArrayList<>();
        for (String f : filters) {
            Subscription sub = subscriptions.get(f);
            if (sub != null) {
                fs.add(f);
                qs.add(sub.qos.level());
            }
        }
        int[] q = new int[qs.size()];
        for (int i = 0; i < q.length; i++) {
            q[i] = qs.get(i);
        }
        try {
            s.subscribe(fs.toArray(new String[0]), q, new MqttSession.Completion() {
                @Override
                public void completed(int[] codes) {
                    for (int i = 0; i < codes.length && i < fs.size(); i++) {
                        if (codes[i] >= 0x80) {
                            String detail = "broker refused subscription to " + TopicNamespace.printable(fs.get(i))
                                    + ": reason code " + codes[i] + " (" + PublishRefusedException.reasonName(codes[i]) + ")";
                            LOG.warn(detail);
                            event(TransportSecurityEvent.Type.BROKER_REFUSED, detail, null);
                        }
                    }
                }

                @Override
                public void failed(Throwable cause) {
                    LOG.debug("subscribe failed: {}", cause.toString());
                }
            });
        } catch (Exception e) {
            LOG.debug("subscribe failed: {}", e.toString());
        }
    }

    private MqttSession currentSession() {
        lock.lock();
        try {
            return state == ConnectionState.CONNECTED ? session : null;
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ sending (sender thread)

    private void sendLoop() {
        while (true) {
            int r;
            sendLock.lock();
            try {
                r = sendNext();
            } finally {
                sendLock.unlock();
            }
            if (r == SENT) {
                continue;
            }
            lock.lock();
            try {
                if (closed) {
                    return;
                }
                if (r == WINDOW_FULL) {
                    // The broker's receive maximum is below maxInflight: send again after an ack.
                    changed.awaitNanos(TimeUnit.MILLISECONDS.toNanos(20));
                } else if (!sendable()) {
                    senderWaiting = true;
                    try {
                        changed.await(1, TimeUnit.SECONDS);
                    } finally {
                        senderWaiting = false;
                    }
                }
            } catch (InterruptedException ie) {
                return;
            } finally {
                lock.unlock();
            }
        }
    }

    private static final int SENT = 0;
    private static final int NOTHING = 1;
    private static final int WINDOW_FULL = 2;

    /** Whether {@link #sendNext} could send now (cheap check, under {@code lock}). */
    private boolean sendable() {
        if (closed || state != ConnectionState.CONNECTED || inflight >= window) {
            return false;
        }
        Optional<OutboxJournal.Entry> next = outbox.nextAfter(cursor);
        return next.isPresent() && outbox.isDurable(next.get().seq());
    }

    /**
     * Sends the next durable message when connected and the window allows. The caller holds
     * {@code sendLock}, so messages reach Paho in sequence order whichever thread sends them (the
     * sender thread, or Paho's callback thread right after an acknowledgement frees a slot).
     */
    private int sendNext() {
        OutboxJournal.Entry e = null;
        MqttSession s;
        long ep;
        lock.lock();
        try {
            if (closed || state != ConnectionState.CONNECTED || inflight >= window) {
                return NOTHING;
            }
            Optional<OutboxJournal.Entry> next = outbox.nextAfter(cursor);
            while (next.isPresent() && quarantineTopic != null && !quarantineTopic.equals(next.get().topic())) {
                // Held back, not sent: liftQuarantine() moves the cursor back to it.
                firstHeldBack = Math.min(firstHeldBack, next.get().seq());
                cursor = next.get().seq();
                next = outbox.nextAfter(cursor);
            }
            // a message from publishAsync waits for the sync thread's fsync
            if (!next.isPresent() || !outbox.isDurable(next.get().seq())) {
                return NOTHING;
            }
            e = next.get();
            s = session;
            ep = epoch;
            cursor = e.seq();
            sentSeq = cursor;
            inflight++;
        } finally {
            lock.unlock();
        }
        final long seq = e.seq();
        if (syncHeld && !senderHasBacklog()) {
            // the sender is about to run out of durable messages: the sync thread fsyncs now
            synchronized (syncSignal) {
                syncSignal.notifyAll();
            }
        }
        final String topic = e.topic();
        try {
            byte[] outbound = e.payload();
            if (noLocal) {
                ownPublishes.record(topic, outbound);
            }
            s.publish(topic, outbound, 1, new MqttSession.Completion() {
                @Override
                public void completed(int[] codes) {
                    onPublishCompleted(ep, seq, topic, codes);
                }

                @Override
                public void failed(Throwable cause) {
                    onPublishFailed(ep, s, cause);
                }
            });
            return SENT;
        } catch (Exception ex) {
            if (PahoErrors.isWindowFull(ex)) {
                lock.lock();
                try {
                    if (ep == epoch) {
                        inflight--;
                        cursor = Math.min(cursor, seq - 1);
                    }
                } finally {
                    lock.unlock();
                }
                return WINDOW_FULL;
            }
            onPublishFailed(ep, s, ex);
            return NOTHING;
        }
    }

    /**
     * Group commit for {@link #publishAsync}: one write and one fsync for everything appended, then
     * wakes the sender. While the sender still has enough durable messages to send, the fsync is
     * held back (at most {@link #MAX_SYNC_HOLD_NANOS}) so that it covers more messages: a stream
     * then costs a few fsyncs a second instead of one per handful of messages, and a lone message
     * is fsynced at once. Nothing is sent before its fsync either way.
     */
    private void syncLoop() {
        while (true) {
            synchronized (syncSignal) {
                while (!syncWanted) {
                    if (isClosed()) {
                        return;
                    }
                    try {
                        syncSignal.wait(1000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                long deadline = System.nanoTime() + MAX_SYNC_HOLD_NANOS;
                try {
                    syncHeld = true;
                    for (long left = MAX_SYNC_HOLD_NANOS; left > 0 && senderHasBacklog() && !isClosed();
                            left = deadline - System.nanoTime()) {
                        TimeUnit.NANOSECONDS.timedWait(syncSignal, left);
                    }
                } catch (InterruptedException e) {
                    return;
                } finally {
                    syncHeld = false;
                }
                syncWanted = false;
            }
            try {
                outbox.syncAll();
            } catch (IOException e) {
                if (isClosed()) {
                    return;
                }
                // not sent until durable: try again shortly
                LOG.warn("outbox fsync failed, retrying: {}", e.toString());
                synchronized (syncSignal) {
                    syncWanted = true;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
                continue;
            }
            lock.lock();
            try {
                if (senderWaiting) {
                    changed.signalAll();
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Whether the sender, connected, has more durable messages waiting to be sent than it sends
     * during an fsync (a guess on the safe side: four windows, at least 64).
     */
    private boolean senderHasBacklog() {
        if (state != ConnectionState.CONNECTED) {
            return false;
        }
        long durableUnsent = outbox.durableSeq() - sentSeq;
        return durableUnsent > Math.max(64, 4L * window);
    }

    private void onPublishCompleted(long ep, long seq, String topic, int[] codes) {
        Optional<PublishRefusedException> outcome = Optional.empty();
        int rc = codes.length > 0 ? codes[0] : 0;
        if (rc >= 0x80) {
            PublishRefusedException r = new PublishRefusedException(topic, rc);
            outcome = Optional.of(r);
            LOG.warn("broker refused a publish: {}", r.getMessage());
            event(TransportSecurityEvent.Type.BROKER_REFUSED, r.getMessage(), r);
        }
        try {
            outbox.acknowledge(seq);
        } catch (IOException ex) {
            LOG.warn("could not record acknowledgement of message {}: {}", seq, ex.toString());
        }
        Delivery d;
        lock.lock();
        try {
            if (ep == epoch) {
                inflight--;
            }
            d = deliveries.remove(seq);
            if (d == null && seq > recoveredMaxSeq) {
                // acknowledged before publish() registered its Delivery; publish() picks this up
                earlyOutcomes.put(seq, outcome);
            }
            if (outbox.size() == 0) {
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
        // Refill the freed slot from this thread: no hand-off to the sender thread per message.
        // tryLock: never wait for the sender thread here; when it holds the lock it sends itself.
        if (sendLock.tryLock()) {
            try {
                while (sendNext() == SENT) {
                    // fill the window
                }
            } finally {
                sendLock.unlock();
            }
        } else {
            // The sender thread (or another callback) holds sendLock; it re-checks under lock
            // afterwards and sees the freed slot. Wake it anyway if it is already waiting.
            lock.lock();
            try {
                if (senderWaiting && sendable()) {
                    changed.signalAll();
                }
            } finally {
                lock.unlock();
            }
        }
        if (d != null) {
            finish(d, outcome);
        }
    }

    private void onPublishFailed(long ep, MqttSession s, Throwable cause) {
        boolean current;
        lock.lock();
        try {
            current = ep == epoch;
            if (current) {
                inflight--;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (current) {
            // Resend from the first pending message, in order, on a fresh connection.
            LOG.debug("publish failed, reconnecting: {}", cause.toString());
            control.execute(() -> onLost(s, cause));
        }
    }

    private static void finish(Delivery d, Optional<PublishRefusedException> outcome) {
        if (outcome.isPresent()) {
            d.refuse(outcome.get());
        } else {
            d.succeed();
        }
    }

    // ------------------------------------------------------------------ inbound

    private void onMessage(String topic, byte[] payload, int qos, boolean retained) {
        InboundMessage m;
        try {
            m = gate.admit(topic, payload, qos, retained);
        } catch (InvalidMessageException e) {
            reject(e);
            return;
        }
        // Topic-matched once: the matching subscriptions are the ones that get the message.
        List<Subscription> matched = new ArrayList<>(2);
        for (Subscription s : subscriptions.values()) {
            if (TopicNamespace.matches(s.filter, m.topic())) {
                matched.add(s);
            }
        }
        if (noLocal && ownPublishes.isEcho(m.topic(), payload)) {
            // This client's own publish sent back by a subscription that covers it (MQTT 3.1.1 has no No Local;
            // some MQTT 5 brokers ignore it): not input from anyone else, so not a refusal either.
            LOG.debug("dropped the echo of an own publish on {}", TopicNamespace.printable(m.topic()));
            return;
        }
        if (matched.isEmpty()) {
            reject(InboundGate.notSubscribed(m.topic()));
            return;
        }
        boolean plainChecked = false;
        boolean plainRefused = false;
        for (Subscription s : matched) {
            if (s.decoding != null) {
                deliverDecoded(s.decoding, s.filter, m);
                continue;
            }
            if (!plainChecked) {
                plainChecked = true;
                try {
                    gate.validate(m);
                } catch (InvalidMessageException e) {
                    plainRefused = true;
                    reject(e);
                }
            }
            if (!plainRefused) {
                try {
                    s.handler.onMessage(m);
                } catch (RuntimeException ex) {
                    LOG.warn("message handler for {} failed", TopicNamespace.printable(s.filter), ex);
                }
            }
        }
    }

    private <T> void deliverDecoded(InboundSubscription<T> sub, String filter, InboundMessage m) {
        T decoded;
        try {
            decoded = sub.decode(m);
        } catch (InvalidMessageException e) {
            reject(e);
            return;
        } catch (RuntimeException e) {
            reject(new InvalidMessageException(InvalidMessageException.Reason.REJECTED_BY_VALIDATOR, m.topic(),
                    "decoder of filter '" + TopicNamespace.printable(filter) + "' failed with "
                            + e.getClass().getSimpleName()));
            return;
        }
        try {
            sub.onMessage(m, m.topic().substring(namespace.prefix().length()), decoded);
        } catch (RuntimeException ex) {
            LOG.warn("message handler for {} failed", TopicNamespace.printable(filter), ex);
        }
    }

    private void reject(InvalidMessageException e) {
        LOG.warn("dropped inbound message: {}", e.getMessage());
        event(TransportSecurityEvent.Type.INBOUND_MESSAGE_REJECTED, e.getMessage(), e);
    }

    /**
     * SHA-256 digests of the topic and payload of this client's last {@value #CAPACITY} publishes. A message
     * from the broker with the same topic and payload is this client's own publish coming back; dropping it
     * is what MQTT 5's No Local asks of the broker. Someone who replays a device's own message to it gets it
     * dropped too, which is harmless (it was never input for the device).
     */
    private static final class OwnPublishes {
        static final int CAPACITY = 256;
        private final java.util.LinkedHashMap<String, Boolean> recent = new java.util.LinkedHashMap<String, Boolean>(
                64, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > CAPACITY;
            }
        };
        private volatile boolean any;

        void record(String topic, byte[] payload) {
            String d = digest(topic, payload);
            synchronized (recent) {
                recent.put(d, Boolean.TRUE);
                any = true;
            }
        }

        boolean isEcho(String topic, byte[] payload) {
            if (!any) {
                return false;
            }
            String d = digest(topic, payload == null ? new byte[0] : payload);
            synchronized (recent) {
                return recent.containsKey(d);
            }
        }

        private static String digest(String topic, byte[] payload) {
            try {
                java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
                byte[] t = topic.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                md.update((byte) (t.length >>> 8));
                md.update((byte) t.length);
                md.update(t);
                md.update(payload);
                return java.util.Base64.getEncoder().encodeToString(md.digest());
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is not available", e);
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private boolean isClosed() {
        return closed;
    }

    private void setState(ConnectionState s) {
        boolean notify;
        lock.lock();
        try {
            if (closed && s != ConnectionState.CLOSED) {
                return;
            }
            notify = state != s;
            state = s;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (notify) {
            notifyState(s);
        }
    }

    private void notifyState(ConnectionState s) {
        try {
            listener.connectionStateChanged(s);
        } catch (RuntimeException e) {
            LOG.warn("listener failed on connectionStateChanged", e);
        }
    }

    private void event(TransportSecurityEvent.Type type, String detail, Throwable cause) {
        try {
            listener.securityEvent(new TransportSecurityEvent(type, clock.instant(), detail, Optional.ofNullable(cause)));
        } catch (RuntimeException e) {
            LOG.warn("listener failed on securityEvent", e);
        }
    }

    @Override
    public String toString() {
        return "DeviceMqttClient{" + clientId + " -> " + host + ":" + port + ", " + protocol + ", " + state() + "}";
    }

    /** Validating builder; {@link #build()} names the missing or bad field. */
    public static final class Builder {
        private String host;
        private int port;
        private String deviceId;
        private String clientId;
        private DeviceTlsContext tls;
        private TopicNamespace namespace;
        private MqttProtocol protocol = MqttProtocol.MQTT_5;
        private ReconnectPolicy policy = ReconnectPolicy.DEFAULT;
        private Duration keepAlive = Duration.ofSeconds(60);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private int maxInflight = DEFAULT_MAX_INFLIGHT;
        private int maxInboundPayloadBytes = 256 * 1024;
        private MessageValidator validator = MessageValidator.ACCEPT_ALL;
        private TransportEventListener listener = TransportEventListener.NONE;
        private OutboxSettings outbox;
        private Clock clock = Clock.systemUTC();
        private Random random;
        private Duration renewalWindow = Duration.ofDays(30);
        private Duration writeCoalescing = DEFAULT_WRITE_COALESCING;
        private String reservedFilter;
        private InboundSubscription<?> reservedOwner;
        private boolean noLocal;

        private Builder() {
        }

        /**
         * The broker's host name (verified against its certificate) and TLS port. Required.
         *
         * @param host the broker's host name
         * @param port the broker's TLS port, 1 to 65535 (checked by {@link #build()})
         * @return this builder
         */
        public Builder broker(String host, int port) {
            this.host = Objects.requireNonNull(host, "host");
            this.port = port;
            return this;
        }

        /**
         * The device id: default client id and namespace {@code devices/{deviceId}/}. Required.
         *
         * @param deviceId the device id
         * @return this builder
         */
        public Builder deviceId(String deviceId) {
            this.deviceId = Objects.requireNonNull(deviceId, "deviceId");
            return this;
        }

        /**
         * An MQTT client id other than the device id.
         *
         * @param clientId the client id, 1 to 230 characters (checked by {@link #build()})
         * @return this builder
         */
        public Builder clientId(String clientId) {
            this.clientId = Objects.requireNonNull(clientId, "clientId");
            return this;
        }

        /**
         * The device's TLS identity and trust. Required.
         *
         * @param tls the TLS context
         * @return this builder
         */
        public Builder tls(DeviceTlsContext tls) {
            this.tls = Objects.requireNonNull(tls, "tls");
            return this;
        }

        /**
         * A topic namespace other than {@code devices/{deviceId}/}.
         *
         * @param namespace the namespace every topic must lie in
         * @return this builder
         */
        public Builder namespace(TopicNamespace namespace) {
            this.namespace = Objects.requireNonNull(namespace, "namespace");
            return this;
        }

        /**
         * The MQTT protocol version (default MQTT 5).
         *
         * @param protocol the protocol version
         * @return this builder
         */
        public Builder protocol(MqttProtocol protocol) {
            this.protocol = Objects.requireNonNull(protocol, "protocol");
            return this;
        }

        /**
         * The delays between reconnect attempts (default {@link ReconnectPolicy#DEFAULT}).
         *
         * @param policy the reconnect policy
         * @return this builder
         */
        public Builder reconnectPolicy(ReconnectPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "reconnectPolicy");
            return this;
        }

        /**
         * The MQTT keep-alive interval (default 60 seconds).
         *
         * @param keepAlive the interval, positive (checked by {@link #build()})
         * @return this builder
         */
        public Builder keepAlive(Duration keepAlive) {
            this.keepAlive = Objects.requireNonNull(keepAlive, "keepAlive");
            return this;
        }

        /**
         * How long one connection attempt may take (default 10 seconds).
         *
         * @param connectTimeout the timeout, positive (checked by {@link #build()})
         * @return this builder
         */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
            return this;
        }

        /**
         * QoS 1 messages sent but not yet acknowledged, at most (default {@value #DEFAULT_MAX_INFLIGHT});
         * under MQTT 5 never more than the broker's Receive Maximum from its CONNACK.
         *
         * @param maxInflight the limit, 1 to 65535 (checked by {@link #build()})
         * @return this builder
         */
        public Builder maxInflight(int maxInflight) {
            this.maxInflight = maxInflight;
            return this;
        }

        /**
         * Inbound payload limit in bytes (default 256 KiB). A larger message is refused twice over:
         * an MQTT 5 broker is told the Maximum Packet Size (this plus {@link #INBOUND_HEADER_ROOM}
         * plus the fixed header) in CONNECT and should drop it; over either protocol a packet
         * whose fixed header announces more is refused before its body is read or allocated, the
         * connection is closed with an {@link TransportSecurityEvent.Type#INBOUND_MESSAGE_REJECTED}
         * event ({@link InboundPacketTooLargeException}) and the client reconnects. A payload
         * over the limit in a packet within it (a long topic eats less of the room) is dropped
         * with the same event type and the connection stays.
         *
         * @param max the largest inbound payload in bytes
         * @return this builder
         */
        public Builder maxInboundPayloadBytes(int max) {
            this.maxInboundPayloadBytes = max;
            return this;
        }

        /**
         * The check of messages for subscriptions made with {@link #subscribe(String, Qos, MessageHandler)},
         * run once per message before their handlers (default: accept what transport's own checks accepted).
         * A subscription made with {@link #subscribe(InboundSubscription)} decodes and checks its messages itself.
         *
         * @param validator the check
         * @return this builder
         */
        public Builder validator(MessageValidator validator) {
            this.validator = Objects.requireNonNull(validator, "validator");
            return this;
        }

        /**
         * Receives connection and security events (default: none).
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder listener(TransportEventListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Where and how QoS 1 messages are persisted until acknowledged. Required.
         *
         * @param outbox the outbox settings
         * @return this builder
         */
        public Builder outbox(OutboxSettings outbox) {
            this.outbox = Objects.requireNonNull(outbox, "outbox");
            return this;
        }

        /**
         * The clock for certificate expiry checks (tests use a fixed clock).
         *
         * @param clock the clock (default the system UTC clock)
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The random source for reconnect jitter (default a {@link SecureRandom}; tests pass a seeded one).
         *
         * @param random the random source
         * @return this builder
         */
        public Builder random(Random random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /**
         * How long before the device certificate expires the renewal event fires (default 30 days).
         *
         * @param window the window, not negative (checked by {@link #build()})
         * @return this builder
         */
        public Builder renewalWindow(Duration window) {
            this.renewalWindow = Objects.requireNonNull(window, "renewalWindow");
            return this;
        }

        /**
         * Write coalescing (default {@link #DEFAULT_WRITE_COALESCING}, at most 10 ms; zero turns it
         * off). Paho flushes the connection after every packet. When a PUBLISH follows the previous
         * flush closely, DevSec puts its flush off for at most this long, so that the publishes
         * written meanwhile go out in one TLS record and one system call: fewer records to encrypt
         * and fewer wake-ups of the broker. A publish on a quiet connection (nothing flushed for
         * this long) and every other packet (pings, acknowledgements, subscriptions, DISCONNECT) go
         * out at once, with any publish still waiting. When the connection drops, publishes still
         * waiting are not sent: QoS 1 messages stay in the outbox and go out on the next connection;
         * a QoS 0 message is then lost, as QoS 0 allows.
         *
         * @param maxDelay the longest a flush is put off, 0 to 10 ms (checked by {@link #build()})
         * @return this builder
         */
        public Builder writeCoalescing(Duration maxDelay) {
            this.writeCoalescing = Objects.requireNonNull(maxDelay, "writeCoalescing");
            return this;
        }

        /**
         * Keeps this client's own publishes from coming back through its own subscriptions (default off: a
         * client subscribed to a topic it publishes on receives its messages, as MQTT allows). When on, MQTT 5
         * subscriptions set No Local, and over either protocol a message whose topic and payload equal one of
         * this client's last 256 publishes on this run is dropped silently (DEBUG log, no security event): MQTT
         * 3.1.1 has no No Local and some brokers ignore it. Someone who sends the device a copy of its own
         * recent message gets it dropped the same way, which gives them nothing (it was the device's own data).
         *
         * @param on whether own publishes are dropped
         * @return this builder
         */
        public Builder noLocal(boolean on) {
            this.noLocal = on;
            return this;
        }

        /**
         * Reserves the subtree {@code relativeFilter} of the namespace for {@code owner}, which the client
         * subscribes from the start: any other subscription whose filter could match a topic there (such as
         * {@code #}) is refused with {@link IllegalArgumentException}, and {@code owner} cannot be unsubscribed.
         *
         * @param relativeFilter the reserved filter relative to the namespace, such as {@code devsec/#}
         * @param owner the subscription that receives the reserved topics; its filter must lie in the subtree
         * @return this builder
         */
        public Builder reserve(String relativeFilter, InboundSubscription<?> owner) {
            Objects.requireNonNull(relativeFilter, "relativeFilter");
            Objects.requireNonNull(owner, "owner");
            if (!TopicNamespace.overlaps(owner.topicFilter(), relativeFilter)) {
                throw new IllegalArgumentException("the owner's filter '" + TopicNamespace.printable(owner.topicFilter())
                        + "' lies outside the reserved subtree '" + TopicNamespace.printable(relativeFilter) + "'");
            }
            this.reservedFilter = relativeFilter;
            this.reservedOwner = owner;
            return this;
        }

        /**
         * Opens the outbox (recovering it) and builds the client; call {@link #start()} to connect.
         *
         * @return the client, not yet connected
         * @throws CorruptOutboxException when the outbox is damaged
         * @throws IOException when the outbox cannot be opened
         * @throws IllegalArgumentException when a required setting (broker, device id, TLS context, outbox) is
         *     missing or a setting is out of its range
         * @throws IllegalStateException when MQTT 3.1.1 is chosen but Paho's optional v3 client is not on the
         *     class path (the message names the artifact to add)
         */
        public DeviceMqttClient build() throws IOException, CorruptOutboxException {
            if (protocol == MqttProtocol.MQTT_3_1_1 && !io.devsec.transport.internal.PahoErrors.v3Present()) {
                throw new IllegalStateException("MQTT 3.1.1 needs Paho's v3 client, an optional dependency of"
                        + " devsec-transport: add org.eclipse.paho:org.eclipse.paho.client.mqttv3 to the"
                        + " application's dependencies, or use MqttProtocol.MQTT_5");
            }
            if (host == null || host.isEmpty()) {
                throw new IllegalArgumentException("broker host is required");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("broker port must be 1-65535, got " + port);
            }
            if (deviceId == null) {
                throw new IllegalArgumentException("deviceId is required");
            }
            if (namespace == null) {
                TopicNamespace.forDevice(deviceId);
            }
            String cid = clientId != null ? clientId : deviceId;
            if (cid.isEmpty() || cid.length() > 23 * 10) {
                throw new IllegalArgumentException("clientId must be 1 to 230 characters");
            }
            if (tls == null) {
                throw new IllegalArgumentException("tls is required");
            }
            if (outbox == null) {
                throw new IllegalArgumentException("outbox is required");
            }
            if (maxInflight < 1 || maxInflight > 65535) {
                throw new IllegalArgumentException("maxInflight must be 1-65535");
            }
            if (writeCoalescing.isNegative() || writeCoalescing.compareTo(Duration.ofMillis(10)) > 0) {
                throw new IllegalArgumentException("writeCoalescing must be between 0 and 10 ms, not " + writeCoalescing);
            }
            if (maxInboundPayloadBytes < 0) {
                throw new IllegalArgumentException("maxInboundPayloadBytes must not be negative");
            }
            if (keepAlive.isNegative() || keepAlive.isZero()) {
                throw new IllegalArgumentException("keepAlive must be positive");
            }
            if (connectTimeout.isNegative() || connectTimeout.isZero()) {
                throw new IllegalArgumentException("connectTimeout must be positive");
            }
            if (renewalWindow.isNegative()) {
                throw new IllegalArgumentException("renewalWindow must not be negative");
            }
            return new DeviceMqttClient(this, OutboxJournal.open(outbox));
        }
    }
}
