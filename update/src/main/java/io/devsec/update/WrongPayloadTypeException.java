package io.devsec.update;

/** An envelope holds another kind of metadata than expected (a root offered as an update, or the reverse). */
public final class WrongPayloadTypeException extends UpdateException {
    private static final long serialVersionUID = 1L;
    private final String expected;
    private final String found;

    public WrongPayloadTypeException(String expected, String found) {
        super("expected payload type " + expected + " but found " + found);
        this.expected = expected;
        this.found = found;
    }

    public String expected() {
        return expected;
    }

    public String found() {
        return found;
    }
}
