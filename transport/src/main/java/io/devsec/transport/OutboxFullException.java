package io.devsec.transport;

import java.io.IOException;

/** The outbox is at its message count or byte limit; the publish was not accepted. Nothing was dropped. */
public final class OutboxFullException extends IOException {
    private static final long serialVersionUID = 1L;
    /** See {@link #messages()}. */
    private final int messages;
    /** See {@link #bytes()}. */
    private final long bytes;
    /** See {@link #maxMessages()}. */
    private final int maxMessages;
    /** See {@link #maxBytes()}. */
    private final long maxBytes;

    /**
     * Creates the exception.
     *
     * @param messages messages in the outbox
     * @param bytes bytes in the outbox
     * @param maxMessages the message limit
     * @param maxBytes the byte limit
     */
    public OutboxFullException(int messages, long bytes, int maxMessages, long maxBytes) {
        super("outbox full: " + messages + " messages / " + bytes + " bytes pending, limits " + maxMessages + " messages / "
                + maxBytes + " bytes");
        this.messages = messages;
        this.bytes = bytes;
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
    }

    /**
     * Messages in the outbox when the publish was refused.
     *
     * @return the message count
     */
    public int messages() {
        return messages;
    }

    /**
     * Bytes in the outbox when the publish was refused.
     *
     * @return the byte count
     */
    public long bytes() {
        return bytes;
    }

    /**
     * The outbox's message limit.
     *
     * @return the limit
     */
    public int maxMessages() {
        return maxMessages;
    }

    /**
     * The outbox's byte limit.
     *
     * @return the limit
     */
    public long maxBytes() {
        return maxBytes;
    }
}
