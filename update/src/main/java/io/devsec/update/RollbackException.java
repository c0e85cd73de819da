package io.devsec.update;

/**
 * An offered update is not newer than the installed version or than the highest version ever
 * installed (the anti-rollback floor): a rollback or a replay.
 */
public final class RollbackException extends UpdateException {
    private static final long serialVersionUID = 1L;
    /** See {@link #installed()}. */
    private final long installed;
    /** See {@link #floor()}. */
    private final long floor;
    /** See {@link #offered()}. */
    private final long offered;

    /**
     * Creates the exception.
     *
     * @param installed the installed version
     * @param floor the rollback counter: the highest version ever installed
     * @param offered the version offered
     */
    public RollbackException(long installed, long floor, long offered) {
        super("offered version " + offered + " is not newer than installed version " + installed
                + " and highest installed version " + floor);
        this.installed = installed;
        this.floor = floor;
        this.offered = offered;
    }

    /**
     * The version installed now.
     *
     * @return the installed version
     */
    public long installed() {
        return installed;
    }

    /**
     * The rollback counter: the highest version ever installed.
     *
     * @return the floor
     */
    public long floor() {
        return floor;
    }

    /**
     * The version that was offered and refused.
     *
     * @return the offered version
     */
    public long offered() {
        return offered;
    }
}
