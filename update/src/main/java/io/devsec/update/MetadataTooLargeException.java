package io.devsec.update;

/** An envelope or payload exceeded its size cap; it was refused before parsing. */
public final class MetadataTooLargeException extends UpdateException {
    private static final long serialVersionUID = 1L;
    /** See {@link #limit()}. */
    private final long limit;
    /** See {@link #size()}. */
    private final long size;

    /**
     * Creates the exception.
     *
     * @param what what was too large (envelope or payload)
     * @param limit the cap in bytes
     * @param size how many bytes were seen
     */
    public MetadataTooLargeException(String what, long limit, long size) {
        super(what + " is larger than the limit of " + limit + " bytes (read " + size + ")");
        this.limit = limit;
        this.size = size;
    }

    /**
     * The cap in bytes.
     *
     * @return the cap
     */
    public long limit() {
        return limit;
    }

    /**
     * How many bytes were seen (at least {@code limit + 1}).
     *
     * @return the size seen
     */
    public long size() {
        return size;
    }
}
