package io.devsec.core.events;

/**
 * Receives the security event stream. Called on the publisher's thread, one call at a time per
 * {@link SecurityEvents}: return quickly and never block. An exception thrown here does not reach
 * the publisher or other listeners; it is logged at WARN, counted, and reported as a
 * {@link SecurityEvent.Type#LISTENER_FAILED} event.
 */
@FunctionalInterface
public interface SecurityEventListener {
    /** An event was published. */
    void onEvent(SecurityEvent event);

    /** The anomaly detector raised an alert. Default: ignore. */
    default void onAlert(SecurityAlert alert) {
    }
}
