package io.devsec.update;

/**
 * An envelope or payload is not well formed: not JSON, duplicate or unknown keys, trailing data,
 * a wrong type or an out-of-range number. {@link #field()} names where it went wrong.
 */
public final class MalformedMetadataException extends UpdateException {
    private static final long serialVersionUID = 1L;
    private final String field;

    public MalformedMetadataException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
    }

    public MalformedMetadataException(String field, String problem, Throwable cause) {
        super(field + ": " + problem, cause);
        this.field = field;
    }

    /** A path such as {@code payload.image.length}, or {@code envelope}. */
    public String field() {
        return field;
    }
}
