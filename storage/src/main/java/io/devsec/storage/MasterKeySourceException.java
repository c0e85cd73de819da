package io.devsec.storage;

/**
 * A master-key source (a PKCS#11 token, a TPM, a platform key store of the application's own
 * {@link MasterKeySource}) refused to produce or unwrap the key for a reason that has no more specific
 * subclass of {@link KeystoreException}. Never carries secret material.
 */
public final class MasterKeySourceException extends KeystoreException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what the source refused (never secret material)
     */
    public MasterKeySourceException(String message) {
        super(message);
    }

    /**
     * Creates the exception with the source's own failure as its cause.
     *
     * @param message what the source refused (never secret material)
     * @param cause the source's failure
     */
    public MasterKeySourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
