package io.devsec.core.validation;

import io.devsec.transport.Qos;
import java.util.Objects;

/**
 * An inbound MQTT message that passed transport's checks and its subscription's parser, with the
 * parsed value. Immutable as far as the value is.
 *
 * @param <T> the parsed value's type
 */
public final class ValidatedMessage<T> {
    private final String topic;
    private final String relativeTopic;
    private final T value;
    private final Qos qos;
    private final boolean retained;

    ValidatedMessage(String topic, String relativeTopic, T value, Qos qos, boolean retained) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.relativeTopic = Objects.requireNonNull(relativeTopic, "relativeTopic");
        this.value = Objects.requireNonNull(value, "value");
        this.qos = Objects.requireNonNull(qos, "qos");
        this.retained = retained;
    }

    /**
     * The full topic name, such as {@code devices/thermo-1/cmd/setpoint}.
     *
     * @return the topic
     */
    public String topic() {
        return topic;
    }

    /**
     * The topic name relative to the device namespace, such as {@code cmd/setpoint}.
     *
     * @return the relative topic
     */
    public String relativeTopic() {
        return relativeTopic;
    }

    /**
     * What the subscription's parser made of the payload (for a {@link Schema}, the JSON tree; it is
     * this message's own: change it freely).
     *
     * @return the parsed value
     */
    public T value() {
        return value;
    }

    /**
     * The QoS the message arrived with.
     *
     * @return the QoS
     */
    public Qos qos() {
        return qos;
    }

    /**
     * Whether the broker kept it as the topic's retained message.
     *
     * @return true when retained
     */
    public boolean retained() {
        return retained;
    }

    /** Topic and QoS; never the value. */
    @Override
    public String toString() {
        return "ValidatedMessage{" + relativeTopic + ", " + qos + (retained ? ", retained" : "") + "}";
    }
}
