package io.devsec.update;

/** Signed metadata names another version than the one the device runs (integrity check at start). */
public final class VersionMismatchException extends UpdateException {
    private static final long serialVersionUID = 1L;
    /** See {@link #running()}. */
    private final long running;
    /** See {@link #signed()}. */
    private final long signed;

    /**
     * Creates the exception.
     *
     * @param running the version the device runs
     * @param signed the version the signed metadata names
     */
    public VersionMismatchException(long running, long signed) {
        super("the device runs version " + running + " but the signed metadata is for version " + signed);
        this.running = running;
        this.signed = signed;
    }

    /**
     * The version the device runs.
     *
     * @return the running version
     */
    public long running() {
        return running;
    }

    /**
     * The version the signed metadata names.
     *
     * @return the signed version
     */
    public long signed() {
        return signed;
    }
}
