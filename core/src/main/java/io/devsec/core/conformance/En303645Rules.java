package io.devsec.core.conformance;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides each EN 303 645 V2.1.1 row from the SDK evidence and the manufacturer's declarations.
 *
 * <p>Applicability first: a conditional provision whose condition does not apply is N/A; an unknown condition
 * leaves the row not assessed. Then the evidence: any SDK evidence that does not hold, or a manufacturer
 * statement that says "not met", makes the row N; any missing input (SDK evidence not assessed, statement not
 * declared) makes it not assessed; only when every input holds is it Y. A recommendation not met or not assessed
 * with a declared justification is N with that justification.
 */
final class En303645Rules {

    private final ConformanceFacts f;
    private final Optional<Declarations> d;
    private final Instant now;
    private final LocalDate today;

    En303645Rules(ConformanceFacts facts, Optional<Declarations> declarations, Instant now, LocalDate today) {
        this.f = facts;
        this.d = declarations;
        this.now = now;
        this.today = today;
    }

    /** A decided row, before it becomes a public {@link ConformanceStatement.Row}. */
    static final class Decision {
        final Support support;
        final String detail;
        final List<Evidence> evidence;
        final List<String> missing;

        Decision(Support support, String detail, List<Evidence> evidence, List<String> missing) {
            this.support = support;
            this.detail = detail;
            this.evidence = evidence;
            this.missing = missing;
        }
    }

    /** Every row in Table B.1 order; 4-1 is decided last, from the others. */
    Map<EnProvision, Decision> decideAll() {
        Map<EnProvision, Decision> out = new LinkedHashMap<>();
        for (EnProvision p : EnProvision.all()) {
            out.put(p, null);
        }
        for (EnProvision p : EnProvision.all()) {
            if (!p.reference().equals("4-1")) {
                out.put(p, decide(p));
            }
        }
        out.put(EnProvision.byReference("4-1").get(), justifications(out));
        return out;
    }

    // ------------------------------------------------------------------ conditions

    /** A condition's value and where it came from, or empty when unknown. */
    Optional<String[]> condition(Condition c) {
        switch (c) {
            case SOFTWARE_NOT_UPDATEABLE:
                return condition(Condition.UPDATE_MECHANISM).map(v -> new String[] {
                    String.valueOf(!Boolean.parseBoolean(v[0])), "from condition (12): " + v[1]});
            case NOT_CONSTRAINED_DEVICE:
                return condition(Condition.CONSTRAINED_DEVICE).map(v -> new String[] {
                    String.valueOf(!Boolean.parseBoolean(v[0])), "from condition (4): " + v[1]});
            case PASSWORDS_USED:
            case PRE_INSTALLED_PASSWORDS:
                if (f.evidence(Mechanism.PASSWORD_UNIQUE).holds()) {
                    return Optional.of(new String[] {"true", "observed: the SDK keeps a per-device password set"
                            + " before first use"});
                }
                break;
            case UPDATE_MECHANISM:
                if (f.evidence(Mechanism.UPDATE_SIGNED).holds()) {
                    return Optional.of(new String[] {"true", "observed: a trusted update root is on the device"});
                }
                break;
            case AUTOMATIC_UPDATES_OR_NOTIFICATIONS:
                if (f.evidence(Mechanism.UPDATE_AUTOMATIC).holds()) {
                    return Optional.of(new String[] {"true", "configured: automatic update checks"});
                }
                break;
            case CONSENT_BASED_PROCESSING:
                if (!f.consentPurposes().isEmpty()) {
                    return Optional.of(new String[] {"true", "configured: consent purposes "
                            + String.join(", ", f.consentPurposes())});
                }
                break;
            default:
                break;
        }
        if (d.isPresent() && d.get().condition(c).isPresent()) {
            return Optional.of(new String[] {String.valueOf(d.get().condition(c).get()),
                "declared by " + d.get().declarant()});
        }
        return Optional.empty();
    }

    /** The evidence behind a resolved condition: declared, or the SDK observation it was derived from. */
    Evidence conditionEvidence(Condition c, String[] value) {
        String text = "condition (" + c.number() + ") " + c.text() + ": " + value[0];
        if (value[1].contains("declared by ")) {
            return Evidence.declared("condition (" + c.number() + ")", true, text, d.get().declarant());
        }
        Mechanism m = c == Condition.SOFTWARE_NOT_UPDATEABLE || c == Condition.UPDATE_MECHANISM
                ? Mechanism.UPDATE_SIGNED : c == Condition.AUTOMATIC_UPDATES_OR_NOTIFICATIONS ? Mechanism.UPDATE_AUTOMATIC
                : c == Condition.CONSENT_BASED_PROCESSING ? Mechanism.CONSENT_REGISTRY : Mechanism.PASSWORD_UNIQUE;
        return f.evidence(m);
    }

    // ------------------------------------------------------------------ generic rule

    private Decision decide(EnProvision p) {
        List<Evidence> ev = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (Condition c : p.conditions()) {
            Optional<String[]> v = condition(c);
            if (!v.isPresent()) {
                String key = c == Condition.SOFTWARE_NOT_UPDATEABLE ? Condition.UPDATE_MECHANISM.key()
                        : c == Condition.NOT_CONSTRAINED_DEVICE ? Condition.CONSTRAINED_DEVICE.key() : c.key();
                missing.add("condition (" + c.number() + ") " + c.text() + ": declare conditions." + key);
            } else if (!Boolean.parseBoolean(v.get()[0])) {
                ev.add(conditionEvidence(c, v.get()));
                return new Decision(Support.NOT_APPLICABLE, "Condition (" + c.number() + ") \"" + c.text()
                        + "\" does not apply (" + v.get()[1] + ").", ev, missing);
            }
        }
        if (!missing.isEmpty()) {
            return recommendation(p, new Decision(Support.NOT_ASSESSED, "Applicability unknown: "
                    + String.join("; ", missing) + ".", ev, missing));
        }
        switch (p.reference()) {
            case "5.2-1": return recommendation(p, disclosure());
            case "5.2-2": return recommendation(p, actOnVulnerabilities());
            case "5.2-3": return recommendation(p, monitoring());
            case "5.3-13": return recommendation(p, supportPeriod());
            case "5.3-16": return recommendation(p, modelDesignation());
            case "5.6-9": return recommendation(p, secureDevelopment());
            case "6-3": return recommendation(p, withdrawConsent(p));
            default: return recommendation(p, generic(p, ev, missing));
        }
    }

    private Decision generic(EnProvision p, List<Evidence> ev, List<String> missing) {
        List<String> failing = new ArrayList<>();
        List<String> holding = new ArrayList<>();
        for (Mechanism m : p.mechanisms()) {
            Evidence e = f.evidence(m);
            ev.add(e);
            if (e.evidenceClass() == EvidenceClass.NOT_ASSESSED) {
                missing.add(m.description() + " not assessed: " + e.detail());
            } else if (!e.holds()) {
                failing.add(e.detail());
            } else {
                holding.add(e.detail());
            }
        }
        if (p.needsStatement()) {
            Optional<Declarations.ProvisionStatement> s = d.flatMap(x -> x.provision(p.reference()));
            if (s.isPresent()) {
                ev.add(Evidence.declared(p.reference(), s.get().met(), s.get().detail(), d.get().declarant()));
                if (s.get().met()) {
                    holding.add("manufacturer: " + s.get().detail());
                } else {
                    failing.add("manufacturer: " + s.get().detail());
                }
            } else {
                ev.add(Evidence.undeclared(p.reference(), "no manufacturer statement"));
                missing.add("manufacturer statement for what the SDK cannot see: declare provisions."
                        + p.reference());
            }
        }
        if (!failing.isEmpty()) {
            return new Decision(Support.NO, String.join("; ", failing) + ".", ev, missing);
        }
        if (!missing.isEmpty()) {
            String seen = holding.isEmpty() ? "" : " Seen: " + String.join("; ", holding) + ".";
            return new Decision(Support.NOT_ASSESSED, "Missing: " + String.join("; ", missing) + "." + seen, ev,
                    missing);
        }
        return new Decision(Support.YES, String.join("; ", holding) + ".", ev, missing);
    }

    /** A recommendation not met or not assessed carries its declared justification (and is then N). */
    private Decision recommendation(EnProvision p, Decision x) {
        if (p.status() != ProvisionStatus.RECOMMENDED
                || (x.support != Support.NO && x.support != Support.NOT_ASSESSED)) {
            return x;
        }
        Optional<String> j = d.flatMap(dd -> dd.justification(p.reference()));
        if (!j.isPresent()) {
            return x;
        }
        List<Evidence> ev = new ArrayList<>(x.evidence);
        ev.add(Evidence.declared(p.reference(), false, "justification: " + j.get(), d.get().declarant()));
        return new Decision(Support.NO, "Not met, justified by the manufacturer: " + j.get() + " (" + x.detail
                + ")", ev, x.missing);
    }

    private Optional<String> declarant() {
        return d.map(Declarations::declarant);
    }

    // ------------------------------------------------------------------ special rows

    private Decision disclosure() {
        List<Evidence> ev = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        Evidence sdk = f.evidence(Mechanism.DISCLOSURE_POLICY);
        ev.add(sdk);
        if (f.disclosurePolicyExpires().isPresent() && !f.disclosurePolicyExpires().get().isAfter(now)) {
            return new Decision(Support.NO, "The disclosure policy expired on " + f.disclosurePolicyExpires().get()
                    + ": renew the DisclosurePolicy (its Expires field) and republish it.", ev, missing);
        }
        if (sdk.evidenceClass() != EvidenceClass.NOT_ASSESSED && !sdk.holds()) {
            return new Decision(Support.NO, sdk.detail() + ".", ev, missing);
        }
        if (!sdk.holds()) {
            missing.add("a contact point: configure a DisclosurePolicy (" + sdk.detail() + ")");
        }
        if (d.flatMap(Declarations::acknowledgementDays).isPresent()
                && d.flatMap(Declarations::statusUpdateDays).isPresent()) {
            Declarations x = d.get();
            ev.add(Evidence.declared("vulnerabilityHandling", true, "acknowledgement within "
                    + x.acknowledgementDays().get() + " days, status updates every " + x.statusUpdateDays().get()
                    + " days until resolved" + x.vulnerabilityPolicyUrl().map(u -> ", policy at " + u).orElse(""),
                    x.declarant()));
        } else {
            ev.add(Evidence.undeclared("vulnerabilityHandling", "no timescales declared"));
            missing.add("the timescales for acknowledgement and status updates: declare"
                    + " vulnerabilityHandling.acknowledgementDays and .statusUpdateDays");
        }
        if (!missing.isEmpty()) {
            return new Decision(Support.NOT_ASSESSED, "Missing: " + String.join("; ", missing) + "."
                    + (sdk.holds() ? " Seen: " + sdk.detail() + "." : ""), ev, missing);
        }
        StringBuilder s = new StringBuilder(sdk.detail()).append("; ");
        s.append(ev.get(ev.size() - 1).detail()).append(". Publishing the policy is the manufacturer's step.");
        return new Decision(Support.YES, s.toString(), ev, missing);
    }

    private Decision declaredOnly(String subject, Optional<String> value, String missingText, String prefix) {
        List<Evidence> ev = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        if (!value.isPresent()) {
            ev.add(Evidence.undeclared(subject, missingText));
            missing.add(missingText);
            return new Decision(Support.NOT_ASSESSED, "Manufacturer's process; missing: " + missingText + ".", ev,
                    missing);
        }
        ev.add(Evidence.declared(subject, true, prefix + value.get(), declarant().get()));
        return new Decision(Support.YES, "Manufacturer's process, declared: " + prefix + value.get() + ".", ev,
                missing);
    }

    private Decision actOnVulnerabilities() {
        return declaredOnly("vulnerabilityHandling.fixTargetDays",
                d.flatMap(Declarations::fixTargetDays).map(String::valueOf),
                "declare vulnerabilityHandling.fixTargetDays", "fixes for confirmed vulnerabilities targeted within"
                        + " days: ");
    }

    private Decision monitoring() {
        Optional<String> v = d.flatMap(x -> x.sbom().isPresent() && x.sbomMonitoredBy().isPresent()
                ? Optional.of(x.sbom().get() + ", monitored by " + x.sbomMonitoredBy().get()) : Optional.empty());
        return declaredOnly("sbomMonitoring", v, "declare sbomMonitoring.sbom and .monitoredBy", "SBOM ");
    }

    private Decision secureDevelopment() {
        return declaredOnly("secureDevelopmentProcess", d.flatMap(Declarations::secureDevelopmentProcess),
                "declare secureDevelopmentProcess", "");
    }

    private Decision modelDesignation() {
        return declaredOnly("product.model", d.flatMap(Declarations::productModel), "declare product.model",
                "model designation ");
    }

    private Decision supportPeriod() {
        List<Evidence> ev = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        Evidence meta = f.evidence(Mechanism.SUPPORT_PERIOD_METADATA);
        if (meta.evidenceClass() != EvidenceClass.NOT_ASSESSED) {
            ev.add(meta);
        }
        Optional<LocalDate> declared = d.flatMap(Declarations::supportPeriodEnd);
        if (f.supportUntil().isPresent() && f.supportUntil().get().isBefore(today)) {
            return new Decision(Support.NO, "The support period ended on " + f.supportUntil().get()
                    + " (signed update metadata): the device no longer receives security updates.", ev, missing);
        }
        if (!declared.isPresent()) {
            ev.add(Evidence.undeclared("supportPeriod", "no support period declared"));
            missing.add("declare supportPeriod.endDate and .endOfLifePolicyUrl (publishing the period is the"
                    + " manufacturer's)");
            String seen = f.supportUntil().map(u -> " Seen: support-until " + u + " in the signed update metadata.")
                    .orElse("");
            return new Decision(Support.NOT_ASSESSED, "Missing: " + missing.get(0) + "." + seen, ev, missing);
        }
        Declarations x = d.get();
        ev.add(Evidence.declared("supportPeriod", !declared.get().isBefore(today), "security updates until "
                + declared.get() + ", end-of-life policy at " + x.endOfLifePolicyUrl().get(), x.declarant()));
        if (declared.get().isBefore(today)) {
            return new Decision(Support.NO, "The declared support period ended on " + declared.get()
                    + ": the product no longer receives security updates.", ev, missing);
        }
        StringBuilder s = new StringBuilder("Declared: security updates until ").append(declared.get())
                .append(", end-of-life policy published at ").append(x.endOfLifePolicyUrl().get());
        if (f.supportUntil().isPresent()) {
            s.append(f.supportUntil().get().equals(declared.get()) ? "; the signed update metadata carries the same"
                    + " date" : "; NOTE: the signed update metadata says " + f.supportUntil().get());
        }
        return new Decision(Support.YES, s.append('.').toString(), ev, missing);
    }

    private Decision withdrawConsent(EnProvision p) {
        Optional<String[]> consent = condition(Condition.CONSENT_BASED_PROCESSING);
        if (consent.isPresent() && !Boolean.parseBoolean(consent.get()[0])) {
            List<Evidence> ev = new ArrayList<>();
            ev.add(Evidence.declared("conditions.consentBasedProcessing", true,
                    "no personal data is processed on the basis of consent", d.get().declarant()));
            return new Decision(Support.YES, "Met without a mechanism: the manufacturer declares that no personal"
                    + " data is processed on the basis of consent, so there is no consent to withdraw.", ev,
                    new ArrayList<>());
        }
        return generic(p, new ArrayList<>(), new ArrayList<>());
    }

    private Decision justifications(Map<EnProvision, Decision> rows) {
        List<Evidence> ev = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        if (!d.isPresent()) {
            ev.add(Evidence.undeclared("justifications", "no declarations file"));
            missing.add("a declarations file with justifications for recommendations not met");
            return new Decision(Support.NOT_ASSESSED, "Missing: " + missing.get(0) + ".", ev, missing);
        }
        List<String> unjustifiedNo = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (Map.Entry<EnProvision, Decision> e : rows.entrySet()) {
            EnProvision p = e.getKey();
            Decision x = e.getValue();
            if (x == null || p.status() != ProvisionStatus.RECOMMENDED
                    || d.get().justification(p.reference()).isPresent()) {
                continue;
            }
            if (x.support == Support.NO) {
                unjustifiedNo.add(p.reference());
            } else if (x.support == Support.NOT_ASSESSED) {
                unknown.add(p.reference());
            }
        }
        ev.add(Evidence.declared("justifications", unjustifiedNo.isEmpty(), d.get().justifications().size()
                + " justification(s) recorded", d.get().declarant()));
        if (!unjustifiedNo.isEmpty()) {
            return new Decision(Support.NO, "Recommendations not met without a justification: "
                    + String.join(", ", unjustifiedNo) + ".", ev, missing);
        }
        if (!unknown.isEmpty()) {
            missing.add("recommendations not assessed and not justified: " + String.join(", ", unknown));
            return new Decision(Support.NOT_ASSESSED, "Missing: " + missing.get(0) + ".", ev, missing);
        }
        return new Decision(Support.YES, "Every recommendation not met has a recorded justification ("
                + d.get().justifications().size() + "); N/A rows state the condition that does not apply.", ev,
                missing);
    }
}
