package io.devsec.update;

/**
 * An offered update is not newer than the installed version or than the highest version ever
 * installed (the anti-rollback floor): a rollback or a replay.
 */
public final class RollbackException extends UpdateException {
    private static final long serialVersionUID = 1L;
    private final long installed;
    private final long floor;
    private final long offered;

    public RollbackException(long installed, long floor, long offered) {
        super("offered version " + offered + " is not newer than installed version " + installed
                + " and highest installed version " + floor);
        this.installed = installed;
        this.floor = floor;
        this.offered = offered;
    }

    public long installed() {
        return installed;
    }

    /** The rollback counter: the highest version ever installed. */
    public long floor() {
        return floor;
    }

    public long offered() {
        return offered;
    }
}
