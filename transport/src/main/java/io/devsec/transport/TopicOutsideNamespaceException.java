package io.devsec.transport;

import java.security.GeneralSecurityException;

/** A topic or filter lies outside the device's namespace (or is malformed); refused locally, nothing was sent. */
public final class TopicOutsideNamespaceException extends GeneralSecurityException {
    private static final long serialVersionUID = 1L;
    /** See {@link #topic()}. */
    private final String topic;
    /** See {@link #prefix()}. */
    private final String prefix;

    /**
     * Creates the exception.
     *
     * @param topic the refused topic or filter
     * @param prefix the device's namespace prefix
     * @param why what is wrong with it
     */
    public TopicOutsideNamespaceException(String topic, String prefix, String why) {
        super("topic '" + TopicNamespace.printable(topic) + "' refused: " + why + " (namespace " + prefix + ")");
        this.topic = topic;
        this.prefix = prefix;
    }

    /**
     * The refused topic or filter.
     *
     * @return the topic or filter
     */
    public String topic() {
        return topic;
    }

    /**
     * The device's namespace prefix.
     *
     * @return the prefix
     */
    public String prefix() {
        return prefix;
    }
}
