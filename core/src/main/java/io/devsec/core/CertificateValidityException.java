package io.devsec.core;

import java.time.Instant;

/** A certificate in an offered chain is expired or not yet valid at the device's current time. */
public final class CertificateValidityException extends DeviceSecurityException {
    private static final long serialVersionUID = 1L;

    private final int index;
    private final Instant notBefore;
    private final Instant notAfter;
    private final Instant now;

    public CertificateValidityException(int index, Instant notBefore, Instant notAfter, Instant now) {
        super("Certificate " + index + " of the chain is " + (now.isBefore(notBefore) ? "not yet valid" : "expired")
                + ": valid from " + notBefore + " to " + notAfter + ", now " + now + ".");
        this.index = index;
        this.notBefore = notBefore;
        this.notAfter = notAfter;
        this.now = now;
    }

    /** Position in the chain, 0 for the leaf. */
    public int index() {
        return index;
    }

    public Instant notBefore() {
        return notBefore;
    }

    public Instant notAfter() {
        return notAfter;
    }

    /** The device's time when the check ran. */
    public Instant now() {
        return now;
    }

    /** Whether the certificate has expired (rather than not being valid yet). */
    public boolean expired() {
        return now.isAfter(notAfter);
    }
}
