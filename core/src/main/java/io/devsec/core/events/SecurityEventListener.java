package io.devsec.core.events;

/**
 * Receives the security event stream. Called on the stream's own delivery thread
 * ({@value SecurityEvents#THREAD_NAME}), never on the publisher's (an MQTT or update thread), one
 * call at a time per {@link SecurityEvents}, in publish order. Return quickly: while a listener
 * blocks, later events wait in a bounded queue and, when it is full, non-critical ones are not
 * delivered (see {@link SecurityEvents}). A listener may call back into the device. An exception
 * thrown here does not reach the publisher or other listeners; it is logged at WARN, counted, and
 * reported as a {@link SecurityEvent.Type#LISTENER_FAILED} event.
 */
@FunctionalInterface
public interface SecurityEventListener {
    /** An event was published. */
    void onEvent(SecurityEvent event);

    /** The anomaly detector raised an alert. Default: ignore. */
    default void onAlert(SecurityAlert alert) {
    }
}
