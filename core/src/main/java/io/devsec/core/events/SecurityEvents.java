package io.devsec.core.events;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one stream of security events of a device: every module publishes here, listeners (the
 * application, exporters) subscribe, an {@link AnomalyDetector} watches the rates, and the most
 * recent events and alerts are kept in bounded in-memory rings. Thread-safe.
 *
 * <h2>Recording is synchronous, delivery is not</h2>
 * {@link #publish} records the event in the ring and the counters and runs the detector before it
 * returns, so {@link #recentEvents()}, {@link #recentAlerts()}, {@link #publishedCount()} and the
 * detector's alerts are deterministic and in publish order. It then only <em>queues</em> the event
 * (and any alert it raised, right after it) for the listeners: one daemon thread per stream, named
 * {@value #THREAD_NAME}, calls the listeners, one call at a time, in the order events were queued.
 * Listeners therefore never run on the publisher's thread: a listener that blocks, or calls back
 * into the device, cannot stall the MQTT client's connection thread (which publishes
 * {@link SecurityEvent.Type#CONNECTION_LOST}) and stop the device from reconnecting. The thread is
 * started by the first publish, ends after {@value #IDLE_SECONDS} s without events (a later publish
 * starts a new one) and is stopped by {@link #close()}. A listener receives the events delivered
 * while it is subscribed; call {@link #awaitDelivered(Duration)} before {@link #unsubscribe} to be
 * sure it got everything published before.
 *
 * <h2>Overflow: the publisher never blocks</h2>
 * At most {@link Builder#deliveryQueueCapacity(int)} events and alerts wait for delivery (default
 * {@value #DEFAULT_QUEUE_CAPACITY}). When the queue is full:
 * <ul>
 *   <li>a new event or alert below {@link Severity#CRITICAL} is not delivered to listeners (it is
 *       still recorded in the ring, counted and seen by the detector); it is counted in
 *       {@link #droppedCount()} and the start of each run of drops is logged at WARN;</li>
 *   <li>a {@link Severity#CRITICAL} one takes the place of the oldest queued non-critical one (which
 *       is counted as dropped); when every queued item is critical, it is queued beyond the bound, in
 *       a reserve as large again as the queue. Only when that reserve is full too is a critical item
 *       dropped, and then never silently: each such drop is logged at ERROR and counted in
 *       {@link #droppedCriticalCount()} as well as {@link #droppedCount()}.</li>
 * </ul>
 *
 * <h2>Failing listeners</h2>
 * A listener that throws is isolated: the other listeners and the delivery thread carry on, the
 * failure is logged at WARN (with the exception), counted in {@link #listenerFailures()} and published
 * as a {@link SecurityEvent.Type#LISTENER_FAILED} event after the delivery it happened in (a failure
 * while delivering that event is logged and counted only, so a broken listener cannot loop). An
 * {@link Error} thrown by a listener (other than a {@link VirtualMachineError}) is handled the same
 * way, logged at ERROR.
 *
 * <p>A listener may publish: its event is queued behind those already waiting, and is delivered to
 * every listener except that one. The same holds for an event published on the delivery thread by
 * code the listener calls (for example a transport refusing the topic a telemetry exporter publishes
 * to, which is itself a security event), so such an event cannot loop through the listener that
 * caused it.
 *
 * <pre>{@code
 * SecurityEvents events = SecurityEvents.create();
 * events.subscribe(JsonLinesExporter.to(System.out));
 * events.record(SecurityEvent.Type.LOGIN_FAILED, SecurityEvent.Source.CORE, Map.of("user", "admin"));
 * events.awaitDelivered(Duration.ofSeconds(5)); // only where you must know it was delivered
 * }</pre>
 */
public final class SecurityEvents implements AutoCloseable {
    /** Made on first use: a static logger ran SLF4J's initialisation at every start. */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(SecurityEvents.class);
    }

    /** Default number of recent events kept. */
    public static final int DEFAULT_CAPACITY = 1024;

    /** Default number of recent alerts kept. */
    public static final int DEFAULT_ALERT_CAPACITY = 256;

    /** Default number of events and alerts that may wait for delivery to listeners. */
    public static final int DEFAULT_QUEUE_CAPACITY = 1024;

    /** The name of the delivery thread. */
    public static final String THREAD_NAME = "devsec-events";

    /** Seconds without events after which the delivery thread ends (a later publish starts a new one). */
    public static final int IDLE_SECONDS = 60;

    /** How long {@link #close()} waits for queued events to be delivered, in seconds. */
    public static final int CLOSE_SECONDS = 5;

    /** How long {@link #flush()} waits, in seconds. */
    public static final int FLUSH_SECONDS = 30;

    private final Clock clock;
    private final int capacity;
    private final int alertCapacity;
    private final int queueCapacity;
    private final long idleNanos;
    private final AnomalyDetector detector;
    private final List<SecurityEventListener> listeners = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    private final ArrayDeque<SecurityEvent> recent = new ArrayDeque<>();
    private final ArrayDeque<SecurityAlert> recentAlerts = new ArrayDeque<>();
    private long published;
    private long alertsRaised;
    private long listenerFailures;
    private long dropped;
    private long droppedCritical;
    private boolean dropping;
    // Delivery state, guarded by lock.
    private final ArrayDeque<Item> queue = new ArrayDeque<>();
    private Thread worker;
    private Item inFlight;
    private boolean stopping;
    /** The listener being called; written and read on the delivery thread only. */
    private SecurityEventListener running;

    /** One event or alert waiting for delivery. */
    private static final class Item {
        final SecurityEvent event;
        final SecurityAlert alert;
        /** A LISTENER_FAILED report: failures while delivering it are counted, not reported again. */
        final boolean failureReport;
        /** The listener that was running when this was published (on the delivery thread): not delivered back to it. */
        final SecurityEventListener origin;

        Item(SecurityEvent event, SecurityAlert alert, boolean failureReport, SecurityEventListener origin) {
            this.event = event;
            this.alert = alert;
            this.failureReport = failureReport;
            this.origin = origin;
        }

        Severity severity() {
            return event != null ? event.severity() : alert.severity();
        }

        String describe() {
            return event != null ? "event " + event.type() : "alert " + alert.eventType();
        }
    }

    private SecurityEvents(Builder b) {
        this.clock = b.clock;
        this.capacity = b.capacity;
        this.alertCapacity = b.alertCapacity;
        this.queueCapacity = b.queueCapacity;
        this.idleNanos = TimeUnit.SECONDS.toNanos(IDLE_SECONDS);
        this.detector = b.anomalySettings == null ? null : AnomalyDetector.create(b.anomalySettings, b.clock);
    }

    /**
     * A stream with the system UTC clock, {@link AnomalySettings#DEFAULT} and default sizes.
     *
     * @return a new stream
     */
    public static SecurityEvents create() {
        return builder().build();
    }

    /**
     * A builder with the defaults of {@link #create()}.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The clock that stamps {@link #record} events and drives the detector.
     *
     * @return the clock
     */
    public Clock clock() {
        return clock;
    }

    /**
     * The detector's settings, when anomaly detection is on.
     *
     * @return the settings, or empty when detection is off
     */
    public Optional<AnomalySettings> anomalySettings() {
        return detector == null ? Optional.empty() : Optional.of(detector.settings());
    }

    /**
     * Adds a listener (a listener added twice is called twice). It receives the events delivered
     * from now on, which may include events published shortly before that were still queued.
     *
     * @param listener the listener, called on the delivery thread
     */
    public void subscribe(SecurityEventListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Removes one registration of {@code listener}; nothing happens when it is not subscribed. Events
     * still queued are not delivered to it.
     *
     * @param listener the listener to remove
     */
    public void unsubscribe(SecurityEventListener listener) {
        listeners.remove(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Publishes {@code event}: recorded and examined by the detector before this returns, delivered to
     * the listeners afterwards on the delivery thread (see the class comment). Never blocks on a
     * listener.
     *
     * @param event the event
     */
    public void publish(SecurityEvent event) {
        publish(event, false);
    }

    private void publish(SecurityEvent event, boolean failureReport) {
        Objects.requireNonNull(event, "event");
        synchronized (lock) {
            published++;
            if (recent.size() >= capacity) {
                recent.removeFirst();
            }
            recent.addLast(event);
            List<SecurityAlert> alerts = detector == null ? Collections.emptyList() : detector.record(event);
            SecurityEventListener origin = Thread.currentThread() == worker ? running : null;
            enqueue(new Item(event, null, failureReport, origin));
            for (SecurityAlert a : alerts) {
                recordAlert(a, origin);
            }
        }
    }

    /**
     * Publishes an event of {@code type} from {@code source}, stamped with this stream's clock and
     * the type's default severity, and returns it.
     *
     * @param type what happened
     * @param source the module it happened in
     * @param attributes non-secret facts
     * @return the published event
     * @throws IllegalArgumentException when an attribute name is malformed or looks like a secret
     */
    public SecurityEvent record(SecurityEvent.Type type, SecurityEvent.Source source, Map<String, String> attributes) {
        SecurityEvent event = SecurityEvent.builder(type, source).time(clock.instant()).attributes(attributes).build();
        publish(event);
        return event;
    }

    /**
     * Lets the detector close windows that have ended and re-evaluate; records and queues any alerts
     * for delivery, and returns them. Call it periodically (for example each minute) if you read
     * baselines; alerts are normally raised as events arrive.
     *
     * @return the alerts raised now
     */
    public List<SecurityAlert> tick() {
        synchronized (lock) {
            if (detector == null) {
                return Collections.emptyList();
            }
            List<SecurityAlert> alerts = detector.tick();
            for (SecurityAlert a : alerts) {
                recordAlert(a, null);
            }
            return alerts;
        }
    }

    /**
     * Waits until the delivery queue is drained: every event and alert queued so far, and those
     * listeners published meanwhile, has been delivered (or dropped by the overflow policy), and no
     * delivery is in progress. For tests and orderly shutdown; it returns at once when nothing is
     * queued. On the delivery thread (from a listener) it cannot wait for itself and returns whether
     * the queue is empty.
     *
     * @param timeout the longest wait
     * @return true when drained, false when the timeout passed first
     * @throws InterruptedException when the calling thread is interrupted while waiting
     */
    public boolean awaitDelivered(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
        synchronized (lock) {
            if (Thread.currentThread() == worker) {
                return queue.isEmpty();
            }
            while (!queue.isEmpty() || inFlight != null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return true;
        }
    }

    /**
     * {@link #awaitDelivered(Duration)} for at most {@value #FLUSH_SECONDS} s, for tests.
     *
     * @throws IllegalStateException when the queue was not drained in time (a listener is blocked) or
     *     the thread was interrupted (its interrupt flag is set again)
     */
    public void flush() {
        boolean drained;
        try {
            drained = awaitDelivered(Duration.ofSeconds(FLUSH_SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for event delivery", e);
        }
        if (!drained) {
            throw new IllegalStateException("security events not delivered within " + FLUSH_SECONDS
                    + " s (a listener is blocked?); queued: " + queuedCount());
        }
    }

    /**
     * Stops the delivery thread after delivering what is queued, waiting at most
     * {@value #CLOSE_SECONDS} s. A listener still running after that is interrupted; what is still
     * queued then stays queued. The stream remains usable: events are recorded as before, and a later
     * publish starts a new delivery thread. Called on the delivery thread (from a listener), it does
     * not wait: the thread ends after the current delivery.
     */
    @Override
    public void close() {
        boolean onWorker;
        synchronized (lock) {
            onWorker = Thread.currentThread() == worker;
        }
        if (!onWorker) {
            try {
                awaitDelivered(Duration.ofSeconds(CLOSE_SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Thread t;
        synchronized (lock) {
            stopping = true;
            t = worker;
            lock.notifyAll();
            if (t != null && inFlight != null && !onWorker) {
                Log.LOG.warn("closing the security event stream: a listener is still running on {}; "
                        + "interrupting it, {} event(s) stay queued", t.getName(), queue.size());
                t.interrupt();
            }
        }
    }

    /**
     * The most recent events, oldest first (at most the capacity); a snapshot.
     *
     * @return the recent events
     */
    public List<SecurityEvent> recentEvents() {
        synchronized (lock) {
            return Collections.unmodifiableList(new ArrayList<>(recent));
        }
    }

    /**
     * The most recent alerts, oldest first (at most the alert capacity); a snapshot.
     *
     * @return the recent alerts
     */
    public List<SecurityAlert> recentAlerts() {
        synchronized (lock) {
            return Collections.unmodifiableList(new ArrayList<>(recentAlerts));
        }
    }

    /**
     * Events published since creation (including those no longer in the ring).
     *
     * @return the count
     */
    public long publishedCount() {
        synchronized (lock) {
            return published;
        }
    }

    /**
     * Alerts raised since creation.
     *
     * @return the count
     */
    public long alertCount() {
        synchronized (lock) {
            return alertsRaised;
        }
    }

    /**
     * Listener calls that threw since creation.
     *
     * @return the count
     */
    public long listenerFailures() {
        synchronized (lock) {
            return listenerFailures;
        }
    }

    /**
     * Events and alerts not delivered to listeners because the delivery queue was full, since
     * creation (they are still in the rings and were seen by the detector).
     *
     * @return the count, including {@link #droppedCriticalCount()}
     */
    public long droppedCount() {
        synchronized (lock) {
            return dropped;
        }
    }

    /**
     * {@link Severity#CRITICAL} events and alerts not delivered because the queue and its critical
     * reserve were full (each was logged at ERROR).
     *
     * @return the count
     */
    public long droppedCriticalCount() {
        synchronized (lock) {
            return droppedCritical;
        }
    }

    /**
     * Events and alerts waiting for delivery now, the one being delivered included.
     *
     * @return the count
     */
    public int queuedCount() {
        synchronized (lock) {
            return queue.size() + (inFlight == null ? 0 : 1);
        }
    }

    /**
     * The moving baseline of {@code type} (events per window), when anomaly detection is on.
     *
     * @param type the event type
     * @return the baseline, or empty when detection is off
     */
    public Optional<Double> baseline(SecurityEvent.Type type) {
        synchronized (lock) {
            return detector == null ? Optional.empty() : Optional.of(detector.baseline(type));
        }
    }

    // ------------------------------------------------------------------ under lock

    private void recordAlert(SecurityAlert alert, SecurityEventListener origin) {
        alertsRaised++;
        if (recentAlerts.size() >= alertCapacity) {
            recentAlerts.removeFirst();
        }
        recentAlerts.addLast(alert);
        Log.LOG.warn("security alert: {}", alert);
        enqueue(new Item(null, alert, false, origin));
    }

    private void enqueue(Item item) {
        if (queue.size() >= queueCapacity && !makeRoom(item)) {
            return;
        }
        if (dropping && queue.size() < queueCapacity) {
            dropping = false;
        }
        queue.addLast(item);
        if (stopping && Thread.currentThread() != worker) {
            // A publish after close() restarts delivery (a listener's own publish during close does not).
            stopping = false;
        }
        if (worker == null) {
            startWorker();
        } else {
            lock.notifyAll();
        }
    }

    /** The overflow policy (see the class comment); false when {@code item} is dropped. */
    private boolean makeRoom(Item item) {
        if (item.severity() != Severity.CRITICAL) {
            drop(item, "the delivery queue is full");
            return false;
        }
        for (Iterator<Item> it = queue.iterator(); it.hasNext();) {
            Item queued = it.next();
            if (queued.severity() != Severity.CRITICAL) {
                it.remove();
                drop(queued, "the delivery queue is full and a critical " + item.describe() + " took its place");
                return true;
            }
        }
        if (queue.size() < 2L * queueCapacity) {
            return true;
        }
        droppedCritical++;
        dropped++;
        Log.LOG.error("security event delivery queue and its critical reserve are full ({} queued): critical {} "
                + "not delivered to listeners ({} critical dropped so far); it is in recentEvents()/recentAlerts()",
                queue.size(), item.describe(), droppedCritical);
        return false;
    }

    private void drop(Item item, String why) {
        dropped++;
        if (!dropping) {
            dropping = true;
            Log.LOG.warn("security events are published faster than listeners take them: {}; dropping {} and "
                    + "further non-critical deliveries until there is room ({} dropped so far)", why,
                    item.describe(), dropped);
        }
    }

    private void startWorker() {
        Thread t = new Thread(this::deliveryLoop, THREAD_NAME);
        t.setDaemon(true);
        worker = t;
        t.start();
    }

    // ------------------------------------------------------------------ delivery thread

    private void deliveryLoop() {
        Thread me = Thread.currentThread();
        try {
            while (true) {
                Item item;
                synchronized (lock) {
                    long idleSince = System.nanoTime();
                    while (queue.isEmpty() && !stopping) {
                        long left = idleNanos - (System.nanoTime() - idleSince);
                        if (left <= 0) {
                            return;
                        }
                        try {
                            TimeUnit.NANOSECONDS.timedWait(lock, left);
                        } catch (InterruptedException e) {
                            // Only close() interrupts; stopping is set then.
                            Thread.interrupted();
                        }
                    }
                    if (stopping) {
                        return;
                    }
                    item = queue.pollFirst();
                    inFlight = item;
                }
                List<SecurityEvent> failures = new ArrayList<>(0);
                try {
                    deliver(item, failures);
                } finally {
                    // Publish the failures before the item counts as delivered, so awaitDelivered() covers them.
                    for (SecurityEvent f : failures) {
                        publish(f, true);
                    }
                    synchronized (lock) {
                        inFlight = null;
                        lock.notifyAll();
                    }
                    Thread.interrupted();
                }
            }
        } finally {
            synchronized (lock) {
                if (worker == me) {
                    worker = null;
                }
                inFlight = null;
                if (!queue.isEmpty() && !stopping) {
                    startWorker();
                }
                lock.notifyAll();
            }
        }
    }

    private void deliver(Item item, List<SecurityEvent> failures) {
        for (SecurityEventListener l : listeners) {
            if (l == item.origin) {
                continue;
            }
            running = l;
            try {
                if (item.event != null) {
                    l.onEvent(item.event);
                } else {
                    l.onAlert(item.alert);
                }
            } catch (VirtualMachineError e) {
                throw e;
            } catch (RuntimeException | Error e) {
                listenerFailed(l, item, e, failures);
            } finally {
                running = null;
            }
        }
    }

    private void listenerFailed(SecurityEventListener l, Item item, Throwable e, List<SecurityEvent> failures) {
        synchronized (lock) {
            listenerFailures++;
        }
        String name = l.getClass().getName();
        if (e instanceof Error) {
            Log.LOG.error("security event listener {} failed on {}", name, item.describe(), e);
        } else {
            Log.LOG.warn("security event listener {} failed on {}", name, item.describe(), e);
        }
        if (item.failureReport) {
            return;
        }
        failures.add(SecurityEvent.builder(SecurityEvent.Type.LISTENER_FAILED, SecurityEvent.Source.CORE)
                .time(clock.instant())
                .attribute("listener", name)
                .attribute("failedOn", item.describe())
                .attribute("exception", e.getClass().getName())
                .build());
    }

    /** Builds {@link SecurityEvents}. */
    public static final class Builder {
        private Clock clock = Clock.systemUTC();
        private int capacity = DEFAULT_CAPACITY;
        private int alertCapacity = DEFAULT_ALERT_CAPACITY;
        private AnomalySettings anomalySettings = AnomalySettings.DEFAULT;
        private int queueCapacity = DEFAULT_QUEUE_CAPACITY;

        private Builder() {
        }

        /** The clock for {@link SecurityEvents#record} and the detector (default: system UTC). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Recent events kept, 1 to 1,000,000 (default {@value SecurityEvents#DEFAULT_CAPACITY}). */
        public Builder capacity(int events) {
            this.capacity = events;
            return this;
        }

        /** Recent alerts kept, 1 to 1,000,000 (default {@value SecurityEvents#DEFAULT_ALERT_CAPACITY}). */
        public Builder alertCapacity(int alerts) {
            this.alertCapacity = alerts;
            return this;
        }

        /** The detector's settings (default {@link AnomalySettings#DEFAULT}). */
        public Builder anomalySettings(AnomalySettings settings) {
            this.anomalySettings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * Events and alerts that may wait for delivery to listeners, 1 to 1,000,000 (default
         * {@value SecurityEvents#DEFAULT_QUEUE_CAPACITY}); see the overflow policy in the class comment.
         *
         * @param items the bound
         * @return this builder
         */
        public Builder deliveryQueueCapacity(int items) {
            this.queueCapacity = items;
            return this;
        }

        /** No anomaly detection: events are recorded and delivered only. */
        public Builder withoutAnomalyDetection() {
            this.anomalySettings = null;
            return this;
        }

        /**
         * @throws IllegalArgumentException when a capacity is out of range
         */
        public SecurityEvents build() {
            if (capacity < 1 || capacity > 1_000_000) {
                throw new IllegalArgumentException("capacity must be from 1 to 1000000");
            }
            if (alertCapacity < 1 || alertCapacity > 1_000_000) {
                throw new IllegalArgumentException("alertCapacity must be from 1 to 1000000");
            }
            if (queueCapacity < 1 || queueCapacity > 1_000_000) {
                throw new IllegalArgumentException("deliveryQueueCapacity must be from 1 to 1000000");
            }
            return new SecurityEvents(this);
        }
    }
}
