package io.devsec.core;

import io.devsec.core.events.SecurityEvent;
import java.util.Map;

/**
 * How a part raises a security event while it holds its own lock: the event is queued and published by the
 * facade once the call returns, outside every part's lock, so an event listener may call back into the device
 * without a lock-order deadlock. Implemented by {@link EventsPart}.
 */
@FunctionalInterface
interface EventSink {

    /**
     * Queues an event of source {@link SecurityEvent.Source#CORE}, timed now.
     *
     * @param type the event type
     * @param attributes its attributes (copied)
     */
    void queue(SecurityEvent.Type type, Map<String, String> attributes);
}
