package io.devsec.core;

import java.util.Objects;
import java.util.Optional;

/**
 * An offered leaf certificate does not carry the device id as its subject common name (CN), so it was not
 * installed. The broker set-up DevSec documents (Mosquitto {@code use_identity_as_username} with the ACL
 * {@code pattern readwrite devices/%u/#}) takes the CN as the MQTT user name: with any other CN the device
 * would connect and look healthy while the broker refuses every publish (MQTT 5 PUBACK reason code 135,
 * "not authorized"; MQTT 3.1.1 drops them silently). A broker that maps certificates to devices another way
 * can be used by installing with {@link SubjectCheck#ACCEPT_ANY_SUBJECT}.
 */
public final class CertificateSubjectException extends DeviceSecurityException {
    private static final long serialVersionUID = 1L;

    private final String deviceId;
    private final String offeredSubject;
    private final String commonName;

    /**
     * @param deviceId the device's id, the CN the certificate should carry
     * @param offeredSubject the subject of the refused leaf certificate (RFC 2253)
     * @param commonName the CN the broker would take as user name, or {@code null} when there is none or it
     *     is ambiguous
     * @param reason what is wrong with the subject, a sentence
     */
    public CertificateSubjectException(String deviceId, String offeredSubject, String commonName, String reason) {
        super("The certificate for \"" + offeredSubject + "\" does not name device " + deviceId + " as its subject CN: "
                + reason + " A broker that takes the CN as the MQTT user name (Mosquitto use_identity_as_username with "
                + "ACL devices/%u/#) would refuse every publish. Have the CA keep the CSR's subject (CN=" + deviceId
                + "), or install with SubjectCheck.ACCEPT_ANY_SUBJECT if your broker maps certificates another way.");
        this.deviceId = Objects.requireNonNull(deviceId, "deviceId");
        this.offeredSubject = Objects.requireNonNull(offeredSubject, "offeredSubject");
        this.commonName = commonName;
    }

    /**
     * The device's id.
     *
     * @return the id the CN should equal
     */
    public String deviceId() {
        return deviceId;
    }

    /**
     * The subject of the refused leaf certificate.
     *
     * @return the subject, RFC 2253
     */
    public String offeredSubject() {
        return offeredSubject;
    }

    /**
     * The CN a broker would take as the user name.
     *
     * @return the CN, empty when the subject has none, more than one, or one in an encoding brokers read differently
     */
    public Optional<String> commonName() {
        return Optional.ofNullable(commonName);
    }
}
