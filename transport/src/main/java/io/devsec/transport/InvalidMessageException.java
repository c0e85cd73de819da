package io.devsec.transport;

import java.util.Objects;
import java.util.Optional;

/** An inbound message failed a check and was dropped before the application saw it. */
public final class InvalidMessageException extends TransportException {
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
    /** See {@link #rule()}; null when no rule was named. */
    private final String rule;
    /** See {@link #path()}; null when no place was named. */
    private final String path;

    /**
     * Creates the exception.
     *
     * @param reason why the message was refused
     * @param topic the topic it arrived on
     * @param detail what was wrong (never payload or secrets)
     */
    public InvalidMessageException(Reason reason, String topic, String detail) {
        this(reason, topic, detail, null, null);
    }

    private InvalidMessageException(Reason reason, String topic, String detail, String rule, String path) {
        super(Objects.requireNonNull(reason, "reason") + " on topic '" + TopicNamespace.printable(topic) + "': " + detail);
        this.reason = reason;
        this.topic = topic;
        this.rule = rule;
        this.path = path;
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
     * For validators that check a document against named rules: the message is refused by {@code rule} at
     * {@code path}, facts a listener can read from {@link #rule()} and {@link #path()} without parsing the
     * message or unwrapping a cause.
     *
     * @param topic the topic the message arrived on
     * @param detail what was wrong (never payload or secrets)
     * @param rule the name of the rule that refused it, such as {@code MISSING_FIELD}
     * @param path where in the document, such as {@code $.command}
     * @return the exception to throw
     */
    public static InvalidMessageException rejected(String topic, String detail, String rule, String path) {
        return new InvalidMessageException(Reason.REJECTED_BY_VALIDATOR, topic, detail,
                Objects.requireNonNull(rule, "rule"), Objects.requireNonNull(path, "path"));
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

    /**
     * The rule that refused the message, when the validator named one.
     *
     * @return the rule's name, such as {@code MISSING_FIELD}
     */
    public Optional<String> rule() {
        return Optional.ofNullable(rule);
    }

    /**
     * Where in the document the rule refused it, when the validator named the place.
     *
     * @return the path, such as {@code $.command}
     */
    public Optional<String> path() {
        return Optional.ofNullable(path);
    }
}
