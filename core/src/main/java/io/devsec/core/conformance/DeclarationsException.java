package io.devsec.core.conformance;

import io.devsec.core.DeviceSecurityException;

/**
 * A declarations file was refused: not JSON, a duplicate or unknown field, a wrong type or a value out of range.
 * The message names the JSON path of the offending field.
 */
public final class DeclarationsException extends DeviceSecurityException {

    private static final long serialVersionUID = 1L;

    private final String path;

    /**
     * @param path the JSON path of the offending field, e.g. {@code $.vulnerabilityHandling.acknowledgementDays}
     * @param message what is wrong
     */
    public DeclarationsException(String path, String message) {
        super(path + ": " + message);
        this.path = path;
    }

    /** @return the JSON path of the offending field ({@code $} for the document) */
    public String path() {
        return path;
    }
}
