package io.devsec.storage;

import java.util.OptionalInt;

/** The file has a format version newer (or older) than this library reads; the file is left untouched. */
public final class UnsupportedFormatVersionException extends KeystoreException {
    private static final long serialVersionUID = 1L;

    /** The format version in the file; -1 when unknown. */
    private final int foundVersion;
    /** The format version this library reads; -1 when unknown. */
    private final int supportedVersion;

    /**
     * Creates the exception.
     *
     * @param message what went wrong (never secret material)
     */
    public UnsupportedFormatVersionException(String message) {
        super(message);
        this.foundVersion = -1;
        this.supportedVersion = -1;
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong (never secret material)
     * @param cause the underlying failure
     */
    public UnsupportedFormatVersionException(String message, Throwable cause) {
        super(message, cause);
        this.foundVersion = -1;
        this.supportedVersion = -1;
    }

    /**
     * A file of format {@code foundVersion} met a library that reads {@code supportedVersion}.
     *
     * @param message what went wrong
     * @param foundVersion the format version in the file
     * @param supportedVersion the format version this library reads
     */
    public UnsupportedFormatVersionException(String message, int foundVersion, int supportedVersion) {
        super(message);
        this.foundVersion = foundVersion;
        this.supportedVersion = supportedVersion;
    }

    /**
     * The format version in the file, when known.
     *
     * @return the version, or empty
     */
    public OptionalInt foundVersion() {
        return foundVersion < 0 ? OptionalInt.empty() : OptionalInt.of(foundVersion);
    }

    /**
     * The format version this library reads, when known.
     *
     * @return the version, or empty
     */
    public OptionalInt supportedVersion() {
        return supportedVersion < 0 ? OptionalInt.empty() : OptionalInt.of(supportedVersion);
    }
}
