package io.devsec.update;

/**
 * The image is shorter or longer than its signed length. For a longer image at most one byte beyond
 * the declared length was read, so endless data cannot fill the disk.
 */
public final class ImageLengthException extends UpdateException {
    private static final long serialVersionUID = 1L;
    /** See {@link #expected()}. */
    private final long expected;
    /** See {@link #actual()}. */
    private final long actual;
    /** See {@link #tooLong()}. */
    private final boolean tooLong;

    /**
     * Creates the exception.
     *
     * @param expected the signed image length
     * @param actual bytes read
     * @param tooLong whether the image was longer than signed
     */
    public ImageLengthException(long expected, long actual, boolean tooLong) {
        super(tooLong ? "image is longer than its signed length of " + expected + " bytes"
                : "image ended after " + actual + " of its signed " + expected + " bytes");
        this.expected = expected;
        this.actual = actual;
        this.tooLong = tooLong;
    }

    /**
     * The signed image length.
     *
     * @return the length in bytes
     */
    public long expected() {
        return expected;
    }

    /**
     * Bytes read: the full length when short, {@code expected + 1} when too long.
     *
     * @return the bytes read
     */
    public long actual() {
        return actual;
    }

    /**
     * Whether the image was longer than signed (else shorter).
     *
     * @return true when too long
     */
    public boolean tooLong() {
        return tooLong;
    }
}
