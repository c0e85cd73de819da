package io.devsec.transport;

import java.security.GeneralSecurityException;

/** A topic or filter lies outside the device's namespace (or is malformed); refused locally, nothing was sent. */
public final class TopicOutsideNamespaceException extends GeneralSecurityException {
    private static final long serialVersionUID = 1L;
    private final String topic;
    private final String prefix;

    public TopicOutsideNamespaceException(String topic, String prefix, String why) {
        super("topic '" + TopicNamespace.printable(topic) + "' refused: " + why + " (namespace " + prefix + ")");
        this.topic = topic;
        this.prefix = prefix;
    }

    public String topic() {
        return topic;
    }

    public String prefix() {
        return prefix;
    }
}
