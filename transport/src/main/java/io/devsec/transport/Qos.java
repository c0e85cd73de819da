package io.devsec.transport;

/** MQTT quality of service levels DevSec offers. QoS 2 is not offered: the outbox gives at-least-once. */
public enum Qos {
    /** Fire and forget; refused with {@link NotConnectedException} while offline. */
    AT_MOST_ONCE(0),
    /** Persisted in the outbox before {@code publish} returns; delivered at least once, in order. */
    AT_LEAST_ONCE(1);

    private final int level;

    Qos(int level) {
        this.level = level;
    }

    /**
     * The level on the wire: 0 or 1.
     *
     * @return the QoS level
     */
    public int level() {
        return level;
    }
}
