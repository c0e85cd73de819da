package io.devsec.core;


/** An offered certificate chain is not a chain: a certificate is not issued and signed by the next one. */
public final class CertificateChainException extends DeviceSecurityException {
    private static final long serialVersionUID = 1L;

    private final int index;

    public CertificateChainException(int index, String message) {
        super("Certificate " + index + " of the chain " + message);
        this.index = index;
    }

    /** Position in the chain of the certificate whose link to the next one failed, 0 for the leaf. */
    public int index() {
        return index;
    }
}
