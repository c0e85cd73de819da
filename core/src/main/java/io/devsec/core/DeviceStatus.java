package io.devsec.core;

import io.devsec.storage.MasterKeySource;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot of a device's credential state, for a status page or a support report. Holds no secret.
 * Immutable; {@link #toText()} renders it for people.
 */
public final class DeviceStatus {

    private final String deviceId;
    private final String productName;
    private final Optional<String> serialNumber;
    private final boolean certificateSelfSigned;
    private final String certificateSubject;
    private final String certificateIssuer;
    private final Instant certificateNotAfter;
    private final MasterKeySource.Kind masterKeyKind;
    private final boolean initialPasswordInUse;
    private final int consecutiveFailedLogins;
    private final int maxFailedLogins;
    private final boolean loginLocked;
    private final Optional<Duration> loginRetryAfter;
    private final Instant asOf;

    DeviceStatus(String deviceId, String productName, Optional<String> serialNumber, boolean certificateSelfSigned,
            String certificateSubject, String certificateIssuer, Instant certificateNotAfter,
            MasterKeySource.Kind masterKeyKind, boolean initialPasswordInUse, int consecutiveFailedLogins,
            int maxFailedLogins, boolean loginLocked, Optional<Duration> loginRetryAfter, Instant asOf) {
        this.deviceId = Objects.requireNonNull(deviceId);
        this.productName = Objects.requireNonNull(productName);
        this.serialNumber = Objects.requireNonNull(serialNumber);
        this.certificateSelfSigned = certificateSelfSigned;
        this.certificateSubject = Objects.requireNonNull(certificateSubject);
        this.certificateIssuer = Objects.requireNonNull(certificateIssuer);
        this.certificateNotAfter = Objects.requireNonNull(certificateNotAfter);
        this.masterKeyKind = Objects.requireNonNull(masterKeyKind);
        this.initialPasswordInUse = initialPasswordInUse;
        this.consecutiveFailedLogins = consecutiveFailedLogins;
        this.maxFailedLogins = maxFailedLogins;
        this.loginLocked = loginLocked;
        this.loginRetryAfter = Objects.requireNonNull(loginRetryAfter);
        this.asOf = Objects.requireNonNull(asOf);
    }

    /** The device id derived from the identity public key. */
    public String deviceId() {
        return deviceId;
    }

    public String productName() {
        return productName;
    }

    /** The serial number from the provisioning record, when the device was provisioned with one. */
    public Optional<String> serialNumber() {
        return serialNumber;
    }

    /** Whether the identity certificate is still the self-signed one (no issued certificate installed). */
    public boolean certificateSelfSigned() {
        return certificateSelfSigned;
    }

    public String certificateSubject() {
        return certificateSubject;
    }

    public String certificateIssuer() {
        return certificateIssuer;
    }

    /** When the identity certificate expires; 9999-12-31T23:59:59Z for the self-signed one (no expiry). */
    public Instant certificateNotAfter() {
        return certificateNotAfter;
    }

    /** The kind of master key protecting the keystore. */
    public MasterKeySource.Kind masterKeyKind() {
        return masterKeyKind;
    }

    /** Whether the password is still the initial one (label, generated, or set by a factory reset). */
    public boolean initialPasswordInUse() {
        return initialPasswordInUse;
    }

    public int consecutiveFailedLogins() {
        return consecutiveFailedLogins;
    }

    /** Consecutive failures after which login locks. */
    public int maxFailedLogins() {
        return maxFailedLogins;
    }

    /** Whether login is locked until a factory reset. */
    public boolean loginLocked() {
        return loginLocked;
    }

    /** How long until the next login attempt is allowed; empty when one is allowed now (or locked). */
    public Optional<Duration> loginRetryAfter() {
        return loginRetryAfter;
    }

    /** The device time this snapshot was taken. */
    public Instant asOf() {
        return asOf;
    }

    /** A multi-line report for people, in English. */
    public String toText() {
        StringBuilder b = new StringBuilder();
        b.append("Device id:            ").append(deviceId).append('\n');
        b.append("Product:              ").append(productName).append('\n');
        b.append("Serial number:        ").append(serialNumber.orElse("(not provisioned)")).append('\n');
        b.append("Identity certificate: ").append(certificateSelfSigned ? "self-signed (no issued certificate installed)"
                : "issued by " + certificateIssuer).append('\n');
        b.append("Certificate expires:  ").append(certificateSelfSigned ? "never (placeholder until an issued certificate is installed)"
                : certificateNotAfter.toString()).append('\n');
        b.append("Master key:           ").append(masterKeyKind).append('\n');
        b.append("Password:             ").append(initialPasswordInUse ? "initial password still in use (change it)"
                : "changed by the user").append('\n');
        b.append("Login:                ");
        if (loginLocked) {
            b.append("LOCKED after ").append(consecutiveFailedLogins).append(" failures (factory reset needed)");
        } else {
            b.append(consecutiveFailedLogins).append(" of ").append(maxFailedLogins).append(" failures");
            loginRetryAfter.ifPresent(d -> b.append(", next attempt in ").append(d.getSeconds()).append(" s"));
        }
        b.append('\n');
        b.append("As of:                ").append(asOf).append('\n');
        return b.toString();
    }

    @Override
    public String toString() {
        return "DeviceStatus{deviceId=" + deviceId + ", certificateSelfSigned=" + certificateSelfSigned
                + ", certificateNotAfter=" + certificateNotAfter + ", masterKeyKind=" + masterKeyKind
                + ", initialPasswordInUse=" + initialPasswordInUse + ", consecutiveFailedLogins=" + consecutiveFailedLogins
                + ", loginLocked=" + loginLocked + ", loginRetryAfter=" + loginRetryAfter.orElse(null) + "}";
    }
}
