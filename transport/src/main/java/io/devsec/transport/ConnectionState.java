package io.devsec.transport;

/** Where the client's connection to the broker stands. */
public enum ConnectionState {
    /** Built, {@code start()} not yet called. */
    NEW,
    /** Connecting, or waiting for the (jittered) first connect. */
    CONNECTING,
    /** Connected: outbox messages flow, subscriptions are active. */
    CONNECTED,
    /** Connection lost or refused; waiting for the next attempt. Publishing still queues in the outbox. */
    DISCONNECTED,
    /** Closed by the application; terminal. */
    CLOSED
}
