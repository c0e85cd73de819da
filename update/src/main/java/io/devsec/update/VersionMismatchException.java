package io.devsec.update;

/** Signed metadata names another version than the one the device runs (integrity check at start). */
public final class VersionMismatchException extends UpdateException {
    private static final long serialVersionUID = 1L;
    private final long running;
    private final long signed;

    public VersionMismatchException(long running, long signed) {
        super("the device runs version " + running + " but the signed metadata is for version " + signed);
        this.running = running;
        this.signed = signed;
    }

    public long running() {
        return running;
    }

    public long signed() {
        return signed;
    }
}
