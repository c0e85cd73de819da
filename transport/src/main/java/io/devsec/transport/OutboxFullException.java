package io.devsec.transport;

import java.io.IOException;

/** The outbox is at its message count or byte limit; the publish was not accepted. Nothing was dropped. */
public final class OutboxFullException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int messages;
    private final long bytes;
    private final int maxMessages;
    private final long maxBytes;

    public OutboxFullException(int messages, long bytes, int maxMessages, long maxBytes) {
        super("outbox full: " + messages + " messages / " + bytes + " bytes pending, limits " + maxMessages + " messages / "
                + maxBytes + " bytes");
        this.messages = messages;
        this.bytes = bytes;
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
    }

    public int messages() {
        return messages;
    }

    public long bytes() {
        return bytes;
    }

    public int maxMessages() {
        return maxMessages;
    }

    public long maxBytes() {
        return maxBytes;
    }
}
