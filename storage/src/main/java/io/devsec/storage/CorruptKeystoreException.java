package io.devsec.storage;

/** The file is damaged: truncated, altered or spliced (an authentication tag or checksum failed). */
public final class CorruptKeystoreException extends KeystoreException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong (never secret material)
     */
    public CorruptKeystoreException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong (never secret material)
     * @param cause the underlying failure
     */
    public CorruptKeystoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
