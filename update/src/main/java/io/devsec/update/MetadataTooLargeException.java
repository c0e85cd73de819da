package io.devsec.update;

/** An envelope or payload exceeded its size cap; it was refused before parsing. */
public final class MetadataTooLargeException extends UpdateException {
    private static final long serialVersionUID = 1L;
    private final long limit;
    private final long size;

    public MetadataTooLargeException(String what, long limit, long size) {
        super(what + " is larger than the limit of " + limit + " bytes (read " + size + ")");
        this.limit = limit;
        this.size = size;
    }

    /** The cap in bytes. */
    public long limit() {
        return limit;
    }

    /** How many bytes were seen (at least {@code limit + 1}). */
    public long size() {
        return size;
    }
}
