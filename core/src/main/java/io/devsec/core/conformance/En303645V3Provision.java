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
 * One provision of ETSI EN 303 645 V3.1.3 (2024-09), which has the provisions of ETSI TS 103 645 V3.1.1
 * (2024-01): reference, status (M or R), numbered conditions C (n) and feature conditions F (x), a paraphrase (not
 * the standard's text) and the EN 303 645 V2.1.1 provisions DevSec evaluates it from.
 *
 * <p><b>Source of every reference, status and condition</b>: the published V3 implementation conformance
 * statement of the Ruuvi Gateway, repository {@code ruuvi/ruuvi.gateway_esp.c}, file
 * {@code cra/303645/ICS_Ruuvi_Gateway.md} (commit 9120ed3360f1c16fec5d618b264652ed8713dd00, "Table B.1:
 * Implementation of Provisions for Consumer IoT Security", referencing TS 103 645 V3.1.1), read with the test
 * groups {@code cra/303645/Self_Assessment_Test_Group_*.md} of the same folder for the meaning of the new and split
 * provisions. It is a manufacturer's completed pro forma, not the ETSI text. Where the sources disagree the row
 * carries {@link #unverified()} and the output says so:
 * <ul>
 *   <li>5.1-2A: R in ICS_Ruuvi_Gateway.md; R F (c) in the same folder's earlier {@code ICS (Ruuvi Gateway).md}
 *       (which letters its features differently). Shown as R; its condition is unverified.</li>
 *   <li>6-6: M F (z) in ICS_Ruuvi_Gateway.md; "Status: R" in {@code Self_Assessment_Test_Group_6-6.md}. Shown as
 *       M F (z); its status is unverified.</li>
 * </ul>
 * The source prints data-protection references as "6.1", "6.3A"; they are written "6-1", "6-3A" here, as in V2.1.1.
 * The wording of the split and new provisions (5.1-2A, 5.3-4B, 5.3-6B, 5.6-4B, 6-3B, 6-6 to 6-8) is DevSec's
 * reading of those sources.
 */
public final class En303645V3Provision {

    /** Where the table was read from. */
    public static final String SOURCE = "ruuvi/ruuvi.gateway_esp.c cra/303645/ICS_Ruuvi_Gateway.md (Ruuvi Gateway"
            + " ICS for TS 103 645 V3.1.1, commit 9120ed33), not the ETSI text";

    private static final String T50 = "Reporting implementation";
    private static final String T51 = "No universal default passwords";
    private static final String T52 = "Implement a means to manage reports of vulnerabilities";
    private static final String T53 = "Keep software updated";
    private static final String T54 = "Securely store sensitive security parameters";
    private static final String T55 = "Communicate securely";
    private static final String T56 = "Minimize exposed attack surfaces";
    private static final String T57 = "Ensure software integrity";
    private static final String T58 = "Ensure that personal data is secure";
    private static final String T59 = "Make systems resilient to outages";
    private static final String T510 = "Examine system telemetry data";
    private static final String T511 = "Make it easy for users to delete user data";
    private static final String T512 = "Make installation and maintenance of devices easy";
    private static final String T513 = "Validate input data";
    private static final String T6 = "Data protection provisions for consumer IoT";

    private static final List<En303645V3Provision> ALL = Collections.unmodifiableList(Arrays.asList(
            p("5.0-1", "5.0", T50, MANDATORY, "", "", "A justification is recorded for every recommendation"
                    + " considered not applicable or not fulfilled (was 4-1)."),
            p("5.1-1", "5.1", T51, MANDATORY, "a", "5.1-1", null),
            p("5.1-2", "5.1", T51, MANDATORY, "b", "5.1-2", null),
            p("5.1-2A", "5.1", T51, RECOMMENDED, "", "", "Machine-to-machine authentication does not rely on"
                    + " passwords (DevSec's reading of the source's test group 5.1-2A).")
                    .unverified("status and condition: ICS_Ruuvi_Gateway.md gives R, the earlier"
                            + " 'ICS (Ruuvi Gateway).md' gives R F (c)"),
            p("5.1-3", "5.1", T51, MANDATORY, "c", "5.1-3", null),
            p("5.1-4", "5.1", T51, MANDATORY, "d", "5.1-4", null),
            p("5.1-5", "5.1", T51, MANDATORY, "14,e", "5.1-5", null),
            p("5.2-1", "5.2", T52, MANDATORY, "", "5.2-1", null),
            p("5.2-2", "5.2", T52, RECOMMENDED, "", "5.2-2", null),
            p("5.2-3", "5.2", T52, RECOMMENDED, "", "5.2-3", null),
            p("5.3-1", "5.3", T53, RECOMMENDED, "f", "5.3-1", null),
            p("5.3-2", "5.3", T53, MANDATORY, "15", "5.3-2", null),
            p("5.3-3", "5.3", T53, MANDATORY, "g", "5.3-3", null),
            p("5.3-4A", "5.3", T53, RECOMMENDED, "g", "5.3-4", null),
            p("5.3-4B", "5.3", T53, RECOMMENDED, "h", "", "Where automatic updates are supported, the user decides"
                    + " at set-up whether they are on (DevSec's reading of the source; wording not verified)."),
            p("5.3-5", "5.3", T53, RECOMMENDED, "g", "5.3-5", null),
            p("5.3-6A", "5.3", T53, RECOMMENDED, "h", "5.3-6", "Automatic updates can be enabled, disabled or"
                    + " postponed by the user (first half of V2.1.1 5.3-6)."),
            p("5.3-6B", "5.3", T53, RECOMMENDED, "i", "5.3-6", "Update notifications can be enabled, disabled or"
                    + " postponed by the user (second half of V2.1.1 5.3-6; DevSec's reading)."),
            p("5.3-7", "5.3", T53, MANDATORY, "g", "5.3-7", null),
            p("5.3-8", "5.3", T53, MANDATORY, "12", "5.3-8", null),
            p("5.3-9", "5.3", T53, RECOMMENDED, "g", "5.3-9", null),
            p("5.3-10", "5.3", T53, MANDATORY, "j", "5.3-10", null),
            p("5.3-11", "5.3", T53, RECOMMENDED, "12", "5.3-11", null),
            p("5.3-12", "5.3", T53, RECOMMENDED, "12", "5.3-12", null),
            p("5.3-13", "5.3", T53, MANDATORY, "", "5.3-13", null),
            p("5.3-14", "5.3", T53, RECOMMENDED, "3", "5.3-14", null),
            p("5.3-15A", "5.3", T53, RECOMMENDED, "3", "5.3-15", "A device that cannot be updated is isolable"
                    + " (first half of V2.1.1 5.3-15)."),
            p("5.3-15B", "5.3", T53, RECOMMENDED, "3", "5.3-15", "A device that cannot be updated has replaceable"
                    + " hardware (second half of V2.1.1 5.3-15)."),
            p("5.3-16", "5.3", T53, MANDATORY, "", "5.3-16", null),
            p("5.4-1", "5.4", T54, MANDATORY, "k", "5.4-1", null),
            p("5.4-2", "5.4", T54, MANDATORY, "l", "5.4-2", null),
            p("5.4-3", "5.4", T54, MANDATORY, "", "5.4-3", null),
            p("5.4-4", "5.4", T54, MANDATORY, "m", "5.4-4", null),
            p("5.5-1", "5.5", T55, MANDATORY, "", "5.5-1", null),
            p("5.5-2", "5.5", T55, RECOMMENDED, "", "5.5-2", null),
            p("5.5-3", "5.5", T55, RECOMMENDED, "", "5.5-3", null),
            p("5.5-4", "5.5", T55, RECOMMENDED, "", "5.5-4", null),
            p("5.5-5", "5.5", T55, MANDATORY, "n", "5.5-5", null),
            p("5.5-6", "5.5", T55, RECOMMENDED, "o", "5.5-6", null),
            p("5.5-7", "5.5", T55, MANDATORY, "o", "5.5-7", null),
            p("5.5-8", "5.5", T55, MANDATORY, "16", "5.5-8", null),
            p("5.6-1", "5.6", T56, MANDATORY, "p", "5.6-1", null),
            p("5.6-2", "5.6", T56, MANDATORY, "", "5.6-2", null),
            p("5.6-3", "5.6", T56, RECOMMENDED, "", "5.6-3", null),
            p("5.6-4A", "5.6", T56, MANDATORY, "q", "5.6-4", "Debug interfaces are disabled in software or"
                    + " protected (V2.1.1 5.6-4)."),
            p("5.6-4B", "5.6", T56, RECOMMENDED, "r", "", "Physical debug ports are protected against access"
                    + " (DevSec's reading of the source; wording not verified)."),
            p("5.6-5", "5.6", T56, RECOMMENDED, "", "5.6-5", null),
            p("5.6-6", "5.6", T56, RECOMMENDED, "", "5.6-6", null),
            p("5.6-7", "5.6", T56, RECOMMENDED, "", "5.6-7", null),
            p("5.6-8", "5.6", T56, RECOMMENDED, "", "5.6-8", null),
            p("5.6-9", "5.6", T56, RECOMMENDED, "", "5.6-9", null),
            p("5.7-1", "5.7", T57, RECOMMENDED, "", "5.7-1", null),
            p("5.7-2", "5.7", T57, RECOMMENDED, "s", "5.7-2", null),
            p("5.8-1", "5.8", T58, RECOMMENDED, "t", "5.8-1", null),
            p("5.8-2", "5.8", T58, MANDATORY, "u", "5.8-2", null),
            p("5.8-3", "5.8", T58, MANDATORY, "v", "5.8-3", null),
            p("5.9-1", "5.9", T59, RECOMMENDED, "", "5.9-1", null),
            p("5.9-2", "5.9", T59, RECOMMENDED, "", "5.9-2", null),
            p("5.9-3", "5.9", T59, RECOMMENDED, "", "5.9-3", null),
            p("5.10-1", "5.10", T510, RECOMMENDED, "w", "5.10-1", null),
            p("5.11-1", "5.11", T511, MANDATORY, "", "5.11-1", null),
            p("5.11-2", "5.11", T511, RECOMMENDED, "x", "5.11-2", null),
            p("5.11-3", "5.11", T511, RECOMMENDED, "", "5.11-3", null),
            p("5.11-4", "5.11", T511, RECOMMENDED, "", "5.11-4", null),
            p("5.12-1", "5.12", T512, RECOMMENDED, "", "5.12-1", null),
            p("5.12-2", "5.12", T512, RECOMMENDED, "", "5.12-2", null),
            p("5.12-3", "5.12", T512, RECOMMENDED, "", "5.12-3", null),
            p("5.13-1A", "5.13", T513, MANDATORY, "", "5.13-1", "Data input through user interfaces is"
                    + " validated (V2.1.1 5.13-1, user-interface part)."),
            p("5.13-1B", "5.13", T513, MANDATORY, "", "5.13-1", "Data input through network interfaces and APIs"
                    + " is validated (V2.1.1 5.13-1, network part)."),
            p("6-1", "6", T6, MANDATORY, "", "6-1", null),
            p("6-2", "6", T6, MANDATORY, "y", "6-2", null),
            p("6-3A", "6", T6, MANDATORY, "y", "6-3", "Consumers who gave consent can withdraw it at any time"
                    + " (V2.1.1 6-3)."),
            p("6-3B", "6", T6, MANDATORY, "y", "", "Consent choices are recorded and persist (DevSec's reading of"
                    + " the source; wording not verified)."),
            p("6-4", "6", T6, RECOMMENDED, "w", "6-4", null),
            p("6-5", "6", T6, MANDATORY, "w", "6-5", null),
            p("6-6", "6", T6, MANDATORY, "z", "", "Personal data processed is limited to what is necessary, kept no"
                    + " longer than needed and then disposed of effectively (DevSec's reading).")
                    .unverified("status: ICS_Ruuvi_Gateway.md gives M F (z), Self_Assessment_Test_Group_6-6.md"
                            + " gives R"),
            p("6-7", "6", T6, RECOMMENDED, "aa", "", "Data collected only to compute an aggregate result is"
                    + " minimal, aggregated early and kept briefly (DevSec's reading)."),
            p("6-8", "6", T6, RECOMMENDED, "z", "", "Appropriate anonymisation techniques protect personal data"
                    + " (DevSec's reading).")));

    private final String reference;
    private final String clause;
    private final String clauseTitle;
    private final ProvisionStatus status;
    private final List<V3Condition> conditions;
    private final List<String> v2References;
    private final String summary;
    private final String unverified;

    private En303645V3Provision(String reference, String clause, String clauseTitle, ProvisionStatus status,
            List<V3Condition> conditions, List<String> v2References, String summary, String unverified) {
        this.reference = reference;
        this.clause = clause;
        this.clauseTitle = clauseTitle;
        this.status = status;
        this.conditions = conditions;
        this.v2References = v2References;
        this.summary = summary;
        this.unverified = unverified;
    }

    private static En303645V3Provision p(String reference, String clause, String clauseTitle,
            ProvisionStatus status, String conditions, String v2, String summary) {
        List<V3Condition> cs = new ArrayList<>();
        for (String c : conditions.split(",")) {
            if (!c.isEmpty()) {
                cs.add(V3Condition.of(c));
            }
        }
        List<String> refs = new ArrayList<>();
        for (String r : v2.split(",")) {
            if (!r.isEmpty()) {
                EnProvision.byReference(r).orElseThrow(() -> new IllegalStateException("no V2.1.1 provision " + r));
                refs.add(r);
            }
        }
        String text = summary != null ? summary : EnProvision.byReference(refs.get(0)).get().summary();
        return new En303645V3Provision(reference, clause, clauseTitle, status, Collections.unmodifiableList(cs),
                Collections.unmodifiableList(refs), text, null);
    }

    private En303645V3Provision unverified(String what) {
        return new En303645V3Provision(reference, clause, clauseTitle, status, conditions, v2References, summary,
                what);
    }

    /**
     * A copy mapped to other V2.1.1 provisions (none: decided as a provision new in V3). For tests that break the
     * table on purpose.
     */
    En303645V3Provision withV2References(String... refs) {
        return new En303645V3Provision(reference, clause, clauseTitle, status, conditions,
                Collections.unmodifiableList(new ArrayList<>(Arrays.asList(refs))), summary, unverified);
    }

    /** @return every provision of EN 303 645 V3.1.3 Table B.1 as read from {@link #SOURCE}, in order */
    public static List<En303645V3Provision> all() {
        return ALL;
    }

    /**
     * The provision with this reference.
     *
     * @param reference e.g. {@code "5.3-4A"}
     * @return the provision, if listed
     */
    public static Optional<En303645V3Provision> byReference(String reference) {
        Objects.requireNonNull(reference, "reference");
        for (En303645V3Provision p : ALL) {
            if (p.reference.equals(reference)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** @return the reference, e.g. {@code "5.1-2A"} */
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

    /** @return M or R, as the source states it */
    public ProvisionStatus status() {
        return status;
    }

    /** @return the numbered conditions and features, in the order the source prints them */
    public List<V3Condition> conditions() {
        return conditions;
    }

    /** @return whether the provision is conditional (only then may its support be N/A) */
    public boolean conditional() {
        return !conditions.isEmpty();
    }

    /** @return the status as the source writes it, e.g. {@code M C (14) F (e)} */
    public String statusCode() {
        StringBuilder b = new StringBuilder(status.code());
        List<String> cs = new ArrayList<>();
        List<String> fs = new ArrayList<>();
        for (V3Condition c : conditions) {
            (c.feature() ? fs : cs).add(c.code());
        }
        if (!cs.isEmpty()) {
            b.append(" C (").append(String.join(", ", cs)).append(')');
        }
        if (!fs.isEmpty()) {
            b.append(" F (").append(String.join(", ", fs)).append(')');
        }
        return b.toString();
    }

    /** @return the V2.1.1 provisions DevSec evaluates this one from; empty for a provision new in V3 */
    public List<String> v2References() {
        return v2References;
    }

    /** @return a one-sentence paraphrase (not the standard's text) */
    public String summary() {
        return summary;
    }

    /** @return what about the status or condition could not be verified, if anything */
    public Optional<String> unverified() {
        return Optional.ofNullable(unverified);
    }

    @Override
    public String toString() {
        return "En303645V3Provision{" + reference + " " + statusCode() + "}";
    }
}
