package io.devsec.transport;

import java.util.Objects;

/** A message to publish as part of a batch ({@link DeviceMqttClient#publishAll}). Immutable; the payload is copied in. */
public final class OutboundMessage {
    private final String topic;
    private final byte[] payload;

    private OutboundMessage(String topic, byte[] payload) {
        this.topic = topic;
        this.payload = payload;
    }

    /**
     * A message for {@code topic} (checked against the namespace when published).
     *
     * @param topic the full topic name
     * @param payload the payload (copied)
     * @return the message
     */
    public static OutboundMessage of(String topic, byte[] payload) {
        return new OutboundMessage(Objects.requireNonNull(topic, "topic"), Objects.requireNonNull(payload, "payload").clone());
    }

    /**
     * The topic the message is for.
     *
     * @return the full topic name
     */
    public String topic() {
        return topic;
    }

    /**
     * A copy of the payload.
     *
     * @return the payload (a new array on each call)
     */
    public byte[] payload() {
        return payload.clone();
    }

    byte[] payloadUnsafe() {
        return payload;
    }

    /** Topic and size; never the payload. */
    @Override
    public String toString() {
        return "OutboundMessage{" + TopicNamespace.printable(topic) + ", " + payload.length + " bytes}";
    }
}
