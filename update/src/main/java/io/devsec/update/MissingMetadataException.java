package io.devsec.update;

/**
 * No signed metadata is stored for the version a slot holds, so its image cannot be checked: a trial
 * of it is never confirmed ({@link UpdateAgent#confirm()}).
 */
public final class MissingMetadataException extends UpdateException {
    private static final long serialVersionUID = 1L;
    /** The version without stored metadata. */
    private final long version;

    /**
     * @param version the version without stored metadata
     */
    public MissingMetadataException(long version) {
        super("no signed metadata is stored for version " + version + ": its integrity cannot be verified");
        this.version = version;
    }

    /**
     * The version without stored metadata.
     *
     * @return the version
     */
    public long version() {
        return version;
    }
}
