package io.devsec.core.conformance;

/**
 * A security mechanism the SDK implements and can report evidence for. Each has the part that owns it (the
 * part that adds its {@link Evidence} through an {@link EvidenceSink}) and where it can be seen.
 */
public enum Mechanism {
    /** A per-device password exists (hash and origin in the keystore). */
    PASSWORD_UNIQUE("credentials", Visibility.DATA_FOLDER, "per-device password"),
    /** The password is stored as a memory-hard hash. */
    PASSWORD_HASHING("credentials", Visibility.DATA_FOLDER, "password hashing"),
    /** The password can be changed through the SDK, checked by a policy. */
    PASSWORD_CHANGE("credentials", Visibility.PROCESS, "password change with policy"),
    /** Failed logins are throttled and lock out. */
    LOGIN_THROTTLE("credentials", Visibility.PROCESS, "login throttle and lockout"),
    /** A factory reset sets a new unique password, never a universal default. */
    FACTORY_RESET_PASSWORD("credentials", Visibility.PROCESS, "factory reset sets a new unique password"),
    /** A vulnerability disclosure policy with contacts and expiry is configured. */
    DISCLOSURE_POLICY("disclosure", Visibility.CONFIGURATION, "vulnerability disclosure policy"),
    /** Updates are verified against a signed trusted root held on the device. */
    UPDATE_SIGNED("update", Visibility.DATA_FOLDER, "signed updates against a trusted root"),
    /** Updates are checked and installed on a schedule without user steps. */
    UPDATE_AUTOMATIC("update", Visibility.PROCESS, "automatic update checks"),
    /** A support-until date carried by the signed update metadata. */
    SUPPORT_PERIOD_METADATA("update", Visibility.PROCESS, "support-until date in update metadata"),
    /** The installed software was checked against its signed metadata in this run. */
    INTEGRITY_CHECK("update", Visibility.PROCESS, "installed software checked against signed metadata"),
    /** An integrity failure is reported as an alert to a remote party. */
    INTEGRITY_ALERT("events", Visibility.PROCESS, "integrity failures alerted remotely"),
    /** An integrity failure limits network use to the alert topic. */
    INTEGRITY_QUARANTINE("transport", Visibility.PROCESS, "network quarantine on integrity failure"),
    /** Secrets are stored in an encrypted keystore. */
    KEYSTORE_ENCRYPTED("storage", Visibility.DATA_FOLDER, "encrypted keystore"),
    /** The keystore and data files are readable by the owner only. */
    KEYSTORE_PERMISSIONS("storage", Visibility.DATA_FOLDER, "owner-only file permissions"),
    /** The keystore's master key is not stored beside the keystore it protects. */
    MASTER_KEY_SEPARATION("storage", Visibility.DATA_FOLDER, "master key kept apart from the keystore"),
    /**
     * A restored older copy of the keystore file is detected: its version is also kept in a rollback counter
     * (PKCS#11 token or TPM 2.0 NV counter) that a copy of the flash cannot turn back.
     */
    KEYSTORE_ROLLBACK_DETECTION("storage", Visibility.DATA_FOLDER, "restored keystore copies detected"),
    /** A per-device identity key generated on the device is held in the keystore. */
    IDENTITY_KEY("credentials", Visibility.DATA_FOLDER, "per-device identity key"),
    /** The identity certificate was issued by a CA (not self-signed). */
    CERTIFICATE_ISSUED("credentials", Visibility.DATA_FOLDER, "CA-issued identity certificate"),
    /** Connections use modern TLS only. */
    TLS_CHANNEL("transport", Visibility.PROCESS, "TLS channel"),
    /** Connections authenticate the device with its identity certificate. */
    MUTUAL_TLS("transport", Visibility.PROCESS, "mutual TLS with the device identity"),
    /** The process listens on no network socket. */
    LISTENING_SOCKETS("surface", Visibility.PROCESS, "no listening sockets"),
    /** The process runs without root privileges. */
    PROCESS_PRIVILEGE("surface", Visibility.PROCESS, "unprivileged process"),
    /** Only the SDK features that were configured are enabled. */
    ENABLED_FEATURES("surface", Visibility.PROCESS, "only configured features enabled"),
    /** Consent purposes are registered and consents recorded. */
    CONSENT_REGISTRY("privacy", Visibility.CONFIGURATION, "consent registry with purposes"),
    /** A data-use statement per purpose can be shown to the consumer. */
    DATA_USE_STATEMENT("privacy", Visibility.CONFIGURATION, "data-use statement"),
    /** Personal telemetry is held back until consent is given. */
    CONSENT_GATED_TELEMETRY("privacy", Visibility.PROCESS, "consent-gated personal telemetry"),
    /** Personal data can be erased by destroying its key (crypto-erase) and deleting its files. */
    PERSONAL_DATA_WIPE("privacy", Visibility.DATA_FOLDER, "personal data crypto-erase"),
    /** State is written atomically and survives power loss. */
    ATOMIC_PERSISTENCE("storage", Visibility.PROCESS, "atomic, power-loss-safe state writes"),
    /** Outgoing messages wait in a persistent outbox while offline. */
    OUTBOX("transport", Visibility.PROCESS, "persistent outbox"),
    /** Reconnects are spread with jitter. */
    RECONNECT_JITTER("transport", Visibility.PROCESS, "jittered reconnect"),
    /** Security events are exported to a remote party. */
    SECURITY_EVENTS("events", Visibility.PROCESS, "security events exported"),
    /** Security events are examined for anomalies. */
    ANOMALY_DETECTION("events", Visibility.PROCESS, "anomaly detection over security events"),
    /** Application input is validated by registered schemas. */
    INPUT_VALIDATION("validation", Visibility.PROCESS, "input validation"),
    /** Inbound MQTT messages are validated before the application sees them. */
    MQTT_INBOUND_VALIDATION("transport", Visibility.PROCESS, "inbound MQTT validation");

    private final String part;
    private final Visibility visibility;
    private final String description;

    Mechanism(String part, Visibility visibility, String description) {
        this.part = part;
        this.visibility = visibility;
        this.description = description;
    }

    /**
     * The part of the SDK that owns the mechanism and contributes its evidence.
     *
     * @return a short part name, e.g. {@code "storage"}
     */
    public String part() {
        return part;
    }

    /**
     * Where the mechanism can be seen.
     *
     * @return the visibility
     */
    public Visibility visibility() {
        return visibility;
    }

    /**
     * A short description.
     *
     * @return e.g. "encrypted keystore"
     */
    public String description() {
        return description;
    }
}
