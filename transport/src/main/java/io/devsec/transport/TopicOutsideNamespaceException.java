package io.devsec.transport;

/**
 * A topic or filter lies outside the device's namespace, is malformed, or is refused because the client is
 * quarantined; refused locally, nothing was sent.
 *
 * <p>Unchecked: the topics an application publishes to are its own constants, so a refusal is a programming
 * error (or, for quarantine, a state the application learns from the security events). An inbound message on
 * such a topic is not reported with this type but dropped as an {@link InvalidMessageException}.
 */
public final class TopicOutsideNamespaceException extends IllegalArgumentException {
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
