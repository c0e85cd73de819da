package io.devsec.transport;

import java.io.IOException;

/** A QoS 0 publish while the client is not connected: QoS 0 is never queued, and never dropped silently either. */
public final class NotConnectedException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong (never secret material)
     */
    public NotConnectedException(String message) {
        super(message);
    }
}
