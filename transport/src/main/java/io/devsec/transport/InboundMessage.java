package io.devsec.transport;

import java.util.Arrays;
import java.util.Objects;

/** A message from the broker that passed DevSec's inbound checks. Immutable; the payload is copied out. */
public final class InboundMessage {
    private final String topic;
    private final byte[] payload;
    private final Qos qos;
    private final boolean retained;

    /**
     * Creates a message; the payload is copied.
     *
     * @param topic the topic it arrived on
     * @param payload its payload
     * @param qos the QoS it was delivered with
     * @param retained whether the broker delivered it as a retained message
     */
    public InboundMessage(String topic, byte[] payload, Qos qos, boolean retained) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.payload = Objects.requireNonNull(payload, "payload").clone();
        this.qos = Objects.requireNonNull(qos, "qos");
        this.retained = retained;
    }

    /**
     * The topic the message arrived on.
     *
     * @return the topic
     */
    public String topic() {
        return topic;
    }

    /**
     * A copy of the payload.
     *
     * @return the payload bytes (a new array on each call)
     */
    public byte[] payload() {
        return payload.clone();
    }

    /**
     * The payload's length, without copying it.
     *
     * @return the number of payload bytes
     */
    public int payloadSize() {
        return payload.length;
    }

    /**
     * The QoS the message was delivered with.
     *
     * @return the QoS
     */
    public Qos qos() {
        return qos;
    }

    /**
     * Whether the broker delivered a retained message.
     *
     * @return true for a retained message
     */
    public boolean retained() {
        return retained;
    }

    /** Topic, size and QoS; never the payload. */
    @Override
    public String toString() {
        return "InboundMessage{" + TopicNamespace.printable(topic) + ", " + payload.length + " bytes, " + qos + "}";
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof InboundMessage)) {
            return false;
        }
        InboundMessage m = (InboundMessage) o;
        return topic.equals(m.topic) && Arrays.equals(payload, m.payload) && qos == m.qos && retained == m.retained;
    }

    @Override
    public int hashCode() {
        return topic.hashCode() * 31 + Arrays.hashCode(payload);
    }
}
