package io.devsec.core.conformance;

/**
 * The conditions of ETSI EN 303 645 V2.1.1 Table B.1 (numbered 1 to 13), with the key that declares each in
 * the declarations file. Conditions 3 and 5 are the negations of 12 and 4 and are not declared on their own.
 */
public enum Condition {
    /** (1) Passwords are used. */
    PASSWORDS_USED(1, "passwordsUsed", "passwords are used"),
    /** (2) Pre-installed passwords are used. */
    PRE_INSTALLED_PASSWORDS(2, "preInstalledPasswords", "pre-installed passwords are used"),
    /** (3) Software components are not updateable: the negation of (12). */
    SOFTWARE_NOT_UPDATEABLE(3, null, "software components are not updateable"),
    /** (4) The device is constrained. */
    CONSTRAINED_DEVICE(4, "constrainedDevice", "the device is constrained"),
    /** (5) The device is not constrained: the negation of (4). */
    NOT_CONSTRAINED_DEVICE(5, null, "the device is not constrained"),
    /** (6) Telemetry data is collected. */
    TELEMETRY_COLLECTED(6, "telemetryCollected", "telemetry data is collected"),
    /** (7) Personal data is processed on the basis of consumers' consent. */
    CONSENT_BASED_PROCESSING(7, "consentBasedProcessing", "personal data is processed on the basis of consent"),
    /** (8) The device allows user authentication. */
    USER_AUTHENTICATION(8, "userAuthentication", "the device allows user authentication"),
    /** (9) The device supports automatic updates and/or update notifications. */
    AUTOMATIC_UPDATES_OR_NOTIFICATIONS(9, "automaticUpdatesOrNotifications",
            "the device supports automatic updates and/or update notifications"),
    /** (10) A hard-coded unique per device identity is used for security purposes. */
    HARD_CODED_UNIQUE_IDENTITY(10, "hardCodedUniqueIdentity",
            "a hard-coded unique per device identity is used for security purposes"),
    /** (11) Updates are delivered over a network interface. */
    UPDATES_OVER_NETWORK(11, "updatesOverNetwork", "updates are delivered over a network interface"),
    /** (12) An update mechanism is implemented. */
    UPDATE_MECHANISM(12, "updateMechanism", "an update mechanism is implemented"),
    /** (13) A debug interface is physically accessible. */
    DEBUG_INTERFACE_ACCESSIBLE(13, "debugInterfacePhysicallyAccessible", "a debug interface is physically accessible");

    private final int number;
    private final String key;
    private final String text;

    Condition(int number, String key, String text) {
        this.number = number;
        this.key = key;
        this.text = text;
    }

    /** @return the condition's number in Table B.1 */
    public int number() {
        return number;
    }

    /** @return the key in the declarations file's {@code conditions} object, or null for (3) and (5) */
    public String key() {
        return key;
    }

    /** @return the condition's wording (a paraphrase of Table B.1's list of conditions) */
    public String text() {
        return text;
    }

    /**
     * The condition with this number.
     *
     * @param number 1 to 13
     * @return the condition
     * @throws IllegalArgumentException for another number
     */
    public static Condition of(int number) {
        for (Condition c : values()) {
            if (c.number == number) {
                return c;
            }
        }
        throw new IllegalArgumentException("EN 303 645 V2.1.1 has no condition " + number);
    }

    /**
     * The condition declared under this key.
     *
     * @param key a key of the {@code conditions} object
     * @return the condition, or null when no condition has the key
     */
    static Condition byKey(String key) {
        for (Condition c : values()) {
            if (key.equals(c.key)) {
                return c;
            }
        }
        return null;
    }
}
