package io.devsec.update;

/** A new root's version is not exactly one more than the trusted root's (a rollback or a skip). */
public final class RootVersionException extends UpdateException {
    private static final long serialVersionUID = 1L;
    /** See {@link #trusted()}. */
    private final long trusted;
    /** See {@link #offered()}. */
    private final long offered;

    /**
     * Creates the exception.
     *
     * @param trusted the trusted root's version
     * @param offered the new root's version
     */
    public RootVersionException(long trusted, long offered) {
        super("root version " + offered + " does not follow trusted root version " + trusted + " (expected "
                + (trusted + 1) + ")");
        this.trusted = trusted;
        this.offered = offered;
    }

    /**
     * The trusted root's version.
     *
     * @return the trusted version
     */
    public long trusted() {
        return trusted;
    }

    /**
     * The offered root's version.
     *
     * @return the offered version
     */
    public long offered() {
        return offered;
    }
}
