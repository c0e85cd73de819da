package io.devsec.core;

import java.util.Objects;

/**
 * An offered leaf certificate may not be used for TLS client authentication, so it was not installed: its
 * extended key usage lacks {@code clientAuth}, or its key usage lacks {@code digitalSignature}. A broker
 * refuses such a certificate in the handshake (OpenSSL, and so Mosquitto: "unsuitable certificate purpose").
 * Have the CA issue it with {@code extendedKeyUsage=clientAuth} and {@code keyUsage=critical,digitalSignature}.
 */
public final class CertificateUsageException extends DeviceSecurityException {
    private static final long serialVersionUID = 1L;

    private final String offeredSubject;

    /**
     * @param offeredSubject the subject of the refused leaf certificate (RFC 2253)
     * @param reason what the certificate's usage extensions allow instead, a sentence
     */
    public CertificateUsageException(String offeredSubject, String reason) {
        super("The certificate for \"" + offeredSubject + "\" may not be used for TLS client authentication: " + reason
                + " A broker refuses it in the handshake; have the CA add extendedKeyUsage=clientAuth and "
                + "keyUsage=critical,digitalSignature.");
        this.offeredSubject = Objects.requireNonNull(offeredSubject, "offeredSubject");
    }

    /**
     * The subject of the refused leaf certificate.
     *
     * @return the subject, RFC 2253
     */
    public String offeredSubject() {
        return offeredSubject;
    }
}
