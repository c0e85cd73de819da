package io.devsec.update;

/** The update is built for other hardware. */
public final class WrongHardwareException extends UpdateException {
    private static final long serialVersionUID = 1L;
    /** See {@link #expected()}. */
    private final String expected;
    /** See {@link #found()}. */
    private final String found;

    /**
     * Creates the exception.
     *
     * @param expected this device's hardware id
     * @param found the hardware id in the metadata
     */
    public WrongHardwareException(String expected, String found) {
        super("update is for hardware '" + found + "' but this device is '" + expected + "'");
        this.expected = expected;
        this.found = found;
    }

    /**
     * This device's hardware id.
     *
     * @return the hardware id
     */
    public String expected() {
        return expected;
    }

    /**
     * The hardware id in the metadata.
     *
     * @return the hardware id
     */
    public String found() {
        return found;
    }
}
