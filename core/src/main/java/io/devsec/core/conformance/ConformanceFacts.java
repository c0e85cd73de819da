package io.devsec.core.conformance;

import io.devsec.storage.MasterKeySource;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a device's live configuration provides, as plain facts, for {@link ConformanceStatement#generate}.
 *
 * <p>Every fact is something the device can read from its own state: which master key protects the keystore,
 * whether updates are configured and with what root threshold, which TLS versions the MQTT connection allows,
 * and so on. Facts hold no secret: no password, key or token, only kinds, counts, names and settings.
 *
 * <p>Every fact starts at "not configured" (false, zero, empty), so a fact the caller forgets to set turns
 * the rows that depend on it into N with a reason, never into a Y the device does not earn. Build with
 * {@link #builder(String, String)}; {@code DeviceSecurity.conformanceStatement()} fills it from the facade.
 *
 * <p>Immutable and thread-safe.
 */
public final class ConformanceFacts {

    /** Where the device's current password came from (provision 4.1). */
    public enum PasswordOrigin {
        /** No device password is managed by the SDK. */
        NOT_CONFIGURED,
        /** Generated at first start from {@code SecureRandom}, unique to this device. */
        GENERATED_ON_DEVICE,
        /** Generated per device at the factory and printed on its label (provisioning record). */
        PROVISIONED_LABEL,
        /** Changed by the user to one that passed the password policy. */
        CHANGED_BY_USER
    }

    /** Whether the device processes personal data (provisions 4.8 and 4.11). */
    public enum PersonalDataUse {
        /** The device maker has not said: the personal data rows are N. */
        UNDECLARED,
        /** The device maker declares that the device processes no personal data: those rows are N/A. */
        NONE,
        /** The device processes personal data, for the registered consent purposes. */
        PROCESSED
    }

    /** The state of the check of the installed software against its signed metadata (provision 4.7). */
    public enum IntegrityCheck {
        /** No integrity check is configured. */
        NOT_CONFIGURED,
        /** Configured but has not run yet in this process. */
        NOT_YET_RUN,
        /** Configured, but no signed metadata is known for the running image (a factory image shipped without it). */
        UNVERIFIABLE,
        /** The installed software matched its signed metadata. */
        PASSED,
        /** The installed software did not match its signed metadata. */
        FAILED
    }

    private final String productName;
    private final String deviceId;
    private final Optional<String> serialNumber;

    private final PasswordOrigin passwordOrigin;
    private final Optional<String> passwordHashing;
    private final Optional<String> passwordPolicy;
    private final int loginThrottleMaxFailures;
    private final boolean loginThrottlePersisted;
    private final boolean factoryResetRegeneratesPassword;

    private final List<String> disclosureContacts;
    private final Optional<Instant> disclosurePolicyExpires;
    private final Optional<String> disclosurePolicyUrl;
    private final boolean securityTxtAvailable;
    private final Optional<String> sbom;
    private final Optional<String> vulnerabilityMonitoring;

    private final boolean updatesConfigured;
    private final int updateRootThreshold;
    private final int updateRootKeys;
    private final Optional<String> updateHardwareId;
    private final long antiRollbackFloor;
    private final Optional<String> updateTrialPolicy;
    private final boolean automaticUpdates;
    private final Optional<Duration> updateCheckInterval;
    private final Optional<LocalDate> supportUntil;
    private final Optional<String> endOfLifePolicyUrl;

    private final Optional<MasterKeySource.Kind> masterKeyKind;
    private final boolean keystorePermissionsEnforced;
    private final boolean keystoreRollbackDetected;
    private final boolean identityGeneratedOnDevice;

    private final boolean mqttConfigured;
    private final Optional<String> mqttProtocol;
    private final Optional<String> topicNamespace;
    private final List<String> tlsProtocols;
    private final boolean tlsInsecureLegacyAllowed;
    private final boolean mutualTls;
    private final int tlsPinCount;
    private final boolean certificateIssued;
    private final Optional<Duration> certificateRenewalWindow;

    private final boolean listeningSocketsChecked;
    private final List<String> listeningSockets;
    private final Optional<String> hardwareInterfaces;
    private final List<String> enabledFeatures;
    private final Optional<Boolean> runsAsRoot;

    private final IntegrityCheck integrityCheck;
    private final boolean integrityQuarantine;

    private final PersonalDataUse personalDataUse;
    private final List<String> consentPurposes;
    private final boolean consentRegistry;
    private final boolean consentGatedTelemetry;
    private final boolean dataUseStatementAvailable;
    private final boolean personalDataWipe;

    private final boolean outboxPersisted;
    private final Optional<String> reconnectPolicy;
    private final boolean reconnectJitter;
    private final boolean atomicStatePersistence;

    private final boolean securityEvents;
    private final boolean anomalyDetection;
    private final boolean telemetryExport;

    private final int inputValidators;
    private final boolean mqttInboundValidated;

    private final List<String> insecureOptions;

    private ConformanceFacts(Builder b) {
        productName = b.productName;
        deviceId = b.deviceId;
        serialNumber = b.serialNumber;
        passwordOrigin = b.passwordOrigin;
        passwordHashing = b.passwordHashing;
        passwordPolicy = b.passwordPolicy;
        loginThrottleMaxFailures = b.loginThrottleMaxFailures;
        loginThrottlePersisted = b.loginThrottlePersisted;
        factoryResetRegeneratesPassword = b.factoryResetRegeneratesPassword;
        disclosureContacts = copy(b.disclosureContacts);
        disclosurePolicyExpires = b.disclosurePolicyExpires;
        disclosurePolicyUrl = b.disclosurePolicyUrl;
        securityTxtAvailable = b.securityTxtAvailable;
        sbom = b.sbom;
        vulnerabilityMonitoring = b.vulnerabilityMonitoring;
        updatesConfigured = b.updatesConfigured;
        updateRootThreshold = b.updateRootThreshold;
        updateRootKeys = b.updateRootKeys;
        updateHardwareId = b.updateHardwareId;
        antiRollbackFloor = b.antiRollbackFloor;
        updateTrialPolicy = b.updateTrialPolicy;
        automaticUpdates = b.automaticUpdates;
        updateCheckInterval = b.updateCheckInterval;
        supportUntil = b.supportUntil;
        endOfLifePolicyUrl = b.endOfLifePolicyUrl;
        masterKeyKind = b.masterKeyKind;
        keystorePermissionsEnforced = b.keystorePermissionsEnforced;
        keystoreRollbackDetected = b.keystoreRollbackDetected;
        identityGeneratedOnDevice = b.identityGeneratedOnDevice;
        mqttConfigured = b.mqttConfigured;
        mqttProtocol = b.mqttProtocol;
        topicNamespace = b.topicNamespace;
        tlsProtocols = copy(b.tlsProtocols);
        tlsInsecureLegacyAllowed = b.tlsInsecureLegacyAllowed;
        mutualTls = b.mutualTls;
        tlsPinCount = b.tlsPinCount;
        certificateIssued = b.certificateIssued;
        certificateRenewalWindow = b.certificateRenewalWindow;
        listeningSocketsChecked = b.listeningSocketsChecked;
        listeningSockets = copy(b.listeningSockets);
        hardwareInterfaces = b.hardwareInterfaces;
        enabledFeatures = copy(b.enabledFeatures);
        runsAsRoot = b.runsAsRoot;
        integrityCheck = b.integrityCheck;
        integrityQuarantine = b.integrityQuarantine;
        personalDataUse = b.personalDataUse;
        consentPurposes = copy(b.consentPurposes);
        consentRegistry = b.consentRegistry;
        consentGatedTelemetry = b.consentGatedTelemetry;
        dataUseStatementAvailable = b.dataUseStatementAvailable;
        personalDataWipe = b.personalDataWipe;
        outboxPersisted = b.outboxPersisted;
        reconnectPolicy = b.reconnectPolicy;
        reconnectJitter = b.reconnectJitter;
        atomicStatePersistence = b.atomicStatePersistence;
        securityEvents = b.securityEvents;
        anomalyDetection = b.anomalyDetection;
        telemetryExport = b.telemetryExport;
        inputValidators = b.inputValidators;
        mqttInboundValidated = b.mqttInboundValidated;
        insecureOptions = copy(b.insecureOptions);
    }

    private static List<String> copy(List<String> list) {
        return Collections.unmodifiableList(new ArrayList<>(list));
    }

    /**
     * Starts the facts of one device: every other fact starts at "not configured".
     *
     * @param productName the product name shown in the statement's header
     * @param deviceId the device id ({@code DeviceSecurity.deviceId()})
     */
    public static Builder builder(String productName, String deviceId) {
        return new Builder(productName, deviceId);
    }

    // ---- header

    /** The product name for the statement's header. */
    public String productName() {
        return productName;
    }

    /** The device id for the statement's header. */
    public String deviceId() {
        return deviceId;
    }

    /** The serial number from the provisioning record, if any. */
    public Optional<String> serialNumber() {
        return serialNumber;
    }

    // ---- 4.1

    /** Where the current device password came from. */
    public PasswordOrigin passwordOrigin() {
        return passwordOrigin;
    }

    /** How the password is stored, e.g. "Argon2id m=19 MiB t=2"; empty when no hash is kept. */
    public Optional<String> passwordHashing() {
        return passwordHashing;
    }

    /** The policy new passwords must pass, e.g. "15+ characters, blocklist of defaults and breached passwords". */
    public Optional<String> passwordPolicy() {
        return passwordPolicy;
    }

    /** Consecutive failed logins after which login locks; 0 when logins are not throttled. */
    public int loginThrottleMaxFailures() {
        return loginThrottleMaxFailures;
    }

    /** Whether the failed-login counter survives a restart. */
    public boolean loginThrottlePersisted() {
        return loginThrottlePersisted;
    }

    /** Whether a factory reset sets a new unique password rather than a shared default. */
    public boolean factoryResetRegeneratesPassword() {
        return factoryResetRegeneratesPassword;
    }

    // ---- 4.2

    /** The disclosure policy's contacts (mailto: or https: URIs); empty when no policy is configured. */
    public List<String> disclosureContacts() {
        return disclosureContacts;
    }

    /** When the disclosure policy (security.txt) expires. */
    public Optional<Instant> disclosurePolicyExpires() {
        return disclosurePolicyExpires;
    }

    /** The URL of the manufacturer's policy describing how reports are handled (security.txt "Policy"). */
    public Optional<String> disclosurePolicyUrl() {
        return disclosurePolicyUrl;
    }

    /** Whether the device can render an RFC 9116 security.txt from its disclosure policy. */
    public boolean securityTxtAvailable() {
        return securityTxtAvailable;
    }

    /** Where the software bill of materials is, e.g. "CycloneDX JSON bom.json of the device application". */
    public Optional<String> sbom() {
        return sbom;
    }

    /** How components are monitored for vulnerabilities, e.g. "devsec sbom-check against OSV advisories". */
    public Optional<String> vulnerabilityMonitoring() {
        return vulnerabilityMonitoring;
    }

    // ---- 4.3

    /** Whether signed updates are configured ({@code DeviceSecurity.startUpdates}). */
    public boolean updatesConfigured() {
        return updatesConfigured;
    }

    /** Signatures required on update root metadata; 0 when updates are not configured. */
    public int updateRootThreshold() {
        return updateRootThreshold;
    }

    /** Keys trusted in the update root metadata; 0 when updates are not configured. */
    public int updateRootKeys() {
        return updateRootKeys;
    }

    /** The hardware id updates are bound to. */
    public Optional<String> updateHardwareId() {
        return updateHardwareId;
    }

    /** The lowest version the device will install (anti-rollback counter); 0 when none is kept. */
    public long antiRollbackFloor() {
        return antiRollbackFloor;
    }

    /** How a new version is tried and rolled back, e.g. "A/B slots, health check within 5 min, else rollback". */
    public Optional<String> updateTrialPolicy() {
        return updateTrialPolicy;
    }

    /** Whether updates are checked for and installed automatically (the default when updates are configured). */
    public boolean automaticUpdates() {
        return automaticUpdates;
    }

    /** How often updates are checked for. */
    public Optional<Duration> updateCheckInterval() {
        return updateCheckInterval;
    }

    /** The last day the device receives security updates (signed metadata's support-until date). */
    public Optional<LocalDate> supportUntil() {
        return supportUntil;
    }

    /** Where the manufacturer publishes the end-of-life policy. */
    public Optional<String> endOfLifePolicyUrl() {
        return endOfLifePolicyUrl;
    }

    // ---- 4.4

    /** The kind of master key protecting the encrypted keystore; empty when there is no keystore. */
    public Optional<MasterKeySource.Kind> masterKeyKind() {
        return masterKeyKind;
    }

    /** Whether the keystore refuses files readable by other users (no insecure loose-permission opt-in). */
    public boolean keystorePermissionsEnforced() {
        return keystorePermissionsEnforced;
    }

    /**
     * Whether a restored older copy of the keystore file is detected (a rollback counter in a PKCS#11 token
     * or TPM); when false, such a copy would reset failed-login counts and the update rollback floor.
     */
    public boolean keystoreRollbackDetected() {
        return keystoreRollbackDetected;
    }

    /** Whether the identity key pair was generated on the device and never left its keystore. */
    public boolean identityGeneratedOnDevice() {
        return identityGeneratedOnDevice;
    }

    // ---- 4.5

    /** Whether an MQTT connection is configured. */
    public boolean mqttConfigured() {
        return mqttConfigured;
    }

    /** The MQTT protocol version, e.g. "MQTT 5". */
    public Optional<String> mqttProtocol() {
        return mqttProtocol;
    }

    /** The topic namespace the device publishes and subscribes in, e.g. "devices/ds-.../". */
    public Optional<String> topicNamespace() {
        return topicNamespace;
    }

    /** The TLS versions the device allows, e.g. ["TLSv1.3", "TLSv1.2"]; empty when no TLS is configured. */
    public List<String> tlsProtocols() {
        return tlsProtocols;
    }

    /** Whether the insecure legacy TLS versions or suites opt-in is in use. */
    public boolean tlsInsecureLegacyAllowed() {
        return tlsInsecureLegacyAllowed;
    }

    /** Whether the device authenticates with its identity certificate (mutual TLS). */
    public boolean mutualTls() {
        return mutualTls;
    }

    /** How many public key pins restrict the server; 0 when not pinned. */
    public int tlsPinCount() {
        return tlsPinCount;
    }

    /** Whether an issued certificate (not the self-signed placeholder) is installed. */
    public boolean certificateIssued() {
        return certificateIssued;
    }

    /** How long before expiry the certificate renewal is raised. */
    public Optional<Duration> certificateRenewalWindow() {
        return certificateRenewalWindow;
    }

    // ---- 4.6

    /** Whether the process's listening sockets were checked (attack-surface report). */
    public boolean listeningSocketsChecked() {
        return listeningSocketsChecked;
    }

    /** The listening sockets found, e.g. "tcp 0.0.0.0:1883"; empty when none. */
    public List<String> listeningSockets() {
        return listeningSockets;
    }

    /** The manufacturer's statement on physical interfaces, e.g. "no serial console; JTAG fused off". */
    public Optional<String> hardwareInterfaces() {
        return hardwareInterfaces;
    }

    /** The SDK features enabled on this device, e.g. ["mqtt", "updates"]. */
    public List<String> enabledFeatures() {
        return enabledFeatures;
    }

    /** Whether the process runs as root; empty when unknown. */
    public Optional<Boolean> runsAsRoot() {
        return runsAsRoot;
    }

    // ---- 4.7

    /** The state of the installed-software integrity check. */
    public IntegrityCheck integrityCheck() {
        return integrityCheck;
    }

    /** Whether an integrity failure raises a security event and restricts transport to the alert topic. */
    public boolean integrityQuarantine() {
        return integrityQuarantine;
    }

    // ---- 4.8 and 4.11

    /** Whether the device processes personal data. */
    public PersonalDataUse personalDataUse() {
        return personalDataUse;
    }

    /** The ids of the consent purposes registered. */
    public List<String> consentPurposes() {
        return consentPurposes;
    }

    /** Whether a consent registry (grant and withdraw, persisted encrypted) is configured. */
    public boolean consentRegistry() {
        return consentRegistry;
    }

    /** Whether telemetry carrying personal data is held back until consent is given. */
    public boolean consentGatedTelemetry() {
        return consentGatedTelemetry;
    }

    /** Whether a data-use statement (what, by whom, why; how to withdraw and delete) can be shown. */
    public boolean dataUseStatementAvailable() {
        return dataUseStatementAvailable;
    }

    /** Whether one call wipes the personal data (crypto-erase) and returns a receipt. */
    public boolean personalDataWipe() {
        return personalDataWipe;
    }

    // ---- 4.9

    /** Whether unacknowledged MQTT messages are kept in an outbox on disk. */
    public boolean outboxPersisted() {
        return outboxPersisted;
    }

    /** The reconnect policy, e.g. "exponential backoff 1 s to 120 s, full jitter". */
    public Optional<String> reconnectPolicy() {
        return reconnectPolicy;
    }

    /** Whether reconnect delays are randomised (no synchronised fleet reconnect). */
    public boolean reconnectJitter() {
        return reconnectJitter;
    }

    /** Whether device state is written atomically (temp file, fsync, rename). */
    public boolean atomicStatePersistence() {
        return atomicStatePersistence;
    }

    // ---- 4.10

    /** Whether security events are raised on one stream. */
    public boolean securityEvents() {
        return securityEvents;
    }

    /** Whether an anomaly detector watches the security events. */
    public boolean anomalyDetection() {
        return anomalyDetection;
    }

    /** Whether security events are exported as telemetry. */
    public boolean telemetryExport() {
        return telemetryExport;
    }

    // ---- 4.13

    /** How many validators (schemas, topic rules) check application input. */
    public int inputValidators() {
        return inputValidators;
    }

    /** Whether inbound MQTT messages pass a validator before the application sees them. */
    public boolean mqttInboundValidated() {
        return mqttInboundValidated;
    }

    // ---- all

    /** The names of the {@code insecure...} opt-ins in use; empty on a device with secure defaults only. */
    public List<String> insecureOptions() {
        return insecureOptions;
    }

    @Override
    public String toString() {
        return "ConformanceFacts{product=" + productName + ", deviceId=" + deviceId + ", passwordOrigin="
                + passwordOrigin + ", updatesConfigured=" + updatesConfigured + ", mqttConfigured=" + mqttConfigured
                + ", personalDataUse=" + personalDataUse + ", integrityCheck=" + integrityCheck + "}";
    }

    /** Collects the facts; {@link #build()} validates them. Each setter documents the fact it records. */
    public static final class Builder {
        private final String productName;
        private final String deviceId;
        private Optional<String> serialNumber = Optional.empty();
        private PasswordOrigin passwordOrigin = PasswordOrigin.NOT_CONFIGURED;
        private Optional<String> passwordHashing = Optional.empty();
        private Optional<String> passwordPolicy = Optional.empty();
        private int loginThrottleMaxFailures;
        private boolean loginThrottlePersisted;
        private boolean factoryResetRegeneratesPassword;
        private final List<String> disclosureContacts = new ArrayList<>();
        private Optional<Instant> disclosurePolicyExpires = Optional.empty();
        private Optional<String> disclosurePolicyUrl = Optional.empty();
        private boolean securityTxtAvailable;
        private Optional<String> sbom = Optional.empty();
        private Optional<String> vulnerabilityMonitoring = Optional.empty();
        private boolean updatesConfigured;
        private int updateRootThreshold;
        private int updateRootKeys;
        private Optional<String> updateHardwareId = Optional.empty();
        private long antiRollbackFloor;
        private Optional<String> updateTrialPolicy = Optional.empty();
        private boolean automaticUpdates;
        private Optional<Duration> updateCheckInterval = Optional.empty();
        private Optional<LocalDate> supportUntil = Optional.empty();
        private Optional<String> endOfLifePolicyUrl = Optional.empty();
        private Optional<MasterKeySource.Kind> masterKeyKind = Optional.empty();
        private boolean keystorePermissionsEnforced;
        private boolean keystoreRollbackDetected;
        private boolean identityGeneratedOnDevice;
        private boolean mqttConfigured;
        private Optional<String> mqttProtocol = Optional.empty();
        private Optional<String> topicNamespace = Optional.empty();
        private final List<String> tlsProtocols = new ArrayList<>();
        private boolean tlsInsecureLegacyAllowed;
        private boolean mutualTls;
        private int tlsPinCount;
        private boolean certificateIssued;
        private Optional<Duration> certificateRenewalWindow = Optional.empty();
        private boolean listeningSocketsChecked;
        private final List<String> listeningSockets = new ArrayList<>();
        private Optional<String> hardwareInterfaces = Optional.empty();
        private final List<String> enabledFeatures = new ArrayList<>();
        private Optional<Boolean> runsAsRoot = Optional.empty();
        private IntegrityCheck integrityCheck = IntegrityCheck.NOT_CONFIGURED;
        private boolean integrityQuarantine;
        private PersonalDataUse personalDataUse = PersonalDataUse.UNDECLARED;
        private final List<String> consentPurposes = new ArrayList<>();
        private boolean consentRegistry;
        private boolean consentGatedTelemetry;
        private boolean dataUseStatementAvailable;
        private boolean personalDataWipe;
        private boolean outboxPersisted;
        private Optional<String> reconnectPolicy = Optional.empty();
        private boolean reconnectJitter;
        private boolean atomicStatePersistence;
        private boolean securityEvents;
        private boolean anomalyDetection;
        private boolean telemetryExport;
        private int inputValidators;
        private boolean mqttInboundValidated;
        private final List<String> insecureOptions = new ArrayList<>();

        private Builder(String productName, String deviceId) {
            this.productName = Objects.requireNonNull(productName, "productName");
            this.deviceId = Objects.requireNonNull(deviceId, "deviceId");
        }

        private static String text(String value, String name) {
            Objects.requireNonNull(value, name);
            if (value.trim().isEmpty()) {
                throw new IllegalArgumentException(name + " must not be blank.");
            }
            return value;
        }

        private static void addAll(List<String> target, Collection<String> values, String name) {
            Objects.requireNonNull(values, name);
            for (String v : values) {
                target.add(text(v, name + " element"));
            }
        }

        /** The serial number from the provisioning record (header only). */
        public Builder serialNumber(String serialNumber) {
            this.serialNumber = Optional.of(text(serialNumber, "serialNumber"));
            return this;
        }

        /** 4.1: where the device's current password came from. */
        public Builder passwordOrigin(PasswordOrigin origin) {
            this.passwordOrigin = Objects.requireNonNull(origin, "passwordOrigin");
            return this;
        }

        /** 4.1 (EN 5.1-3): how the password is stored, e.g. "Argon2id m=19 MiB t=2". */
        public Builder passwordHashing(String description) {
            this.passwordHashing = Optional.of(text(description, "passwordHashing"));
            return this;
        }

        /** 4.1 (EN 5.1-4): the policy a new password must pass. */
        public Builder passwordPolicy(String description) {
            this.passwordPolicy = Optional.of(text(description, "passwordPolicy"));
            return this;
        }

        /** 4.1 (EN 5.1-5): consecutive failures before login locks, and whether the counter survives a restart. */
        public Builder loginThrottle(int maxFailures, boolean persisted) {
            if (maxFailures < 0) {
                throw new IllegalArgumentException("loginThrottle maxFailures must not be negative.");
            }
            this.loginThrottleMaxFailures = maxFailures;
            this.loginThrottlePersisted = persisted;
            return this;
        }

        /** 4.1: a factory reset sets a new unique password, never a shared default. */
        public Builder factoryResetRegeneratesPassword(boolean value) {
            this.factoryResetRegeneratesPassword = value;
            return this;
        }

        /**
         * 4.2-1: the disclosure policy's contacts and expiry ({@code DisclosurePolicy.contacts()},
         * {@code expires()}), and whether a security.txt can be rendered from it.
         */
        public Builder disclosurePolicy(Collection<String> contacts, Instant expires, boolean securityTxtAvailable) {
            addAll(this.disclosureContacts, contacts, "disclosurePolicy contacts");
            if (contacts.isEmpty()) {
                throw new IllegalArgumentException("disclosurePolicy contacts must not be empty.");
            }
            this.disclosurePolicyExpires = Optional.of(Objects.requireNonNull(expires, "disclosurePolicy expires"));
            this.securityTxtAvailable = securityTxtAvailable;
            return this;
        }

        /** 4.2-2: the URL of the policy that says how reports are handled and how fast. */
        public Builder disclosurePolicyUrl(String url) {
            this.disclosurePolicyUrl = Optional.of(text(url, "disclosurePolicyUrl"));
            return this;
        }

        /** 4.2-3: where the software bill of materials is. */
        public Builder sbom(String location) {
            this.sbom = Optional.of(text(location, "sbom"));
            return this;
        }

        /** 4.2-3: how the components are monitored for vulnerabilities. */
        public Builder vulnerabilityMonitoring(String description) {
            this.vulnerabilityMonitoring = Optional.of(text(description, "vulnerabilityMonitoring"));
            return this;
        }

        /**
         * 4.3-1: signed updates are configured, with the root metadata's signature threshold and key count, and
         * the hardware id updates are bound to.
         */
        public Builder updates(int rootThreshold, int rootKeys, String hardwareId) {
            if (rootThreshold < 1) {
                throw new IllegalArgumentException("updates rootThreshold must be at least 1.");
            }
            if (rootKeys < rootThreshold) {
                throw new IllegalArgumentException("updates rootKeys must be at least rootThreshold.");
            }
            this.updatesConfigured = true;
            this.updateRootThreshold = rootThreshold;
            this.updateRootKeys = rootKeys;
            this.updateHardwareId = Optional.of(text(hardwareId, "updates hardwareId"));
            return this;
        }

        /** 4.3-1: the lowest version the device will install (anti-rollback counter). */
        public Builder antiRollbackFloor(long version) {
            if (version < 0) {
                throw new IllegalArgumentException("antiRollbackFloor must not be negative.");
            }
            this.antiRollbackFloor = version;
            return this;
        }

        /** 4.3-1: how a new version is tried and rolled back. */
        public Builder updateTrialPolicy(String description) {
            this.updateTrialPolicy = Optional.of(text(description, "updateTrialPolicy"));
            return this;
        }

        /** 4.3-3 (EN 5.3-4 to 5.3-6): updates are checked for and installed automatically, this often. */
        public Builder automaticUpdates(Duration checkInterval) {
            Objects.requireNonNull(checkInterval, "automaticUpdates checkInterval");
            if (checkInterval.isNegative() || checkInterval.isZero()) {
                throw new IllegalArgumentException("automaticUpdates checkInterval must be positive.");
            }
            this.automaticUpdates = true;
            this.updateCheckInterval = Optional.of(checkInterval);
            return this;
        }

        /** 4.3-2 (EN 5.3-13): the last day of the support period. */
        public Builder supportUntil(LocalDate lastDay) {
            this.supportUntil = Optional.of(Objects.requireNonNull(lastDay, "supportUntil"));
            return this;
        }

        /** 4.3-2: where the end-of-life policy is published. */
        public Builder endOfLifePolicyUrl(String url) {
            this.endOfLifePolicyUrl = Optional.of(text(url, "endOfLifePolicyUrl"));
            return this;
        }

        /** 4.4-1: the kind of master key that protects the encrypted keystore. */
        public Builder masterKeyKind(MasterKeySource.Kind kind) {
            this.masterKeyKind = Optional.of(Objects.requireNonNull(kind, "masterKeyKind"));
            return this;
        }

        /** 4.4-1: the keystore refuses files readable by other users. */
        public Builder keystorePermissionsEnforced(boolean value) {
            this.keystorePermissionsEnforced = value;
            return this;
        }

        /** 4.4-1: a restored older copy of the keystore file is detected (rollback counter configured). */
        public Builder keystoreRollbackDetected(boolean value) {
            this.keystoreRollbackDetected = value;
            return this;
        }

        /** 4.4-1, 4.5-2: the identity key pair was generated on the device and stays in its keystore. */
        public Builder identityGeneratedOnDevice(boolean value) {
            this.identityGeneratedOnDevice = value;
            return this;
        }

        /** 4.5-1, 4.9: an MQTT connection is configured, with its protocol and topic namespace. */
        public Builder mqtt(String protocol, String topicNamespace) {
            this.mqttConfigured = true;
            this.mqttProtocol = Optional.of(text(protocol, "mqtt protocol"));
            this.topicNamespace = Optional.of(text(topicNamespace, "mqtt topicNamespace"));
            return this;
        }

        /**
         * 4.5-1: the TLS settings of the device's connection (MQTT or its own, from {@code tlsContext}): allowed versions, whether the insecure legacy opt-in is in
         * use, whether the device authenticates with its certificate, and the number of public key pins.
         */
        public Builder tls(Collection<String> protocols, boolean insecureLegacyAllowed, boolean mutual, int pins) {
            if (protocols.isEmpty()) {
                throw new IllegalArgumentException("tls protocols must not be empty.");
            }
            if (pins < 0) {
                throw new IllegalArgumentException("tls pins must not be negative.");
            }
            this.tlsProtocols.clear();
            addAll(this.tlsProtocols, protocols, "tls protocols");
            this.tlsInsecureLegacyAllowed = insecureLegacyAllowed;
            this.mutualTls = mutual;
            this.tlsPinCount = pins;
            return this;
        }

        /** 4.5-2: an issued certificate is installed (not the self-signed placeholder). */
        public Builder certificateIssued(boolean value) {
            this.certificateIssued = value;
            return this;
        }

        /** 4.5-2: how long before expiry a certificate renewal is raised. */
        public Builder certificateRenewalWindow(Duration window) {
            Objects.requireNonNull(window, "certificateRenewalWindow");
            if (window.isNegative()) {
                throw new IllegalArgumentException("certificateRenewalWindow must not be negative.");
            }
            this.certificateRenewalWindow = Optional.of(window);
            return this;
        }

        /** 4.6-1: the listening sockets the attack-surface check found (empty list: it found none). */
        public Builder listeningSockets(Collection<String> sockets) {
            this.listeningSockets.clear();
            addAll(this.listeningSockets, sockets, "listeningSockets");
            this.listeningSocketsChecked = true;
            return this;
        }

        /** 4.6-2: the manufacturer's statement on physical interfaces (debug ports, serial consoles). */
        public Builder hardwareInterfaces(String statement) {
            this.hardwareInterfaces = Optional.of(text(statement, "hardwareInterfaces"));
            return this;
        }

        /** 4.6-3: the SDK features enabled on this device (the attack-surface report's features). */
        public Builder enabledFeatures(Collection<String> features) {
            this.enabledFeatures.clear();
            addAll(this.enabledFeatures, features, "enabledFeatures");
            return this;
        }

        /** 4.6-5: whether the process runs as root. Unknown when not set. */
        public Builder runsAsRoot(boolean value) {
            this.runsAsRoot = Optional.of(value);
            return this;
        }

        /** 4.7-1: the state of the installed-software integrity check. */
        public Builder integrityCheck(IntegrityCheck state) {
            this.integrityCheck = Objects.requireNonNull(state, "integrityCheck");
            return this;
        }

        /** 4.7-2: an integrity failure raises a security event and restricts transport to the alert topic. */
        public Builder integrityQuarantine(boolean value) {
            this.integrityQuarantine = value;
            return this;
        }

        /** 4.8, 4.11: whether the device processes personal data. */
        public Builder personalDataUse(PersonalDataUse use) {
            this.personalDataUse = Objects.requireNonNull(use, "personalDataUse");
            return this;
        }

        /**
         * 4.8-2, 4.8-3: a consent registry is configured (persisted, grant and withdraw at any time) with these
         * purposes registered.
         */
        public Builder consentRegistry(Collection<String> purposes) {
            this.consentPurposes.clear();
            addAll(this.consentPurposes, purposes, "consentRegistry purposes");
            this.consentRegistry = true;
            return this;
        }

        /** 4.8-2: personal telemetry is held back until consent is given. */
        public Builder consentGatedTelemetry(boolean value) {
            this.consentGatedTelemetry = value;
            return this;
        }

        /** 4.8-1, 4.11-2: a data-use statement can be shown (what, by whom, why; how to withdraw and delete). */
        public Builder dataUseStatementAvailable(boolean value) {
            this.dataUseStatementAvailable = value;
            return this;
        }

        /** 4.11-1: one call wipes the personal data and returns a receipt. */
        public Builder personalDataWipe(boolean value) {
            this.personalDataWipe = value;
            return this;
        }

        /** 4.9-2: unacknowledged messages are kept in an outbox on disk. */
        public Builder outboxPersisted(boolean value) {
            this.outboxPersisted = value;
            return this;
        }

        /** 4.9-3: the reconnect policy, and whether its delays are randomised. */
        public Builder reconnectPolicy(String description, boolean jitter) {
            this.reconnectPolicy = Optional.of(text(description, "reconnectPolicy"));
            this.reconnectJitter = jitter;
            return this;
        }

        /** 4.9-1, 4.9-2: device state is written atomically (temp file, fsync, rename). */
        public Builder atomicStatePersistence(boolean value) {
            this.atomicStatePersistence = value;
            return this;
        }

        /** 4.7-2, 4.10-1: security events are raised on one stream. */
        public Builder securityEvents(boolean value) {
            this.securityEvents = value;
            return this;
        }

        /** 4.10-1: an anomaly detector watches the security events. */
        public Builder anomalyDetection(boolean value) {
            this.anomalyDetection = value;
            return this;
        }

        /** 4.10-1: security events are exported as telemetry. */
        public Builder telemetryExport(boolean value) {
            this.telemetryExport = value;
            return this;
        }

        /** 4.13-1: how many validators check application input. */
        public Builder inputValidators(int count) {
            if (count < 0) {
                throw new IllegalArgumentException("inputValidators must not be negative.");
            }
            this.inputValidators = count;
            return this;
        }

        /** 4.13-1: inbound MQTT messages pass a validator before the application sees them. */
        public Builder mqttInboundValidated(boolean value) {
            this.mqttInboundValidated = value;
            return this;
        }

        /** Names an {@code insecure...} opt-in in use, e.g. "KeystoreOptions.insecureAllowLoosePermissions". */
        public Builder insecureOption(String name) {
            this.insecureOptions.add(text(name, "insecureOption"));
            return this;
        }

        /**
         * Validates and returns the facts.
         *
         * @throws IllegalArgumentException naming the field, when the product name or device id is blank or the
         *     facts contradict each other (an outbox or a validated MQTT inbound without MQTT, automatic
         *     updates without updates)
         */
        public ConformanceFacts build() {
            text(productName, "productName");
            text(deviceId, "deviceId");
            if (!mqttConfigured && outboxPersisted) {
                throw new IllegalArgumentException("outboxPersisted is set but mqtt is not configured.");
            }
            if (!mqttConfigured && mqttInboundValidated) {
                throw new IllegalArgumentException("mqttInboundValidated is set but mqtt is not configured.");
            }
            if (!updatesConfigured && automaticUpdates) {
                throw new IllegalArgumentException("automaticUpdates is set but updates are not configured.");
            }
            return new ConformanceFacts(this);
        }
    }
}
