package io.devsec.storage;

/** The file is damaged: truncated, altered or spliced (an authentication tag or checksum failed). */
public final class CorruptKeystoreException extends KeystoreException {
    private static final long serialVersionUID = 1L;

    public CorruptKeystoreException(String message) {
        super(message);
    }

    public CorruptKeystoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
