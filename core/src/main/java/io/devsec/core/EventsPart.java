package io.devsec.core;

import io.devsec.core.conformance.Evidence;
import io.devsec.core.conformance.EvidenceSink;
import io.devsec.core.conformance.Mechanism;
import io.devsec.core.events.SecurityAlert;
import io.devsec.core.events.SecurityEvent;
import io.devsec.core.events.SecurityEventListener;
import io.devsec.core.events.SecurityEvents;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

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
    private final AtomicLong eventCount = new AtomicLong();
    private final AtomicLong alertCount = new AtomicLong();
    private final SecurityEventListener counter;

    EventsPart(SecurityEvents events, Clock clock) {
        this.events = Objects.requireNonNull(events, "events");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.counter = new SecurityEventListener() {
            @Override
            public void onEvent(SecurityEvent event) {
                eventCount.incrementAndGet();
            }

            @Override
            public void onAlert(SecurityAlert alert) {
                alertCount.incrementAndGet();
            }
        };
        events.subscribe(counter);
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
     * Events published so far, counted by this part's own listener: the stream's lock is held while its
     * listeners run, so reading the stream's counters from a status call could wait for a listener that waits
     * for that call.
     */
    long eventCount() {
        return eventCount.get();
    }

    /** Anomaly alerts raised so far. */
    long alertCount() {
        return alertCount.get();
    }

    /** The status lines of the event stream: the alerts raised ({@code alerts}, counted when the status began). */
    void contributeStatus(StatusFindings findings, long alerts) {
        if (alerts > 0) {
            findings.action("telemetry", alerts + " anomaly alert(s) raised: see device.events().recentAlerts()");
        }
    }

    /** The evidence of the anomaly detector. */
    void contributeFacts(EvidenceSink sink) {
        sink.add(Mechanism.ANOMALY_DETECTION, events.anomalySettings().isPresent()
                ? Evidence.configured(Mechanism.ANOMALY_DETECTION, true, "anomaly detection over security events: "
                        + events.anomalySettings().get())
                : Evidence.configured(Mechanism.ANOMALY_DETECTION, false, "anomaly detection is off"));
    }

    /** Stops counting (the stream may be the application's and outlive the device). */
    void close() {
        events.unsubscribe(counter);
    }
}
