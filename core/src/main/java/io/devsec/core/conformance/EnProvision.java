package io.devsec.core.conformance;

import static io.devsec.core.conformance.Mechanism.*;
import static io.devsec.core.conformance.ProvisionStatus.MANDATORY;
import static io.devsec.core.conformance.ProvisionStatus.RECOMMENDED;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One provision of ETSI EN 303 645 V2.1.1 (2020-06) as listed in its Table B.1 (Annex B, implementation
 * conformance statement pro forma): reference, status (M, R, M C(n), R C(n)) and conditions, with a short
 * paraphrase (not the standard's text), the SDK mechanisms that implement it and whether a manufacturer
 * statement is needed.
 *
 * <p>Statuses and conditions were checked against a transcription of Table B.1 (repository
 * vsang181/EN-303-645---v2.1.1, file Implementation_Conformance_Statement_Pro_Forma.md), which lists 5.1-1 to
 * 6-5 with the same statuses. Two differences are recorded here: the transcription prints 5.3-10 as
 * "M (11, 12)" without the C, read here as M C(11, 12); and it does not list 4-1 (clause 4, reporting
 * implementation), taken as M from the project's STANDARDS.md summary, not verified against the published text.
 */
public final class EnProvision {

    private static final List<EnProvision> ALL = Collections.unmodifiableList(Arrays.asList(
            p("4-1", "4", "Reporting implementation", MANDATORY, c(), false,
                    "A justification is recorded for every recommendation considered not applicable or not met."),
            p("5.1-1", "5.1", "No universal default passwords", MANDATORY, c(1), true,
                    "Passwords in any state other than factory default are unique per device or defined by the user.",
                    PASSWORD_UNIQUE),
            p("5.1-2", "5.1", "No universal default passwords", MANDATORY, c(2), false,
                    "Pre-installed unique passwords resist automated attack: not derived from serial numbers,"
                            + " counters or other public information.", PASSWORD_UNIQUE),
            p("5.1-3", "5.1", "No universal default passwords", MANDATORY, c(), false,
                    "Authentication mechanisms use best-practice cryptography.", PASSWORD_HASHING),
            p("5.1-4", "5.1", "No universal default passwords", MANDATORY, c(8), true,
                    "Users can change the authentication value in a simple way.", PASSWORD_CHANGE),
            p("5.1-5", "5.1", "No universal default passwords", MANDATORY, c(5), true,
                    "Brute-force attacks over network interfaces are made impracticable.", LOGIN_THROTTLE),
            p("5.2-1", "5.2", "Implement a means to manage reports of vulnerabilities", MANDATORY, c(), false,
                    "A public vulnerability disclosure policy gives a contact and timelines for acknowledgement and"
                            + " status updates.", DISCLOSURE_POLICY),
            p("5.2-2", "5.2", "Implement a means to manage reports of vulnerabilities", RECOMMENDED, c(), false,
                    "Disclosed vulnerabilities are acted on in a timely manner."),
            p("5.2-3", "5.2", "Implement a means to manage reports of vulnerabilities", RECOMMENDED, c(), false,
                    "Security vulnerabilities are monitored, identified and rectified over the defined support"
                            + " period."),
            p("5.3-1", "5.3", "Keep software updated", RECOMMENDED, c(), true,
                    "All software components are securely updateable.", UPDATE_SIGNED),
            p("5.3-2", "5.3", "Keep software updated", MANDATORY, c(5), true,
                    "The device has an update mechanism for the secure installation of updates.", UPDATE_SIGNED),
            p("5.3-3", "5.3", "Keep software updated", MANDATORY, c(12), false,
                    "Updates are simple for the user to apply.", UPDATE_AUTOMATIC),
            p("5.3-4", "5.3", "Keep software updated", RECOMMENDED, c(12), false,
                    "Automatic mechanisms are used for software updates.", UPDATE_AUTOMATIC),
            p("5.3-5", "5.3", "Keep software updated", RECOMMENDED, c(12), false,
                    "The device checks for updates after initialisation and then periodically.", UPDATE_AUTOMATIC),
            p("5.3-6", "5.3", "Keep software updated", RECOMMENDED, c(9, 12), true,
                    "Automatic updates and/or notifications are on by default; the user can enable, disable or"
                            + " postpone them.", UPDATE_AUTOMATIC),
            p("5.3-7", "5.3", "Keep software updated", MANDATORY, c(12), false,
                    "Best-practice cryptography secures the update mechanism.", UPDATE_SIGNED),
            p("5.3-8", "5.3", "Keep software updated", MANDATORY, c(12), true,
                    "Security updates are timely."),
            p("5.3-9", "5.3", "Keep software updated", RECOMMENDED, c(12), false,
                    "The device verifies the authenticity and integrity of software updates.", UPDATE_SIGNED),
            p("5.3-10", "5.3", "Keep software updated", MANDATORY, c(11, 12), false,
                    "Updates delivered over a network are verified through a trust relationship.", UPDATE_SIGNED),
            p("5.3-11", "5.3", "Keep software updated", RECOMMENDED, c(12), true,
                    "The user is told, in an accessible way, that an update is needed and what it addresses."),
            p("5.3-12", "5.3", "Keep software updated", RECOMMENDED, c(12), true,
                    "The user is warned when an update will disrupt basic functioning."),
            p("5.3-13", "5.3", "Keep software updated", MANDATORY, c(), false,
                    "The defined support period is published in an accessible, clear and transparent way."),
            p("5.3-14", "5.3", "Keep software updated", RECOMMENDED, c(3, 4), true,
                    "A constrained device that cannot be updated is documented with the reason, period and"
                            + " replacement plan."),
            p("5.3-15", "5.3", "Keep software updated", RECOMMENDED, c(3, 4), true,
                    "A constrained device that cannot be updated is isolable and its hardware replaceable."),
            p("5.3-16", "5.3", "Keep software updated", MANDATORY, c(), false,
                    "The model designation is clearly recognisable, by label or physical interface."),
            p("5.4-1", "5.4", "Securely store sensitive security parameters", MANDATORY, c(), false,
                    "Sensitive security parameters in persistent storage are stored securely.",
                    KEYSTORE_ENCRYPTED, KEYSTORE_PERMISSIONS, MASTER_KEY_SEPARATION, KEYSTORE_ROLLBACK_DETECTION),
            p("5.4-2", "5.4", "Securely store sensitive security parameters", MANDATORY, c(10), true,
                    "A hard-coded unique per-device identity resists tampering."),
            p("5.4-3", "5.4", "Securely store sensitive security parameters", MANDATORY, c(), true,
                    "No hard-coded critical security parameters in device software source code.", IDENTITY_KEY),
            p("5.4-4", "5.4", "Securely store sensitive security parameters", MANDATORY, c(), true,
                    "Critical security parameters for updates and service communication are unique per device.",
                    IDENTITY_KEY),
            p("5.5-1", "5.5", "Communicate securely", MANDATORY, c(), true,
                    "The device uses best-practice cryptography to communicate securely.", TLS_CHANNEL),
            p("5.5-2", "5.5", "Communicate securely", RECOMMENDED, c(), true,
                    "Network and security functions use reviewed or evaluated implementations."),
            p("5.5-3", "5.5", "Communicate securely", RECOMMENDED, c(), true,
                    "Cryptographic algorithms and primitives are updateable.", UPDATE_SIGNED),
            p("5.5-4", "5.5", "Communicate securely", RECOMMENDED, c(), true,
                    "Access to device functionality over a network in an initialised state needs authentication."),
            p("5.5-5", "5.5", "Communicate securely", MANDATORY, c(), true,
                    "Security-relevant configuration changes over a network interface need authentication.",
                    MUTUAL_TLS),
            p("5.5-6", "5.5", "Communicate securely", RECOMMENDED, c(), false,
                    "Critical security parameters are encrypted in transit.", TLS_CHANNEL),
            p("5.5-7", "5.5", "Communicate securely", MANDATORY, c(), true,
                    "Critical security parameters communicated over remote interfaces are kept confidential.",
                    TLS_CHANNEL),
            p("5.5-8", "5.5", "Communicate securely", MANDATORY, c(), true,
                    "Critical security parameters are managed by secure processes.", IDENTITY_KEY),
            p("5.6-1", "5.6", "Minimize exposed attack surfaces", MANDATORY, c(), true,
                    "Unused network and logical interfaces are disabled.", LISTENING_SOCKETS),
            p("5.6-2", "5.6", "Minimize exposed attack surfaces", MANDATORY, c(), true,
                    "In the initialised state, network interfaces disclose minimal security-relevant information"
                            + " before authentication.", LISTENING_SOCKETS),
            p("5.6-3", "5.6", "Minimize exposed attack surfaces", RECOMMENDED, c(), true,
                    "Physical interfaces are not exposed unnecessarily."),
            p("5.6-4", "5.6", "Minimize exposed attack surfaces", MANDATORY, c(13), true,
                    "A physically accessible debug interface is disabled in software."),
            p("5.6-5", "5.6", "Minimize exposed attack surfaces", RECOMMENDED, c(), true,
                    "Only software services needed for the intended use are enabled.", ENABLED_FEATURES),
            p("5.6-6", "5.6", "Minimize exposed attack surfaces", RECOMMENDED, c(), true,
                    "Code is minimised to the functionality needed."),
            p("5.6-7", "5.6", "Minimize exposed attack surfaces", RECOMMENDED, c(), false,
                    "Software runs with least necessary privilege.", PROCESS_PRIVILEGE),
            p("5.6-8", "5.6", "Minimize exposed attack surfaces", RECOMMENDED, c(), true,
                    "Hardware-level access control for memory is used."),
            p("5.6-9", "5.6", "Minimize exposed attack surfaces", RECOMMENDED, c(), false,
                    "Secure development processes are followed for the device's software."),
            p("5.7-1", "5.7", "Ensure software integrity", RECOMMENDED, c(), true,
                    "The device verifies its software using secure boot mechanisms."),
            p("5.7-2", "5.7", "Ensure software integrity", RECOMMENDED, c(), false,
                    "On an unauthorised software change the device alerts the user and/or administrator and"
                            + " connects no wider than needed to alert.",
                    INTEGRITY_CHECK, INTEGRITY_ALERT, INTEGRITY_QUARANTINE),
            p("5.8-1", "5.8", "Ensure that personal data is secure", RECOMMENDED, c(), true,
                    "Personal data in transit between device and services is protected with best-practice"
                            + " cryptography.", TLS_CHANNEL),
            p("5.8-2", "5.8", "Ensure that personal data is secure", MANDATORY, c(), true,
                    "Sensitive personal data in transit between device and services is kept confidential.",
                    TLS_CHANNEL),
            p("5.8-3", "5.8", "Ensure that personal data is secure", MANDATORY, c(), true,
                    "All external sensing capabilities are documented clearly for the user."),
            p("5.9-1", "5.9", "Make systems resilient to outages", RECOMMENDED, c(), true,
                    "Resilience to outages of data networks and power is built in.", ATOMIC_PERSISTENCE),
            p("5.9-2", "5.9", "Make systems resilient to outages", RECOMMENDED, c(), false,
                    "The device keeps working locally when the network is lost and recovers cleanly after power"
                            + " loss.", OUTBOX, ATOMIC_PERSISTENCE),
            p("5.9-3", "5.9", "Make systems resilient to outages", RECOMMENDED, c(), false,
                    "The device reconnects in an expected, operational, stable state, in an orderly way.",
                    RECONNECT_JITTER),
            p("5.10-1", "5.10", "Examine system telemetry data", RECOMMENDED, c(6), false,
                    "Collected telemetry is examined for security anomalies.", SECURITY_EVENTS, ANOMALY_DETECTION),
            p("5.11-1", "5.11", "Make it easy for users to delete user data", MANDATORY, c(), true,
                    "The user can erase user data from the device in a simple way.", PERSONAL_DATA_WIPE),
            p("5.11-2", "5.11", "Make it easy for users to delete user data", RECOMMENDED, c(), true,
                    "The user can remove personal data from associated services in a simple way."),
            p("5.11-3", "5.11", "Make it easy for users to delete user data", RECOMMENDED, c(), true,
                    "Users get clear instructions on how to delete their personal data."),
            p("5.11-4", "5.11", "Make it easy for users to delete user data", RECOMMENDED, c(), true,
                    "Users get clear confirmation that personal data was deleted.", PERSONAL_DATA_WIPE),
            p("5.12-1", "5.12", "Make installation and maintenance of devices easy", RECOMMENDED, c(), true,
                    "Installation and maintenance take minimal steps and follow usability best practice."),
            p("5.12-2", "5.12", "Make installation and maintenance of devices easy", RECOMMENDED, c(), true,
                    "Users get guidance on how to set up the device securely."),
            p("5.12-3", "5.12", "Make installation and maintenance of devices easy", RECOMMENDED, c(), true,
                    "Users get guidance on how to check that the device is set up securely."),
            p("5.13-1", "5.13", "Validate input data", MANDATORY, c(), true,
                    "Data input through user interfaces, APIs and networks is validated.",
                    INPUT_VALIDATION, MQTT_INBOUND_VALIDATION),
            p("6-1", "6", "Data protection provisions for consumer IoT", MANDATORY, c(), true,
                    "Consumers get clear, transparent information on what personal data is processed, by whom"
                            + " and for what purpose.", DATA_USE_STATEMENT),
            p("6-2", "6", "Data protection provisions for consumer IoT", MANDATORY, c(7), true,
                    "Where processing rests on consent, consent is obtained in a valid way.", CONSENT_REGISTRY),
            p("6-3", "6", "Data protection provisions for consumer IoT", MANDATORY, c(), true,
                    "Consumers who gave consent can withdraw it at any time.", CONSENT_REGISTRY),
            p("6-4", "6", "Data protection provisions for consumer IoT", RECOMMENDED, c(6), true,
                    "Telemetry processing is kept to the minimum needed for the intended functionality."),
            p("6-5", "6", "Data protection provisions for consumer IoT", MANDATORY, c(6), true,
                    "Consumers are told what telemetry is collected and for what purpose.")));

    private final String reference;
    private final String clause;
    private final String clauseTitle;
    private final ProvisionStatus status;
    private final List<Condition> conditions;
    private final boolean needsStatement;
    private final String summary;
    private final List<Mechanism> mechanisms;

    private EnProvision(String reference, String clause, String clauseTitle, ProvisionStatus status,
            List<Condition> conditions, boolean needsStatement, String summary, List<Mechanism> mechanisms) {
        this.reference = reference;
        this.clause = clause;
        this.clauseTitle = clauseTitle;
        this.status = status;
        this.conditions = conditions;
        this.needsStatement = needsStatement;
        this.summary = summary;
        this.mechanisms = mechanisms;
    }

    private static int[] c(int... n) {
        return n;
    }

    private static EnProvision p(String reference, String clause, String clauseTitle, ProvisionStatus status,
            int[] conditions, boolean needsStatement, String summary, Mechanism... mechanisms) {
        List<Condition> cs = new ArrayList<>();
        for (int n : conditions) {
            cs.add(Condition.of(n));
        }
        return new EnProvision(reference, clause, clauseTitle, status, Collections.unmodifiableList(cs),
                needsStatement, summary, Collections.unmodifiableList(new ArrayList<>(Arrays.asList(mechanisms))));
    }

    /** @return every provision of EN 303 645 V2.1.1 Table B.1, in the table's order; unmodifiable */
    public static List<EnProvision> all() {
        return ALL;
    }

    /**
     * The provision with this reference.
     *
     * @param reference e.g. {@code "5.3-13"}
     * @return the provision, if the standard has it
     */
    public static Optional<EnProvision> byReference(String reference) {
        Objects.requireNonNull(reference, "reference");
        for (EnProvision p : ALL) {
            if (p.reference.equals(reference)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** @return the reference, e.g. {@code "5.1-1"} */
    public String reference() {
        return reference;
    }

    /** @return the clause, e.g. {@code "5.1"} */
    public String clause() {
        return clause;
    }

    /** @return the clause's title */
    public String clauseTitle() {
        return clauseTitle;
    }

    /** @return M or R */
    public ProvisionStatus status() {
        return status;
    }

    /** @return the Table B.1 conditions, empty for an unconditional provision */
    public List<Condition> conditions() {
        return conditions;
    }

    /** @return whether the provision is conditional (only then may its support be N/A) */
    public boolean conditional() {
        return !conditions.isEmpty();
    }

    /** @return the status as Table B.1 writes it: {@code M}, {@code R}, {@code M C (1)}, {@code R C (9, 12)} */
    public String statusCode() {
        if (conditions.isEmpty()) {
            return status.code();
        }
        StringBuilder b = new StringBuilder(status.code()).append(" C (");
        for (int i = 0; i < conditions.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(conditions.get(i).number());
        }
        return b.append(')').toString();
    }

    /** @return whether a manufacturer statement (the declarations' {@code provisions}) is needed for support */
    public boolean needsStatement() {
        return needsStatement;
    }

    /** @return a one-sentence paraphrase (not the standard's text) */
    public String summary() {
        return summary;
    }

    /** @return the SDK mechanisms that implement (part of) the provision */
    public List<Mechanism> mechanisms() {
        return mechanisms;
    }

    @Override
    public String toString() {
        return "EnProvision{" + reference + " " + statusCode() + "}";
    }
}
