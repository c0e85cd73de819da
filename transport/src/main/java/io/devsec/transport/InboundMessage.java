package io.devsec.transport;

import java.util.Arrays;
import java.util.Objects;

/** A message from the broker that passed DevSec's inbound checks. Immutable; the payload is copied out. */
public final class InboundMessage {
    private final String topic;
    private final byte[] payload;
    private final Qos qos;
    private final boolean retained;

    public InboundMessage(String topic, byte[] payload, Qos qos, boolean retained) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.payload = Objects.requireNonNull(payload, "payload").clone();
        this.qos = Objects.requireNonNull(qos, "qos");
        this.retained = retained;
    }

    public String topic() {
        return topic;
    }

    /** A copy of the payload. */
    public byte[] payload() {
        return payload.clone();
    }

    public int payloadSize() {
        return payload.length;
    }

    public Qos qos() {
        return qos;
    }

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
