package io.devsec.transport.internal;

import io.devsec.transport.InboundMessage;
import io.devsec.transport.InvalidMessageException;
import io.devsec.transport.InvalidMessageException.Reason;
import io.devsec.transport.MessageValidator;
import io.devsec.transport.Qos;
import io.devsec.transport.TopicNamespace;
import io.devsec.transport.TopicOutsideNamespaceException;
import java.util.Collection;

/**
 * The inbound checks, in order: payload size, topic well-formed and inside the namespace, topic
 * matches a subscription, then the application's validator. Only {@link InvalidMessageException}
 * leaves this class; a validator that throws anything else counts as a rejection too.
 */
public final class InboundGate {
    private final TopicNamespace namespace;
    private final int maxPayloadBytes;
    private final MessageValidator validator;

    public InboundGate(TopicNamespace namespace, int maxPayloadBytes, MessageValidator validator) {
        this.namespace = namespace;
        this.maxPayloadBytes = maxPayloadBytes;
        this.validator = validator;
    }

    /**
     * All checks, for a message that must match one of {@code filters}: {@link #admit}, a
     * subscription match, then {@link #validate}.
     */
    public InboundMessage check(String topic, byte[] payload, int qos, boolean retained, Collection<String> filters)
            throws InvalidMessageException {
        InboundMessage m = admit(topic, payload, qos, retained);
        boolean subscribed = false;
        for (String f : filters) {
            if (TopicNamespace.matches(f, m.topic())) {
                subscribed = true;
                break;
            }
        }
        if (!subscribed) {
            throw notSubscribed(m.topic());
        }
        validate(m);
        return m;
    }

    /** The refusal of a message that matches no subscription. */
    public static InvalidMessageException notSubscribed(String topic) {
        return new InvalidMessageException(Reason.NOT_SUBSCRIBED, topic, "matches no subscription");
    }

    /** The checks before any subscription is looked at: payload size, topic well-formed and inside the namespace. */
    public InboundMessage admit(String topic, byte[] payload, int qos, boolean retained) throws InvalidMessageException {
        String t = topic == null ? "" : topic;
        if (payload == null) {
            payload = new byte[0];
        }
        if (payload.length > maxPayloadBytes) {
            throw new InvalidMessageException(Reason.TOO_LARGE, t,
                    payload.length + " bytes exceeds the limit of " + maxPayloadBytes);
        }
        if (!TopicNamespace.isWellFormedTopicName(t)) {
            throw new InvalidMessageException(Reason.MALFORMED_TOPIC, t, "malformed topic");
        }
        try {
            namespace.checkTopicName(t);
        } catch (TopicOutsideNamespaceException e) {
            throw new InvalidMessageException(Reason.OUTSIDE_NAMESPACE, t, "outside " + namespace.prefix());
        }
        return new InboundMessage(t, payload, qos >= 1 ? Qos.AT_LEAST_ONCE : Qos.AT_MOST_ONCE, retained);
    }

    /** The client's validator; anything it throws other than {@link InvalidMessageException} refuses too. */
    public void validate(InboundMessage m) throws InvalidMessageException {
        try {
            validator.validate(m);
        } catch (InvalidMessageException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new InvalidMessageException(Reason.REJECTED_BY_VALIDATOR, m.topic(),
                    "validator failed with " + e.getClass().getSimpleName());
        }
    }
}
