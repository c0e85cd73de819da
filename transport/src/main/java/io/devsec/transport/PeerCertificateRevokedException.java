package io.devsec.transport;

import java.math.BigInteger;
import java.security.cert.CertificateException;
import java.util.Date;
import java.util.Optional;

/**
 * A certificate on the broker's validated path is revoked (found on a CRL or reported revoked by
 * OCSP, see {@link RevocationSettings}). Thrown from the trust manager during the handshake, so
 * the JDK reports it as the cause of an {@link javax.net.ssl.SSLHandshakeException}; its own
 * cause is the JDK's {@link java.security.cert.CertificateRevokedException} when there is one.
 */
public final class PeerCertificateRevokedException extends CertificateException {
    private static final long serialVersionUID = 1L;
    /** The revoked certificate's subject distinguished name. */
    private final String subject;
    /** The revoked certificate's serial number. */
    private final BigInteger serialNumber;
    /** When it was revoked, or null when not known. */
    private final Date revocationDate;
    /** The CRL reason, or null when not known. */
    private final String reason;

    /**
     * @param subject the revoked certificate's subject
     * @param serialNumber its serial number
     * @param revocationDate when it was revoked, or null when not known
     * @param reason the CRL reason, or null when not known
     * @param cause the JDK's exception
     */
    public PeerCertificateRevokedException(String subject, BigInteger serialNumber, Date revocationDate, String reason,
            Throwable cause) {
        super("broker certificate revoked: " + subject + " serial " + (serialNumber == null ? "?" : serialNumber.toString(16))
                + (revocationDate != null ? " on " + revocationDate.toInstant() : "") + (reason != null ? " (" + reason + ")" : ""),
                cause);
        this.subject = subject;
        this.serialNumber = serialNumber;
        this.revocationDate = revocationDate == null ? null : new Date(revocationDate.getTime());
        this.reason = reason;
    }

    /** @return the revoked certificate's subject distinguished name */
    public String subject() {
        return subject;
    }

    /** @return the revoked certificate's serial number */
    public BigInteger serialNumber() {
        return serialNumber;
    }

    /** @return when the certificate was revoked, if the source said */
    public Optional<Date> revocationDate() {
        return revocationDate == null ? Optional.<Date>empty() : Optional.of(new Date(revocationDate.getTime()));
    }

    /** @return the revocation reason (a CRL reason name), if the source said */
    public Optional<String> reason() {
        return Optional.ofNullable(reason);
    }
}
