package io.devsec.core.conformance;

import static io.devsec.core.conformance.ProvisionStatus.MANDATORY;
import static io.devsec.core.conformance.ProvisionStatus.RECOMMENDED;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One provision of ETSI TS 103 645 V1.1.1 (2019-02), with its status and the EN 303 645 V2.1.1 provisions that
 * carry it forward.
 *
 * <p>The catalogue ({@link #all()}) lists the thirteen clauses 4.1 to 4.13 and their numbered provisions as
 * published in TS 103 645 V1.1.1: 29 provisions, 8 of them "shall" (M) and 21 "should" (R). It was compiled
 * from the published text of the standard (the UK Code of Practice's thirteen guidelines, split into numbered
 * provisions) and checked against the clause summaries in the project's PROVISIONS.md. Sentences that appear
 * only in a clause's prose (for example "updates shall be timely" in 4.3) are not numbered provisions and are
 * covered in the detail of the nearest row. The titles are our short paraphrases, not the standard's text.
 *
 * <p>The EN 303 645 V2.1.1 (2020-06) mapping lists the EN provisions that restate or sharpen each TS provision;
 * the EN data-protection provisions of clause 6 are written {@code 6-1} and so on.
 */
public final class Provision {

    private static final List<Provision> ALL = Collections.unmodifiableList(Arrays.asList(
            // 4.1 No universal default passwords
            p("4.1-1", "4.1", "No universal default passwords", MANDATORY,
                    "Every device password is unique per device and cannot be reset to a universal factory default.",
                    "5.1-1", "5.1-2", "5.1-3", "5.1-4", "5.1-5"),
            // 4.2 Implement a means to manage reports of vulnerabilities
            p("4.2-1", "4.2", "Manage reports of vulnerabilities", MANDATORY,
                    "A public point of contact for reporting issues is given in a vulnerability disclosure policy.",
                    "5.2-1"),
            p("4.2-2", "4.2", "Manage reports of vulnerabilities", RECOMMENDED,
                    "Disclosed vulnerabilities are acted on in a timely manner.",
                    "5.2-2"),
            p("4.2-3", "4.2", "Manage reports of vulnerabilities", RECOMMENDED,
                    "Products and services are monitored for vulnerabilities, which are identified and fixed over"
                            + " the product's life.",
                    "5.2-3"),
            // 4.3 Keep software updated
            p("4.3-1", "4.3", "Keep software updated", RECOMMENDED,
                    "All software components of the device can be updated securely.",
                    "5.3-1", "5.3-2", "5.3-7", "5.3-8", "5.3-9", "5.3-10"),
            p("4.3-2", "4.3", "Keep software updated", MANDATORY,
                    "The manufacturer states, in a published end-of-life policy, the minimum time the device will"
                            + " receive software updates.",
                    "5.3-13"),
            p("4.3-3", "4.3", "Keep software updated", RECOMMENDED,
                    "The need for each update is made clear to the consumer and applying it is easy.",
                    "5.3-3", "5.3-4", "5.3-5", "5.3-6", "5.3-11", "5.3-12"),
            p("4.3-4", "4.3", "Keep software updated", RECOMMENDED,
                    "A constrained device whose software cannot be updated can be isolated and its hardware replaced.",
                    "5.3-14", "5.3-15"),
            // 4.4 Securely store credentials and security-sensitive data
            p("4.4-1", "4.4", "Securely store credentials and security-sensitive data", MANDATORY,
                    "Credentials and security-sensitive data are stored securely; device software contains no"
                            + " hard-coded credentials.",
                    "5.4-1", "5.4-2", "5.4-3", "5.4-4"),
            // 4.5 Communicate securely
            p("4.5-1", "4.5", "Communicate securely", RECOMMENDED,
                    "Security-sensitive data, remote management and control included, is encrypted in transit as"
                            + " suits the technology.",
                    "5.5-1", "5.5-2", "5.5-6", "5.8-1", "5.8-2"),
            p("4.5-2", "4.5", "Communicate securely", RECOMMENDED,
                    "All keys are managed securely.",
                    "5.5-7", "5.5-8"),
            // 4.6 Minimize exposed attack surfaces
            p("4.6-1", "4.6", "Minimize exposed attack surfaces", RECOMMENDED,
                    "Unused software and network ports are closed.",
                    "5.6-1", "5.6-2"),
            p("4.6-2", "4.6", "Minimize exposed attack surfaces", RECOMMENDED,
                    "Hardware does not expose access needlessly (open serial consoles, ports, test points).",
                    "5.6-3", "5.6-4"),
            p("4.6-3", "4.6", "Minimize exposed attack surfaces", RECOMMENDED,
                    "Software services that are not used are not available.",
                    "5.6-5"),
            p("4.6-4", "4.6", "Minimize exposed attack surfaces", RECOMMENDED,
                    "Code is kept to the functionality the device or service needs.",
                    "5.6-6"),
            p("4.6-5", "4.6", "Minimize exposed attack surfaces", RECOMMENDED,
                    "Software runs with the least privilege it needs.",
                    "5.6-7"),
            // 4.7 Ensure software integrity
            p("4.7-1", "4.7", "Ensure software integrity", RECOMMENDED,
                    "Software on the device is verified by a secure boot mechanism.",
                    "5.7-1"),
            p("4.7-2", "4.7", "Ensure software integrity", RECOMMENDED,
                    "On an unauthorised software change the device alerts the consumer or administrator and connects"
                            + " no wider than needed to alert.",
                    "5.7-2"),
            // 4.8 Ensure that personal data is protected
            p("4.8-1", "4.8", "Ensure that personal data is protected", MANDATORY,
                    "Consumers get clear information on what personal data is used, by whom and for what purpose.",
                    "6-1", "6-5"),
            p("4.8-2", "4.8", "Ensure that personal data is protected", MANDATORY,
                    "Where processing rests on consent, that consent is obtained in a valid way.",
                    "6-2"),
            p("4.8-3", "4.8", "Ensure that personal data is protected", MANDATORY,
                    "Consumers who gave consent can withdraw it at any time.",
                    "6-3"),
            // 4.9 Make systems resilient to outages
            p("4.9-1", "4.9", "Make systems resilient to outages", RECOMMENDED,
                    "Resilience against outages of data networks and power is built in where the use requires it.",
                    "5.9-1"),
            p("4.9-2", "4.9", "Make systems resilient to outages", RECOMMENDED,
                    "The device keeps working locally when the network is lost and recovers cleanly after a power"
                            + " loss.",
                    "5.9-2"),
            p("4.9-3", "4.9", "Make systems resilient to outages", RECOMMENDED,
                    "The device rejoins the network in an expected, stable state and in an orderly way, not as a mass"
                            + " reconnect.",
                    "5.9-3"),
            // 4.10 Examine system telemetry data
            p("4.10-1", "4.10", "Examine system telemetry data", RECOMMENDED,
                    "Telemetry collected from devices and services is examined for security anomalies.",
                    "5.10-1", "6-4"),
            // 4.11 Make it easy for consumers to delete personal data
            p("4.11-1", "4.11", "Make it easy for consumers to delete personal data", RECOMMENDED,
                    "Personal data can be removed easily: on transfer of ownership, on request, when a service is"
                            + " removed, at disposal.",
                    "5.11-1", "5.11-2", "5.11-4"),
            p("4.11-2", "4.11", "Make it easy for consumers to delete personal data", RECOMMENDED,
                    "Consumers get clear instructions on how to delete their personal data.",
                    "5.11-3"),
            // 4.12 Make installation and maintenance of devices easy
            p("4.12-1", "4.12", "Make installation and maintenance of devices easy", RECOMMENDED,
                    "Installation and maintenance take few steps and follow security best practice on usability.",
                    "5.12-1", "5.12-2", "5.12-3"),
            // 4.13 Validate input data
            p("4.13-1", "4.13", "Validate input data", MANDATORY,
                    "Data entering through user interfaces, APIs and networks is validated.",
                    "5.13-1")));

    private final String reference;
    private final String clause;
    private final String clauseTitle;
    private final ProvisionStatus status;
    private final String summary;
    private final List<String> en303645;

    private Provision(String reference, String clause, String clauseTitle, ProvisionStatus status, String summary,
            List<String> en303645) {
        this.reference = reference;
        this.clause = clause;
        this.clauseTitle = clauseTitle;
        this.status = status;
        this.summary = summary;
        this.en303645 = en303645;
    }

    private static Provision p(String reference, String clause, String clauseTitle, ProvisionStatus status,
            String summary, String... en) {
        return new Provision(reference, clause, clauseTitle, status, summary,
                Collections.unmodifiableList(new ArrayList<>(Arrays.asList(en))));
    }

    /** Every provision of TS 103 645 V1.1.1, in the standard's order. Unmodifiable. */
    public static List<Provision> all() {
        return ALL;
    }

    /** The provision with this reference ({@code "4.3-2"}), if the standard has one. */
    public static Optional<Provision> byReference(String reference) {
        Objects.requireNonNull(reference, "reference");
        for (Provision p : ALL) {
            if (p.reference.equals(reference)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The provision's reference in TS 103 645, e.g. {@code "4.1-1"}. */
    public String reference() {
        return reference;
    }

    /** The clause it belongs to, e.g. {@code "4.1"}. */
    public String clause() {
        return clause;
    }

    /** The clause's title, e.g. "No universal default passwords". */
    public String clauseTitle() {
        return clauseTitle;
    }

    /** M ("shall") or R ("should"). */
    public ProvisionStatus status() {
        return status;
    }

    /** A one-sentence paraphrase of what the provision asks. */
    public String summary() {
        return summary;
    }

    /** The EN 303 645 V2.1.1 provisions that carry this one forward, e.g. {@code ["5.1-1", "5.1-2"]}. */
    public List<String> en303645() {
        return en303645;
    }

    @Override
    public String toString() {
        return "Provision{" + reference + " " + status.code() + "}";
    }
}
