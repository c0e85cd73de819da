package io.devsec.update;

/** A public key is not an Ed25519 or ECDSA P-256 SubjectPublicKeyInfo in DER, or does not match its key id. */
public final class UnsupportedKeyException extends UpdateException {
    private static final long serialVersionUID = 1L;

    public UnsupportedKeyException(String problem) {
        super(problem);
    }

    public UnsupportedKeyException(String problem, Throwable cause) {
        super(problem, cause);
    }
}
