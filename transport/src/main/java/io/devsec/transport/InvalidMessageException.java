package io.devsec.transport;

import java.security.GeneralSecurityException;
import java.util.Objects;

/** An inbound message failed a check and was dropped before the application saw it. */
public final class InvalidMessageException extends GeneralSecurityException {
    private static final long serialVersionUID = 1L;

    /** Which check failed. */
    public enum Reason {
        /** The payload exceeds the inbound size limit. */
        TOO_LARGE,
        /** The topic name is empty, too long, holds wildcards or control characters. */
        MALFORMED_TOPIC,
        /** The topic is outside the device namespace. */
        OUTSIDE_NAMESPACE,
        /** The topic matches none of the device's subscriptions. */
        NOT_SUBSCRIBED,
        /** The application's {@link MessageValidator} refused it. */
        REJECTED_BY_VALIDATOR
    }

    /** See {@link #reason()}. */
    private final Reason reason;
    /** See {@link #topic()}. */
    private final String topic;

    /**
     * Creates the exception.
     *
     * @param reason why the message was refused
     * @param topic the topic it arrived on
     * @param detail what was wrong (never payload or secrets)
     */
    public InvalidMessageException(Reason reason, String topic, String detail) {
        super(Objects.requireNonNull(reason, "reason") + " on topic '" + TopicNamespace.printable(topic) + "': " + detail);
        this.reason = reason;
        this.topic = topic;
    }

    /**
     * For validators: the message is refused for {@code detail} (never put payload or secrets in it).
     *
     * @param topic the topic the message arrived on
     * @param detail what was wrong
     * @return the exception to throw
     */
    public static InvalidMessageException rejected(String topic, String detail) {
        return new InvalidMessageException(Reason.REJECTED_BY_VALIDATOR, topic, detail);
    }

    /**
     * Why the message was refused.
     *
     * @return the reason
     */
    public Reason reason() {
        return reason;
    }

    /**
     * The topic the refused message arrived on.
     *
     * @return the topic, as received
     */
    public String topic() {
        return topic;
    }
}
