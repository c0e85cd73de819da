package io.devsec.core.events;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one stream of security events of a device: every module publishes here, listeners (the
 * application, exporters) subscribe, an {@link AnomalyDetector} watches the rates, and the most
 * recent events and alerts are kept in bounded in-memory rings. Thread-safe.
 *
 * <p>Delivery is synchronous and serialised: {@link #publish} records the event, runs the detector,
 * then calls each listener with the event and then with any alerts, all before it returns. A
 * listener that throws is isolated: the publisher and the other listeners carry on, the failure is
 * logged at WARN (with the exception), counted in {@link #listenerFailures()} and published as a
 * {@link SecurityEvent.Type#LISTENER_FAILED} event once the delivery it happened in has finished (a
 * failure while delivering that event is logged and counted only, so a broken listener cannot loop).
 * Errors ({@link Error}) are not caught. A listener may publish: that event is delivered at once,
 * nested, so listeners after it may see the nested event before the one that caused it.
 *
 * <pre>{@code
 * SecurityEvents events = SecurityEvents.create();
 * events.subscribe(JsonLinesExporter.to(System.out));
 * events.record(SecurityEvent.Type.LOGIN_FAILED, SecurityEvent.Source.CORE, Map.of("user", "admin"));
 * }</pre>
 */
public final class SecurityEvents {
    /** Made on first use: a static logger ran SLF4J's initialisation at every start. */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(SecurityEvents.class);
    }

    /** Default number of recent events kept. */
    public static final int DEFAULT_CAPACITY = 1024;

    /** Default number of recent alerts kept. */
    public static final int DEFAULT_ALERT_CAPACITY = 256;

    private final Clock clock;
    private final int capacity;
    private final int alertCapacity;
    private final AnomalyDetector detector;
    private final List<SecurityEventListener> listeners = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    private final ArrayDeque<SecurityEvent> recent = new ArrayDeque<>();
    private final ArrayDeque<SecurityAlert> recentAlerts = new ArrayDeque<>();
    private long published;
    private long alertsRaised;
    private long listenerFailures;
    private int reportingFailure;
    private final ArrayDeque<SecurityEvent> pendingFailures = new ArrayDeque<>();

    private SecurityEvents(Builder b) {
        this.clock = b.clock;
        this.capacity = b.capacity;
        this.alertCapacity = b.alertCapacity;
        this.detector = b.anomalySettings == null ? null : AnomalyDetector.create(b.anomalySettings, b.clock);
    }

    /** A stream with the system UTC clock, {@link AnomalySettings#DEFAULT} and default ring sizes. */
    public static SecurityEvents create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The clock that stamps {@link #record} events and drives the detector. */
    public Clock clock() {
        return clock;
    }

    /** The detector's settings, when anomaly detection is on. */
    public Optional<AnomalySettings> anomalySettings() {
        return detector == null ? Optional.empty() : Optional.of(detector.settings());
    }

    /** Adds a listener (a listener added twice is called twice). */
    public void subscribe(SecurityEventListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Removes one registration of {@code listener}; nothing happens when it is not subscribed. */
    public void unsubscribe(SecurityEventListener listener) {
        listeners.remove(Objects.requireNonNull(listener, "listener"));
    }

    /** Publishes {@code event}: recorded, examined by the detector and delivered before this returns. */
    public void publish(SecurityEvent event) {
        Objects.requireNonNull(event, "event");
        synchronized (lock) {
            deliver(event);
            reportFailures();
        }
    }

    /**
     * Publishes an event of {@code type} from {@code source}, stamped with this stream's clock and
     * the type's default severity, and returns it.
     *
     * @throws IllegalArgumentException when an attribute name is malformed or looks like a secret
     */
    public SecurityEvent record(SecurityEvent.Type type, SecurityEvent.Source source, Map<String, String> attributes) {
        SecurityEvent event = SecurityEvent.builder(type, source).time(clock.instant()).attributes(attributes).build();
        publish(event);
        return event;
    }

    /**
     * Lets the detector close windows that have ended and re-evaluate; delivers and returns any
     * alerts. Call it periodically (for example each minute) if you read baselines; alerts are
     * normally raised as events arrive.
     */
    public List<SecurityAlert> tick() {
        synchronized (lock) {
            if (detector == null) {
                return Collections.emptyList();
            }
            List<SecurityAlert> alerts = detector.tick();
            for (SecurityAlert a : alerts) {
                deliverAlert(a);
            }
            reportFailures();
            return alerts;
        }
    }

    /** The most recent events, oldest first (at most the capacity); a snapshot. */
    public List<SecurityEvent> recentEvents() {
        synchronized (lock) {
            return Collections.unmodifiableList(new ArrayList<>(recent));
        }
    }

    /** The most recent alerts, oldest first (at most the alert capacity); a snapshot. */
    public List<SecurityAlert> recentAlerts() {
        synchronized (lock) {
            return Collections.unmodifiableList(new ArrayList<>(recentAlerts));
        }
    }

    /** Events published since creation (including those no longer in the ring). */
    public long publishedCount() {
        synchronized (lock) {
            return published;
        }
    }

    /** Alerts raised since creation. */
    public long alertCount() {
        synchronized (lock) {
            return alertsRaised;
        }
    }

    /** Listener calls that threw since creation. */
    public long listenerFailures() {
        synchronized (lock) {
            return listenerFailures;
        }
    }

    /** The moving baseline of {@code type} (events per window), when anomaly detection is on. */
    public Optional<Double> baseline(SecurityEvent.Type type) {
        synchronized (lock) {
            return detector == null ? Optional.empty() : Optional.of(detector.baseline(type));
        }
    }

    private void deliver(SecurityEvent event) {
        published++;
        if (recent.size() >= capacity) {
            recent.removeFirst();
        }
        recent.addLast(event);
        List<SecurityAlert> alerts = detector == null ? Collections.emptyList() : detector.record(event);
        for (SecurityEventListener l : listeners) {
            try {
                l.onEvent(event);
            } catch (RuntimeException e) {
                listenerFailed(l, "event " + event.type(), e);
            }
        }
        for (SecurityAlert a : alerts) {
            deliverAlert(a);
        }
    }

    private void deliverAlert(SecurityAlert alert) {
        alertsRaised++;
        if (recentAlerts.size() >= alertCapacity) {
            recentAlerts.removeFirst();
        }
        recentAlerts.addLast(alert);
        Log.LOG.warn("security alert: {}", alert);
        for (SecurityEventListener l : listeners) {
            try {
                l.onAlert(alert);
            } catch (RuntimeException e) {
                listenerFailed(l, "alert " + alert.eventType(), e);
            }
        }
    }

    private void listenerFailed(SecurityEventListener l, String what, RuntimeException e) {
        listenerFailures++;
        String name = l.getClass().getName();
        Log.LOG.warn("security event listener {} failed on {}", name, what, e);
        if (reportingFailure > 0) {
            return;
        }
        pendingFailures.addLast(SecurityEvent.builder(SecurityEvent.Type.LISTENER_FAILED, SecurityEvent.Source.CORE)
                .time(clock.instant())
                .attribute("listener", name)
                .attribute("failedOn", what)
                .attribute("exception", e.getClass().getName())
                .build());
    }

    /** Publishes the failures of the delivery that just ended, after it (so they follow the event they failed on). */
    private void reportFailures() {
        if (reportingFailure > 0) {
            return;
        }
        reportingFailure++;
        try {
            SecurityEvent failure;
            while ((failure = pendingFailures.pollFirst()) != null) {
                deliver(failure);
            }
        } finally {
            reportingFailure--;
        }
    }

    /** Builds {@link SecurityEvents}. */
    public static final class Builder {
        private Clock clock = Clock.systemUTC();
        private int capacity = DEFAULT_CAPACITY;
        private int alertCapacity = DEFAULT_ALERT_CAPACITY;
        private AnomalySettings anomalySettings = AnomalySettings.DEFAULT;

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
            return new SecurityEvents(this);
        }
    }
}
