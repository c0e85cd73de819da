package io.devsec.core;

import io.devsec.core.conformance.Evidence;
import io.devsec.core.conformance.EvidenceSink;
import io.devsec.core.conformance.Mechanism;
import io.devsec.core.events.SecurityEvent;
import io.devsec.core.events.SecurityEvents;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The device's security events (provision 4.10): the one {@link SecurityEvents} stream, the queue of events
 * that parts raise under their own locks ({@link EventSink}) and publish after the call, and the counts shown
 * in the status. Its lock guards only the queue and is never held while calling out.
 */
final class EventsPart implements EventSink {

    private final Object lock = new Object();
    private final SecurityEvents events;
    private final Clock clock;
    private final List<SecurityEvent> pending = new ArrayList<>();

    EventsPart(SecurityEvents events, Clock clock) {
        this.events = Objects.requireNonNull(events, "events");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The stream. */
    SecurityEvents events() {
        return events;
    }

    @Override
    public void queue(SecurityEvent.Type type, Map<String, String> attributes) {
        SecurityEvent e = SecurityEvent.builder(type, SecurityEvent.Source.CORE).time(clock.instant())
                .attributes(attributes).build();
        synchronized (lock) {
            pending.add(e);
        }
    }

    /** Publishes the queued events, in order; called by the facade with no part lock held. */
    void flush() {
        List<SecurityEvent> out;
        synchronized (lock) {
            if (pending.isEmpty()) {
                return;
            }
            out = new ArrayList<>(pending);
            pending.clear();
        }
        for (SecurityEvent e : out) {
            events.publish(e);
        }
    }

    /**
     * Events published so far. The stream counts them when they are published, before its delivery thread
     * runs the listeners, and never holds its lock while a listener runs.
     */
    long eventCount() {
        return events.publishedCount();
    }

    /** Anomaly alerts raised so far. */
    long alertCount() {
        return events.alertCount();
    }

    /** The status lines of the event stream: the alerts raised ({@code alerts}, counted when the status began). */
    void contributeStatus(StatusFindings findings, long alerts) {
        if (alerts > 0) {
            findings.action("telemetry", alerts + " anomaly alert(s) raised: see device.events().recentAlerts()");
        }
        long dropped = events.droppedCount();
        if (dropped > 0) {
            findings.action("telemetry", dropped + " security event(s) not delivered to listeners (delivery queue full, "
                    + events.droppedCriticalCount() + " critical): a listener is too slow; they remain in"
                    + " device.events().recentEvents()");
        }
    }

    /** The evidence of the anomaly detector. */
    void contributeFacts(EvidenceSink sink) {
        sink.add(Mechanism.ANOMALY_DETECTION, events.anomalySettings().isPresent()
                ? Evidence.configured(Mechanism.ANOMALY_DETECTION, true, "anomaly detection over security events: "
                        + events.anomalySettings().get())
                : Evidence.configured(Mechanism.ANOMALY_DETECTION, false, "anomaly detection is off"));
    }

    /**
     * Delivers what is queued (the stream waits at most 5 s for its listeners) and stops the delivery thread;
     * called by the facade without any lock held. A later publish on the stream starts a new thread.
     */
    void stopDelivery() {
        events.close();
    }
}
