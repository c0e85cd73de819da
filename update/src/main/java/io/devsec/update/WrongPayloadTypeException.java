package io.devsec.update;

/** An envelope holds another kind of metadata than expected (a root offered as an update, or the reverse). */
public final class WrongPayloadTypeException extends UpdateException {
    private static final long serialVersionUID = 1L;
    /** See {@link #expected()}. */
    private final String expected;
    /** See {@link #found()}. */
    private final String found;

    /**
     * Creates the exception.
     *
     * @param expected the payload type expected
     * @param found the payload type in the envelope
     */
    public WrongPayloadTypeException(String expected, String found) {
        super("expected payload type " + expected + " but found " + found);
        this.expected = expected;
        this.found = found;
    }

    /**
     * The payload type expected.
     *
     * @return the expected type
     */
    public String expected() {
        return expected;
    }

    /**
     * The payload type in the envelope.
     *
     * @return the type found
     */
    public String found() {
        return found;
    }
}
