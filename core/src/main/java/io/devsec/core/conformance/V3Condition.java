package io.devsec.core.conformance;

/**
 * The applicability conditions of ETSI EN 303 645 V3.1.3 (= TS 103 645 V3.1.1) Table B.1: the numbered
 * conditions (3, 12, 14, 15, 16) and the lettered features, capabilities or mechanisms {@code F (a)} to
 * {@code F (aa)}, with the key that declares each in the declarations file's {@code en303645v3Features} object.
 *
 * <p>The wording of each is the one printed as "Verbatim Conditions &amp; Features Definitions (Annex B)" in the
 * published V3 implementation conformance statement of the Ruuvi Gateway (repository
 * {@code ruuvi/ruuvi.gateway_esp.c}, file {@code cra/303645/ICS_Ruuvi_Gateway.md}, commit 9120ed33), shortened
 * here; it was not checked against the ETSI text itself. An earlier ICS in the same folder
 * ({@code ICS (Ruuvi Gateway).md}) letters the clause 5.1 features differently; DevSec follows the later file,
 * which states it copies Annex B. The numbered conditions listed there are only those the ICS uses.
 */
public enum V3Condition {
    /** (3) Software components are not updateable. */
    C3("3", false, "softwareNotUpdateable", "software components are not updateable"),
    /** (12) An update mechanism is implemented. */
    C12("12", false, "updateMechanism", "an update mechanism is implemented"),
    /** (14) No resource constraint prevents making brute force over network interfaces impracticable. */
    C14("14", false, "noConstraintPreventingBruteForceProtection", "the device has no resource constraint that"
            + " prevents making brute-force attacks on authentication via network interfaces impracticable"),
    /** (15) No resource constraint prevents an update mechanism. */
    C15("15", false, "noConstraintPreventingUpdates",
            "the device has no resource constraint that prevents an update mechanism"),
    /** (16) Critical security parameters relating to the device exist. */
    C16("16", false, "criticalSecurityParameters", "critical security parameters relating to the device exist"),
    /** F (a) Passwords can be used to authenticate users or machines. */
    A("a", true, "passwordAuthentication", "passwords can be used to authenticate users or for machine-to-machine"
            + " authentication"),
    /** F (b) Pre-installed unique per-device passwords can be used. */
    B("b", true, "preInstalledUniquePasswords", "pre-installed unique per device passwords can be used"),
    /** F (c) Cryptographic authentication mechanisms (including password-based ones) can be used. */
    C("c", true, "cryptographicAuthentication", "cryptographic authentication mechanisms, including password"
            + " based mechanisms, can be used"),
    /** F (d) Authentication mechanisms can be used to authenticate users against the device. */
    D("d", true, "userAuthentication", "users can be authenticated against the device"),
    /** F (e) Authentication of users or devices via network interfaces. */
    E("e", true, "networkAuthentication", "users or devices can be authenticated via network interfaces"),
    /** F (f) Software components that are not immutable for security reasons. */
    F("f", true, "mutableSoftwareComponents", "software components that are not immutable due to security reasons"),
    /** F (g) Software components can be updated. */
    G("g", true, "updatableSoftware", "software components of the device can be updated"),
    /** F (h) Automatic software updates are supported. */
    H("h", true, "automaticUpdates", "automatic software updates are supported"),
    /** F (i) Update notifications are provided. */
    I("i", true, "updateNotifications", "update notifications are provided when updates are available"),
    /** F (j) Updates can be delivered over a network interface. */
    J("j", true, "updatesOverNetwork", "software updates can be delivered over a network interface"),
    /** F (k) Sensitive security parameters exist in persistent storage. */
    K("k", true, "persistentSensitiveParameters", "sensitive security parameters exist in persistent storage"),
    /** F (l) Hard-coded unique per-device identities are used for security purposes. */
    L("l", true, "hardCodedUniqueIdentity", "hard-coded unique per device identities are used for security"
            + " purposes"),
    /** F (m) Critical security parameters protect updates or communication with associated services. */
    M("m", true, "criticalParametersForUpdatesOrServices", "critical security parameters are used for the"
            + " integrity or authenticity of updates or to protect communication with associated services"),
    /** F (n) Security-relevant configuration changes via a network interface. */
    N("n", true, "networkConfigurationChanges",
            "security-relevant changes in configuration are allowed via a network interface"),
    /** F (o) Critical security parameters can be communicated outside the device. */
    O("o", true, "criticalParametersLeaveDevice", "critical security parameters can be communicated outside the"
            + " device"),
    /** F (p) Unused network or network-accessible logical interfaces exist. */
    P("p", true, "unusedInterfaces", "unused network or network accessible logical interfaces exist"),
    /** F (q) Debug interfaces exist. */
    Q("q", true, "debugInterfaces", "debug interfaces exist on the device"),
    /** F (r) Debug interfaces that are physical ports exist. */
    R("r", true, "physicalDebugPorts", "debug interfaces that are physical ports exist on the device"),
    /** F (s) Secure boot or another mechanism detects unauthorised software changes. */
    S("s", true, "softwareChangeDetection", "secure boot or another mechanism to detect unauthorized changes to"
            + " the software is supported"),
    /** F (t) Personal data is sent to associated services. */
    T("t", true, "personalDataToServices", "the device sends personal data to associated services"),
    /** F (u) Sensitive personal data is sent to associated services. */
    U("u", true, "sensitivePersonalDataToServices", "the device sends sensitive personal data to associated"
            + " services"),
    /** F (v) External sensing capabilities. */
    V("v", true, "externalSensing", "the device includes external sensing capabilities"),
    /** F (w) Telemetry data can be collected. */
    W("w", true, "telemetryCollected", "telemetry data can be collected from the device"),
    /** F (x) Personal data can be stored by an associated service. */
    X("x", true, "personalDataStoredByServices", "personal data can be stored by an associated service"),
    /** F (y) Personal data is processed on the basis of consent. */
    Y("y", true, "consentBasedProcessing", "the device processes personal data on the basis of consent"),
    /** F (z) Personal data is processed. */
    Z("z", true, "personalDataProcessed", "the device processes personal data"),
    /** F (aa) Data collected or processed solely to compute an aggregate result. */
    AA("aa", true, "aggregateOnlyProcessing", "data is collected or processed solely to compute an aggregate"
            + " result");

    private final String code;
    private final boolean feature;
    private final String key;
    private final String text;

    V3Condition(String code, boolean feature, String key, String text) {
        this.code = code;
        this.feature = feature;
        this.key = key;
        this.text = text;
    }

    /** @return {@code "3"} .. {@code "16"} for a numbered condition, {@code "a"} .. {@code "aa"} for a feature */
    public String code() {
        return code;
    }

    /** @return whether this is a lettered feature F (x) rather than a numbered condition C (n) */
    public boolean feature() {
        return feature;
    }

    /** @return the key in the declarations file's {@code en303645v3Features} object */
    public String key() {
        return key;
    }

    /** @return the wording, shortened from the source named in the class comment */
    public String text() {
        return text;
    }

    /** @return e.g. {@code "C (14)"} or {@code "F (e)"} */
    public String label() {
        return (feature ? "F (" : "C (") + code + ")";
    }

    /**
     * The condition or feature with this code.
     *
     * @param code {@code "3"}, {@code "12"}, {@code "a"} ...
     * @return the constant
     * @throws IllegalArgumentException for an unknown code
     */
    public static V3Condition of(String code) {
        for (V3Condition c : values()) {
            if (c.code.equals(code)) {
                return c;
            }
        }
        throw new IllegalArgumentException("EN 303 645 V3.1.3 Table B.1 has no condition or feature " + code);
    }

    /**
     * The condition or feature declared under this key.
     *
     * @param key a key of {@code en303645v3Features}
     * @return the constant, or null when none has the key
     */
    static V3Condition byKey(String key) {
        for (V3Condition c : values()) {
            if (c.key.equals(key)) {
                return c;
            }
        }
        return null;
    }
}
