package io.devsec.core;


/** An offered certificate's public key is not the device's identity key, so it was not installed. */
public final class CertificateMismatchException extends DeviceSecurityException {
    private static final long serialVersionUID = 1L;

    private final String deviceId;
    private final String offeredSubject;

    public CertificateMismatchException(String deviceId, String offeredSubject) {
        super("The certificate for \"" + offeredSubject + "\" does not hold the public key of device " + deviceId + ".");
        this.deviceId = deviceId;
        this.offeredSubject = offeredSubject;
    }

    /** The device's id. */
    public String deviceId() {
        return deviceId;
    }

    /** The subject of the refused leaf certificate. */
    public String offeredSubject() {
        return offeredSubject;
    }
}
