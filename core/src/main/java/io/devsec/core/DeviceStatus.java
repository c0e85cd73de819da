package io.devsec.core;

import io.devsec.storage.MasterKeySource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot of a device's security state and a health check of its configuration, for a status page or a
 * support report (provision 4.12, ease of use). Holds no secret. Immutable; {@link #toText()} renders it
 * for people, with the {@linkplain #findings() findings} saying what is configured, what is missing and
 * what to do next.
 */
public final class DeviceStatus {

    /** The result of checking the installed software against the signed metadata it was installed from. */
    public enum SoftwareIntegrity {
        /** Updates were not started on this run, so nothing was checked. */
        NOT_CHECKED,
        /** The running image matches its signed metadata. */
        VERIFIED,
        /** No signed metadata is known for the running image (a factory image shipped without it). */
        UNVERIFIABLE,
        /** The running image does not match its signed metadata: the device is compromised. */
        COMPROMISED
    }

    /** One line of the health check. Immutable. */
    public static final class Finding {
        /** How urgent a finding is. */
        public enum Level {
            /** Configured as it should be. */
            OK,
            /** Missing or weak: the text says what to do. */
            ACTION,
            /** A security problem that needs attention now. */
            PROBLEM
        }

        private final Level level;
        private final String area;
        private final String text;

        Finding(Level level, String area, String text) {
            this.level = Objects.requireNonNull(level, "level");
            this.area = Objects.requireNonNull(area, "area");
            this.text = Objects.requireNonNull(text, "text");
        }

        public Level level() {
            return level;
        }

        /** What the finding is about, such as {@code "certificate"} or {@code "updates"}. */
        public String area() {
            return area;
        }

        /** Plain words: what is configured, or what is missing and what to do next. */
        public String text() {
            return text;
        }

        @Override
        public String toString() {
            return level + " " + area + ": " + text;
        }
    }

    /** What the facade knows beyond credentials; package-private carrier for the constructor. */
    static final class Extras {
        SoftwareIntegrity integrity = SoftwareIntegrity.NOT_CHECKED;
        Optional<String> securityTxt = Optional.empty();
        List<Finding> findings = new ArrayList<>();
        int mqttClients;
        int updateAgents;
        long securityEvents;
        long securityAlerts;
        Optional<String> certificateCommonName = Optional.empty();
        boolean certificateCnIsDeviceId = true;
    }

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
    private final SoftwareIntegrity integrity;
    private final Optional<String> securityTxt;
    private final List<Finding> findings;
    private final int mqttClients;
    private final int updateAgents;
    private final long securityEvents;
    private final long securityAlerts;
    private final Optional<String> certificateCommonName;
    private final boolean certificateCnIsDeviceId;

    DeviceStatus(String deviceId, String productName, Optional<String> serialNumber, boolean certificateSelfSigned,
            String certificateSubject, String certificateIssuer, Instant certificateNotAfter,
            MasterKeySource.Kind masterKeyKind, boolean initialPasswordInUse, int consecutiveFailedLogins,
            int maxFailedLogins, boolean loginLocked, Optional<Duration> loginRetryAfter, Instant asOf, Extras extras) {
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
        this.integrity = extras.integrity;
        this.securityTxt = extras.securityTxt;
        this.findings = Collections.unmodifiableList(new ArrayList<>(extras.findings));
        this.mqttClients = extras.mqttClients;
        this.updateAgents = extras.updateAgents;
        this.securityEvents = extras.securityEvents;
        this.securityAlerts = extras.securityAlerts;
        this.certificateCommonName = extras.certificateCommonName;
        this.certificateCnIsDeviceId = extras.certificateCnIsDeviceId;
    }

    /** The result of the software integrity check of this run (provision 4.7). */
    public SoftwareIntegrity softwareIntegrity() {
        return integrity;
    }

    /**
     * Whether the device is compromised: its running software failed the integrity check. Its MQTT clients
     * are quarantined (only the alert topic is reachable) until a valid update is installed and confirmed.
     */
    public boolean compromised() {
        return integrity == SoftwareIntegrity.COMPROMISED;
    }

    /** The RFC 9116 security.txt of the configured disclosure policy; empty when none is configured. */
    public Optional<String> securityTxt() {
        return securityTxt;
    }

    /** The health check, most urgent first: what is configured, what is missing and what to do next. */
    public List<Finding> findings() {
        return findings;
    }

    /** MQTT clients made by the facade and still open. */
    public int mqttClients() {
        return mqttClients;
    }

    /** Update agents started by the facade on this run. */
    public int updateAgents() {
        return updateAgents;
    }

    /** Security events published on the device's stream since this DeviceSecurity was built. */
    public long securityEvents() {
        return securityEvents;
    }

    /** Anomaly alerts raised since this DeviceSecurity was built. */
    public long securityAlerts() {
        return securityAlerts;
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

    /**
     * The common name (CN) of the identity certificate's subject, which a broker using it as the MQTT user name
     * (Mosquitto {@code use_identity_as_username}) sees.
     *
     * @return the CN; empty when the subject has none, more than one, or one in an unusual encoding
     */
    public Optional<String> certificateCommonName() {
        return certificateCommonName;
    }

    /**
     * Whether the identity certificate's subject CN is the device id, as a broker with a {@code devices/%u/#}
     * ACL needs. False only for a chain installed with {@link SubjectCheck#ACCEPT_ANY_SUBJECT} (or installed by
     * a version before this check): such a broker refuses every publish of this device.
     *
     * @return true when the CN is exactly the device id
     */
    public boolean certificateCnIsDeviceId() {
        return certificateCnIsDeviceId;
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

    /** Whether login is locked until an unlock on physical presence or a factory reset. */
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
        b.append("Certificate CN:       ").append(certificateCommonName.orElse("(none usable)"))
                .append(certificateCnIsDeviceId ? " (the device id, as a CN-as-user-name broker needs)"
                        : " (NOT the device id: a broker taking the CN as user name refuses this device's publishes)")
                .append('\n');
        b.append("Certificate expires:  ").append(certificateSelfSigned ? "never (placeholder until an issued certificate is installed)"
                : certificateNotAfter.toString()).append('\n');
        b.append("Master key:           ").append(masterKeyKind).append('\n');
        b.append("Password:             ").append(initialPasswordInUse ? "initial password still in use (change it)"
                : "changed by the user").append('\n');
        b.append("Login:                ");
        if (loginLocked) {
            b.append("LOCKED after ").append(consecutiveFailedLogins).append(" failures (unlock on physical presence or factory reset needed)");
        } else {
            b.append(consecutiveFailedLogins).append(" of ").append(maxFailedLogins).append(" failures");
            loginRetryAfter.ifPresent(d -> b.append(", next attempt in ").append(d.getSeconds()).append(" s"));
        }
        b.append('\n');
        b.append("Software integrity:   ").append(integrity == SoftwareIntegrity.COMPROMISED
                ? "COMPROMISED (quarantined: install a valid update)" : integrity.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '))
                .append('\n');
        b.append("Security events:      ").append(securityEvents).append(securityEvents == 1 ? " event, " : " events, ")
                .append(securityAlerts).append(securityAlerts == 1 ? " alert\n" : " alerts\n");
        b.append("Disclosure policy:    ").append(securityTxt.isPresent() ? "security.txt available"
                : "missing").append('\n');
        b.append("As of:                ").append(asOf).append('\n');
        b.append('\n').append("Health check:\n");
        for (Finding f : findings) {
            b.append("  [").append(f.level() == Finding.Level.OK ? " OK " : f.level() == Finding.Level.ACTION ? "TODO"
                    : "FAIL").append("] ").append(f.text()).append('\n');
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return "DeviceStatus{deviceId=" + deviceId + ", certificateSelfSigned=" + certificateSelfSigned
                + ", certificateNotAfter=" + certificateNotAfter + ", masterKeyKind=" + masterKeyKind
                + ", initialPasswordInUse=" + initialPasswordInUse + ", consecutiveFailedLogins=" + consecutiveFailedLogins
                + ", loginLocked=" + loginLocked + ", loginRetryAfter=" + loginRetryAfter.orElse(null)
                + ", softwareIntegrity=" + integrity + ", findings=" + findings.size() + "}";
    }
}
