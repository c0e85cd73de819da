package io.devsec.update;

/**
 * An envelope or payload is not well formed: not JSON, duplicate or unknown keys, trailing data,
 * a wrong type or an out-of-range number. {@link #field()} names where it went wrong.
 */
public final class MalformedMetadataException extends UpdateException {
    private static final long serialVersionUID = 1L;
    /** See {@link #field()}. */
    private final String field;

    /**
     * Creates the exception.
     *
     * @param field the path of the bad field, such as {@code payload.image.length}
     * @param problem what is wrong with it
     */
    public MalformedMetadataException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
    }

    /**
     * Creates the exception with its cause.
     *
     * @param field the path of the bad field, such as {@code payload.image.length}
     * @param problem what is wrong with it
     * @param cause the underlying failure
     */
    public MalformedMetadataException(String field, String problem, Throwable cause) {
        super(field + ": " + problem, cause);
        this.field = field;
    }

    /**
     * A path such as {@code payload.image.length}, or {@code envelope}.
     *
     * @return the field path
     */
    public String field() {
        return field;
    }
}
