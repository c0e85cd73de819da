package io.devsec.update;

/** A file path in an update is absolute, climbs with {@code ..}, or leaves its slot through a link. */
public final class UnsafePathException extends UpdateException {
    private static final long serialVersionUID = 1L;
    /** See {@link #path()}. */
    private final String path;

    /**
     * Creates the exception.
     *
     * @param path the path as given
     * @param problem why it is unsafe
     */
    public UnsafePathException(String path, String problem) {
        super("unsafe path '" + path + "': " + problem);
        this.path = path;
    }

    /**
     * The path as given in the update.
     *
     * @return the path
     */
    public String path() {
        return path;
    }
}
