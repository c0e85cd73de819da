package io.devsec.update;

/** A public key is not an Ed25519 or ECDSA P-256 SubjectPublicKeyInfo in DER, or does not match its key id. */
public final class UnsupportedKeyException extends UpdateException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param problem what is wrong with the key
     */
    public UnsupportedKeyException(String problem) {
        super(problem);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param problem what is wrong with the key
     * @param cause the underlying failure
     */
    public UnsupportedKeyException(String problem, Throwable cause) {
        super(problem, cause);
    }
}
