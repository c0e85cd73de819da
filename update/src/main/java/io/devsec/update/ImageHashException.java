package io.devsec.update;

/** The image's SHA-256 differs from the signed one. */
public final class ImageHashException extends UpdateException {
    private static final long serialVersionUID = 1L;
    /** See {@link #expected()}. */
    private final String expected;
    /** See {@link #actual()}. */
    private final String actual;

    /**
     * Creates the exception.
     *
     * @param expected the signed SHA-256, hex
     * @param actual the image's SHA-256, hex
     */
    public ImageHashException(String expected, String actual) {
        super("image SHA-256 is " + actual + " but the signed SHA-256 is " + expected);
        this.expected = expected;
        this.actual = actual;
    }

    /**
     * The signed SHA-256.
     *
     * @return 64 lowercase hex digits
     */
    public String expected() {
        return expected;
    }

    /**
     * The image's SHA-256.
     *
     * @return 64 lowercase hex digits
     */
    public String actual() {
        return actual;
    }
}
