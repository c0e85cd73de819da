package io.devsec.update;

/** A file path in an update is absolute, climbs with {@code ..}, or leaves its slot through a link. */
public final class UnsafePathException extends UpdateException {
    private static final long serialVersionUID = 1L;
    private final String path;

    public UnsafePathException(String path, String problem) {
        super("unsafe path '" + path + "': " + problem);
        this.path = path;
    }

    public String path() {
        return path;
    }
}
