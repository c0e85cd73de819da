package io.devsec.transport;


/**
 * The outbox journal is damaged or was altered: a record in the middle failed its checksum or
 * authentication tag (a torn record at the very end is expected after a crash and is cut, not
 * reported). The journal is left untouched for inspection.
 */
public final class CorruptOutboxException extends TransportException {
    private static final long serialVersionUID = 1L;
    /** See {@link #offset()}. */
    private final long offset;

    /**
     * Creates the exception.
     *
     * @param message what is damaged
     * @param offset byte offset of the damaged record in the journal file
     */
    public CorruptOutboxException(String message, long offset) {
        super(message + " (at byte " + offset + ")");
        this.offset = offset;
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what is damaged
     * @param offset byte offset of the damaged record in the journal file
     * @param cause the underlying failure (for example a failed authentication tag)
     */
    public CorruptOutboxException(String message, long offset, Throwable cause) {
        super(message + " (at byte " + offset + ")", cause);
        this.offset = offset;
    }

    /**
     * Byte offset of the damaged record in the journal file.
     *
     * @return the offset
     */
    public long offset() {
        return offset;
    }
}
