package io.devsec.core.conformance;

import java.util.Objects;

/**
 * One piece of evidence behind a row: what was looked at, how it is known ({@link EvidenceClass}), whether it
 * shows the mechanism in place, and what was seen. Immutable; holds no secret.
 */
public final class Evidence {

    private final String subject;
    private final EvidenceClass evidenceClass;
    private final boolean holds;
    private final String detail;
    private final String source;

    private Evidence(String subject, EvidenceClass evidenceClass, boolean holds, String detail, String source) {
        this.subject = Objects.requireNonNull(subject, "subject");
        this.evidenceClass = Objects.requireNonNull(evidenceClass, "evidenceClass");
        this.holds = holds && evidenceClass != EvidenceClass.NOT_ASSESSED;
        this.detail = Objects.requireNonNull(detail, "detail");
        this.source = Objects.requireNonNull(source, "source");
    }

    /**
     * Evidence the owning part checked on the device now.
     *
     * @param mechanism what was checked
     * @param holds whether the check shows the mechanism in place
     * @param detail what was seen, e.g. "keystore entry auth/password holds an Argon2id hash"
     * @return the evidence, sourced to the mechanism's part
     */
    public static Evidence observed(Mechanism mechanism, boolean holds, String detail) {
        return new Evidence(mechanism.name(), EvidenceClass.OBSERVED, holds, detail, mechanism.part());
    }

    /**
     * Evidence from settings that make the mechanism active (or, with {@code holds} false, that turn it off).
     *
     * @param mechanism what the settings configure
     * @param holds whether the settings make the mechanism active
     * @param detail the settings read
     * @return the evidence, sourced to the mechanism's part
     */
    public static Evidence configured(Mechanism mechanism, boolean holds, String detail) {
        return new Evidence(mechanism.name(), EvidenceClass.CONFIGURED, holds, detail, mechanism.part());
    }

    /**
     * No evidence could be gathered for the mechanism.
     *
     * @param mechanism what could not be assessed
     * @param reason why, e.g. "no MQTT client was made by this process"
     * @return the evidence, which never holds
     */
    public static Evidence notAssessed(Mechanism mechanism, String reason) {
        return new Evidence(mechanism.name(), EvidenceClass.NOT_ASSESSED, false, reason, mechanism.part());
    }

    /**
     * A manufacturer statement.
     *
     * @param subject what was declared, e.g. {@code "5.6-4"} or {@code "supportPeriod"}
     * @param holds whether the statement says the provision is met
     * @param detail the statement
     * @param declaredBy who declared it and when, e.g. "J. Doe (Head of Security), 2026-11-30"
     * @return the evidence
     */
    public static Evidence declared(String subject, boolean holds, String detail, String declaredBy) {
        return new Evidence(subject, EvidenceClass.DECLARED, holds, detail, "declared by " + declaredBy);
    }

    /**
     * A manufacturer input that is missing.
     *
     * @param subject the declaration that is missing
     * @param reason what to declare
     * @return the evidence, which never holds
     */
    static Evidence undeclared(String subject, String reason) {
        return new Evidence(subject, EvidenceClass.NOT_ASSESSED, false, reason, "declarations");
    }

    /**
     * What the evidence is about: a {@link Mechanism} name or a declaration subject.
     *
     * @return the subject
     */
    public String subject() {
        return subject;
    }

    /**
     * How the evidence is known.
     *
     * @return the evidence class
     */
    public EvidenceClass evidenceClass() {
        return evidenceClass;
    }

    /**
     * Whether the evidence shows the mechanism in place (always false when not assessed).
     *
     * @return true when it holds
     */
    public boolean holds() {
        return holds;
    }

    /**
     * What was observed, configured or declared, or why nothing could be.
     *
     * @return the detail
     */
    public String detail() {
        return detail;
    }

    /**
     * The part that owns the mechanism, or who declared the statement and when.
     *
     * @return the source
     */
    public String source() {
        return source;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Evidence)) {
            return false;
        }
        Evidence e = (Evidence) o;
        return subject.equals(e.subject) && evidenceClass == e.evidenceClass && holds == e.holds
                && detail.equals(e.detail) && source.equals(e.source);
    }

    @Override
    public int hashCode() {
        return Objects.hash(subject, evidenceClass, holds, detail, source);
    }

    @Override
    public String toString() {
        return evidenceClass + (holds ? "" : evidenceClass == EvidenceClass.NOT_ASSESSED ? "" : " (does not hold)")
                + " " + subject + ": " + detail;
    }
}
