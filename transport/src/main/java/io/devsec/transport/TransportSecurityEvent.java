package io.devsec.transport;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** A security-relevant outcome in transport, for core's event stream. Immutable; never carries payloads or keys. */
public final class TransportSecurityEvent {
    /** What happened. */
    public enum Type {
        /** The TLS handshake refused the broker (untrusted, expired, wrong name, pin mismatch, weak protocol). */
        PEER_REFUSED,
        /** The broker refused our connection (for example our certificate). */
        CONNECT_REFUSED,
        /** An inbound message failed a check and was dropped. */
        INBOUND_MESSAGE_REJECTED,
        /** The application tried a topic outside its namespace; refused locally. */
        TOPIC_REFUSED_LOCALLY,
        /** The broker refused a publish or subscription with a reason code of 0x80 or more. */
        BROKER_REFUSED,
        /** The device certificate expires within the renewal window. */
        CERTIFICATE_EXPIRING
    }

    private final Type type;
    private final Instant time;
    private final String detail;
    private final Optional<Throwable> cause;

    /**
     * Creates an event.
     *
     * @param type what happened
     * @param time when
     * @param detail a human-readable description, safe to log
     * @param cause the typed error behind the event, when there is one
     */
    public TransportSecurityEvent(Type type, Instant time, String detail, Optional<Throwable> cause) {
        this.type = Objects.requireNonNull(type, "type");
        this.time = Objects.requireNonNull(time, "time");
        this.detail = Objects.requireNonNull(detail, "detail");
        this.cause = Objects.requireNonNull(cause, "cause");
    }

    /**
     * What happened.
     *
     * @return the type
     */
    public Type type() {
        return type;
    }

    /**
     * When it happened.
     *
     * @return the time
     */
    public Instant time() {
        return time;
    }

    /**
     * A human-readable description, safe to log.
     *
     * @return the description
     */
    public String detail() {
        return detail;
    }

    /**
     * The typed error behind the event, when there is one.
     *
     * @return the cause, or empty
     */
    public Optional<Throwable> cause() {
        return cause;
    }

    @Override
    public String toString() {
        return "TransportSecurityEvent{" + type + " at " + time + ": " + detail + "}";
    }
}
