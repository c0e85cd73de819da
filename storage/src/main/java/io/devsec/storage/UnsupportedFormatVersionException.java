package io.devsec.storage;

/** The file has a format version newer (or older) than this library reads. */
public final class UnsupportedFormatVersionException extends KeystoreException {
    private static final long serialVersionUID = 1L;

    public UnsupportedFormatVersionException(String message) {
        super(message);
    }

    public UnsupportedFormatVersionException(String message, Throwable cause) {
        super(message, cause);
    }
}
