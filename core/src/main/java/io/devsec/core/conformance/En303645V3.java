package io.devsec.core.conformance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The ETSI EN 303 645 V3.1.3 (2024-09) view of a {@link ConformanceStatement}: every provision of
 * {@link En303645V3Provision#all()} with its status, support (Y, N, N/A, NOT ASSESSED), evidence classes and detail,
 * decided from the same evidence and declarations as the V2.1.1 rows.
 *
 * <p>How a row is decided:
 * <ol>
 *   <li>Applicability: each numbered condition and feature is read from the declarations'
 *       {@code en303645v3Features}, or else derived from the V2.1.1 conditions or the SDK evidence as documented in
 *       {@code resolve} (DevSec's reading of which V2 condition or mechanism shows the feature). A condition that
 *       does not hold makes the row N/A (only conditional rows have one); an unknown one leaves it NOT ASSESSED.</li>
 *   <li>A provision with the same requirement as one or more V2.1.1 provisions takes their support, detail and
 *       evidence (N if one is N, NOT ASSESSED if one is, Y if all are). When the V2.1.1 row is N/A under its own
 *       condition while V3 applies, the V3 row is NOT ASSESSED with that reason, never N/A on V2's say-so.</li>
 *   <li>A provision new in V3 is decided from the SDK mechanism it touches (5.1-2A: mutual TLS between device and
 *       service; 6-3B: the consent registry; 6-6: personal-data erasure) plus a manufacturer statement
 *       ({@code provisions."<ref>"} in the declarations), or from the statement alone where DevSec owns no
 *       mechanism (5.3-4B, 5.6-4B, 6-7, 6-8); without one it is NOT ASSESSED.</li>
 *   <li>A recommendation not met or not assessed with a declared justification is N with it; 5.0-1 (was 4-1) is Y
 *       only when every such recommendation has one.</li>
 * </ol>
 * Rows whose status or condition could not be verified from the source say so in their {@code unverified} field and
 * in the Markdown's last column.
 */
public final class En303645V3 {

    /** The standard. */
    public static final String STANDARD = "ETSI EN 303 645 V3.1.3 (2024-09) (= ETSI TS 103 645 V3.1.1)";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One row of the V3 Table B.1. Immutable. */
    public static final class Row {
        private final En303645V3Provision provision;
        private final Support support;
        private final String detail;
        private final List<Evidence> evidence;
        private final List<String> missing;

        Row(En303645V3Provision provision, Support support, String detail, List<Evidence> evidence,
                List<String> missing) {
            if (support == Support.NOT_APPLICABLE && !provision.conditional()) {
                throw new IllegalStateException("N/A on unconditional provision " + provision.reference());
            }
            this.provision = provision;
            this.support = support;
            this.detail = detail;
            this.evidence = Collections.unmodifiableList(new ArrayList<>(evidence));
            this.missing = Collections.unmodifiableList(new ArrayList<>(missing));
        }

        /** @return the reference, e.g. {@code "5.3-4A"} */
        public String reference() {
            return provision.reference();
        }

        /** @return the provision */
        public En303645V3Provision provision() {
            return provision;
        }

        /** @return M or R */
        public ProvisionStatus status() {
            return provision.status();
        }

        /** @return the status as the source writes it, e.g. {@code M C (14) F (e)} */
        public String statusCode() {
            return provision.statusCode();
        }

        /** @return Y, N, N/A or NOT ASSESSED */
        public Support support() {
            return support;
        }

        /** @return what supports it, why not, why not applicable, or what is missing */
        public String detail() {
            return detail;
        }

        /** @return the evidence looked at */
        public List<Evidence> evidence() {
            return evidence;
        }

        /** @return the missing inputs; empty when fully assessed */
        public List<String> missing() {
            return missing;
        }

        /** @return the classes of the evidence looked at, plus NOT_ASSESSED when an input is missing */
        public Set<EvidenceClass> evidenceClasses() {
            return EvidenceClass.of(evidence, missing);
        }

        /** @return the evidence classes joined, e.g. {@code OBSERVED+DECLARED} */
        public String evidenceSummary() {
            return EvidenceClass.joined(evidenceClasses());
        }

        @Override
        public String toString() {
            return "V3Row{" + reference() + " " + statusCode() + " " + support.code() + " " + evidenceSummary() + "}";
        }
    }

    private final List<Row> rows;

    En303645V3(ConformanceStatement statement, ConformanceFacts facts) {
        this(statement, facts, En303645V3Provision.all());
    }

    /** For tests: the view over another provision table. */
    En303645V3(ConformanceStatement statement, ConformanceFacts facts, List<En303645V3Provision> table) {
        this.rows = Collections.unmodifiableList(new Rules(statement, facts).decideAll(table));
    }

    /** @return every row, in Table B.1 order */
    public List<Row> rows() {
        return rows;
    }

    /**
     * The row of one provision.
     *
     * @param reference e.g. {@code "5.0-1"}
     * @return the row, if the table has it
     */
    public Optional<Row> row(String reference) {
        for (Row r : rows) {
            if (r.reference().equals(reference)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /**
     * The rows of this status with this support.
     *
     * @param status M or R
     * @param support the support
     * @return the rows
     */
    public List<Row> select(ProvisionStatus status, Support support) {
        List<Row> out = new ArrayList<>();
        for (Row r : rows) {
            if (r.status() == status && r.support() == support) {
                out.add(r);
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** @return the mandatory rows that are N */
    public List<Row> mandatoryUnmet() {
        return select(ProvisionStatus.MANDATORY, Support.NO);
    }

    /** @return the mandatory rows that are not assessed */
    public List<Row> mandatoryNotAssessed() {
        return select(ProvisionStatus.MANDATORY, Support.NOT_ASSESSED);
    }

    /** @return the rows whose status or condition could not be verified from the source */
    public List<Row> unverified() {
        List<Row> out = new ArrayList<>();
        for (Row r : rows) {
            if (r.provision().unverified().isPresent()) {
                out.add(r);
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** @return one line per status, e.g. "Mandatory (37): 20 Y, 1 N, 3 N/A, 13 not assessed" */
    public List<String> summary() {
        List<String> out = new ArrayList<>();
        for (ProvisionStatus st : ProvisionStatus.values()) {
            int total = 0;
            for (Row r : rows) {
                total += r.status() == st ? 1 : 0;
            }
            out.add((st == ProvisionStatus.MANDATORY ? "Mandatory" : "Recommended") + " (" + total + "): "
                    + select(st, Support.YES).size() + " Y, " + select(st, Support.NO).size() + " N, "
                    + select(st, Support.NOT_APPLICABLE).size() + " N/A, " + select(st, Support.NOT_ASSESSED).size()
                    + " not assessed");
        }
        return out;
    }

    /**
     * The V3 Table B.1 as Markdown: the source note, the table (reference, status, support, evidence, detail,
     * source check), the summary and the mandatory gaps.
     *
     * @return the Markdown
     */
    public String toMarkdown() {
        StringBuilder b = new StringBuilder("## ").append(STANDARD).append(", Table B.1\n\n");
        b.append("References, statuses and conditions as stated in ").append(En303645V3Provision.SOURCE)
                .append("; rows marked UNVERIFIED disagree between sources. Provisions whose requirement is that of an"
                        + " EN 303 645 V2.1.1 provision are decided from that row's evidence (DevSec's mapping).\n\n");
        b.append("| Reference | Status | Support | Evidence | Detail | Source check |\n|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            b.append("| ").append(r.reference()).append(" | ").append(r.statusCode()).append(" | ")
                    .append(r.support().code()).append(" | ").append(r.evidenceSummary()).append(" | ")
                    .append(ConformanceStatement.cell(r.detail())).append(" | ")
                    .append(r.provision().unverified().map(u -> "UNVERIFIED " + ConformanceStatement.cell(u))
                            .orElse("as stated in the source"))
                    .append(" |\n");
        }
        b.append('\n');
        for (String s : summary()) {
            b.append(s).append('\n');
        }
        refs(b, "Mandatory provisions not met", mandatoryUnmet());
        refs(b, "Mandatory provisions not assessed", mandatoryNotAssessed());
        refs(b, "Status or condition unverified", unverified());
        return b.toString();
    }

    private static void refs(StringBuilder b, String label, List<Row> list) {
        if (!list.isEmpty()) {
            List<String> refs = new ArrayList<>();
            for (Row r : list) {
                refs.add(r.reference());
            }
            b.append(label).append(": ").append(String.join(", ", refs)).append('\n');
        }
    }

    /**
     * The view as a JSON object: {@code standard}, {@code source}, {@code rows} (each {@code reference},
     * {@code status}, {@code support}, {@code evidenceClasses}, {@code en303645v2}, {@code detail}, {@code missing},
     * {@code unverified} when set) and {@code summary}.
     *
     * @return the JSON text, ending with a newline
     */
    public String toJson() {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(toJsonNode()) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("Cannot render the view as JSON", e);
        }
    }

    /**
     * The same as {@link #toJson()}, as a tree.
     *
     * @return the JSON object
     */
    ObjectNode toJsonNode() {
        ObjectNode root = JSON.createObjectNode();
        root.put("standard", STANDARD);
        root.put("source", En303645V3Provision.SOURCE);
        ArrayNode rowsNode = root.putArray("rows");
        for (Row r : rows) {
            ObjectNode n = rowsNode.addObject();
            n.put("reference", r.reference());
            n.put("status", r.statusCode());
            n.put("support", r.support().code());
            ArrayNode classes = n.putArray("evidenceClasses");
            r.evidenceClasses().forEach(c -> classes.add(c.name()));
            ArrayNode v2 = n.putArray("en303645v2");
            r.provision().v2References().forEach(v2::add);
            n.put("detail", r.detail());
            ArrayNode missing = n.putArray("missing");
            r.missing().forEach(missing::add);
            r.provision().unverified().ifPresent(u -> n.put("unverified", u));
        }
        ArrayNode summary = root.putArray("summary");
        summary().forEach(summary::add);
        return root;
    }

    // ------------------------------------------------------------------ rules

    /** A resolved condition or feature: its value and the evidence it rests on. */
    private static final class Resolved {
        final boolean value;
        final Evidence evidence;
        final String source;

        Resolved(boolean value, Evidence evidence, String source) {
            this.value = value;
            this.evidence = evidence;
            this.source = source;
        }
    }

    private static final class Rules {
        private static final String JUSTIFIED = "Not met, justified by the manufacturer";
        private final ConformanceStatement s;
        private final ConformanceFacts f;
        private final Optional<Declarations> d;
        private final En303645Rules v2;

        Rules(ConformanceStatement statement, ConformanceFacts facts) {
            this.s = statement;
            this.f = facts;
            this.d = statement.declarations();
            Instant now = statement.generatedAt();
            LocalDate today = now.atZone(ZoneOffset.UTC).toLocalDate();
            this.v2 = new En303645Rules(facts, d, now, today);
        }

        List<Row> decideAll(List<En303645V3Provision> table) {
            Map<En303645V3Provision, Row> out = new LinkedHashMap<>();
            for (En303645V3Provision p : table) {
                out.put(p, p.reference().equals("5.0-1") ? null : decide(p));
            }
            for (En303645V3Provision p : table) {
                if (p.reference().equals("5.0-1")) {
                    out.put(p, justifications(p, out));
                }
            }
            return new ArrayList<>(out.values());
        }

        // -------------------------------------------------------------- applicability

        private Optional<Resolved> fromV2(Condition c) {
            Optional<String[]> v = v2.condition(c);
            return v.map(x -> new Resolved(Boolean.parseBoolean(x[0]), v2.conditionEvidence(c, x),
                    "V2.1.1 condition (" + c.number() + ") " + c.text() + ": " + x[0] + ", " + x[1]));
        }

        private Optional<Resolved> whenHolds(Mechanism m, String what) {
            Evidence e = f.evidence(m);
            return e.holds() ? Optional.of(new Resolved(true, e, e.evidenceClass().name().toLowerCase(java.util.Locale.ROOT)
                    + ": " + what)) : Optional.empty();
        }

        private static Optional<Resolved> onlyTrue(Optional<Resolved> r) {
            return r.filter(x -> x.value);
        }

        private static Optional<Resolved> onlyFalse(Optional<Resolved> r) {
            return r.filter(x -> !x.value);
        }

        /**
         * A condition's value: declared, or derived (DevSec's reading): 3, 12, (g) from V2 condition 12; 14 and 15
         * from V2 condition 5 (not constrained); 16 from a per-device identity key; (a), (b), (d), (j), (l), (w),
         * (y) from V2 conditions 1, 2, 8, 11, 10, 6, 7; (c) true when passwords are used or mutual TLS holds;
         * (e) true when mutual TLS holds; (f) true when an update mechanism exists; (h) false when V2 condition 9 is
         * false, true when automatic update checks hold; (i) false when V2 condition 9 is false; (k) true when a
         * password or identity key is held; (m) true when signed updates or mutual TLS hold; (q), (r) true when V2
         * condition 13 is; (p) true when a listening socket is seen; (s) true when the integrity check holds; (z)
         * true when V2 condition 7 is. Otherwise unknown. A feature the SDK observes or configures as present
         * wins over a declaration that it is absent.
         */
        Optional<Resolved> resolve(V3Condition c) {
            Optional<Resolved> derived = derive(c);
            if (derived.isPresent() && derived.get().value
                    && (derived.get().evidence.evidenceClass() == EvidenceClass.OBSERVED
                            || derived.get().evidence.evidenceClass() == EvidenceClass.CONFIGURED)) {
                return derived; // what the SDK sees on the device wins over a declaration that it is absent
            }
            if (d.isPresent() && d.get().en303645v3Feature(c).isPresent()) {
                boolean v = d.get().en303645v3Feature(c).get();
                return Optional.of(new Resolved(v, Evidence.declared(c.label(), true, c.label() + " " + c.text()
                        + ": " + v, d.get().declarant()), "declared by " + d.get().declarant()));
            }
            return derived;
        }

        private Optional<Resolved> derive(V3Condition c) {
            switch (c) {
                case C3: return fromV2(Condition.SOFTWARE_NOT_UPDATEABLE);
                case C12: case G: return fromV2(Condition.UPDATE_MECHANISM);
                case C14: case C15: return fromV2(Condition.NOT_CONSTRAINED_DEVICE);
                case C16: return whenHolds(Mechanism.IDENTITY_KEY, "a per-device identity key is a critical security"
                        + " parameter");
                case A: return fromV2(Condition.PASSWORDS_USED);
                case B: return fromV2(Condition.PRE_INSTALLED_PASSWORDS);
                case C: {
                    Optional<Resolved> a = onlyTrue(fromV2(Condition.PASSWORDS_USED));
                    return a.isPresent() ? a : whenHolds(Mechanism.MUTUAL_TLS, "the device authenticates with its"
                            + " certificate");
                }
                case D: return fromV2(Condition.USER_AUTHENTICATION);
                case E: return whenHolds(Mechanism.MUTUAL_TLS, "the device authenticates to its services over the"
                        + " network");
                case F: return onlyTrue(fromV2(Condition.UPDATE_MECHANISM));
                case H: {
                    Optional<Resolved> no = onlyFalse(fromV2(Condition.AUTOMATIC_UPDATES_OR_NOTIFICATIONS));
                    return no.isPresent() ? no : whenHolds(Mechanism.UPDATE_AUTOMATIC, "automatic update checks");
                }
                case I: return onlyFalse(fromV2(Condition.AUTOMATIC_UPDATES_OR_NOTIFICATIONS));
                case J: return fromV2(Condition.UPDATES_OVER_NETWORK);
                case K: {
                    Optional<Resolved> pw = whenHolds(Mechanism.PASSWORD_UNIQUE, "a password hash is stored");
                    return pw.isPresent() ? pw : whenHolds(Mechanism.IDENTITY_KEY, "an identity key is stored");
                }
                case L: return fromV2(Condition.HARD_CODED_UNIQUE_IDENTITY);
                case M: {
                    Optional<Resolved> up = whenHolds(Mechanism.UPDATE_SIGNED, "a trusted update root verifies updates");
                    return up.isPresent() ? up : whenHolds(Mechanism.MUTUAL_TLS, "the identity key protects the"
                            + " service connection");
                }
                case P: {
                    Evidence e = f.evidence(Mechanism.LISTENING_SOCKETS);
                    return e.evidenceClass() != EvidenceClass.NOT_ASSESSED && !e.holds()
                            ? Optional.of(new Resolved(true, e, "observed: " + e.detail())) : Optional.empty();
                }
                case Q: case R: return onlyTrue(fromV2(Condition.DEBUG_INTERFACE_ACCESSIBLE));
                case S: return whenHolds(Mechanism.INTEGRITY_CHECK, "installed software checked against signed"
                        + " metadata");
                case W: return fromV2(Condition.TELEMETRY_COLLECTED);
                case Y: return fromV2(Condition.CONSENT_BASED_PROCESSING);
                case Z: return onlyTrue(fromV2(Condition.CONSENT_BASED_PROCESSING));
                default: return Optional.empty();
            }
        }

        // -------------------------------------------------------------- rows

        private Row decide(En303645V3Provision p) {
            List<Evidence> ev = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            for (V3Condition c : p.conditions()) {
                Optional<Resolved> r = resolve(c);
                if (!r.isPresent()) {
                    missing.add(c.label() + " " + c.text() + ": declare en303645v3Features." + c.key());
                } else if (!r.get().value) {
                    ev.add(r.get().evidence);
                    return new Row(p, Support.NOT_APPLICABLE, c.label() + " \"" + c.text() + "\" does not apply ("
                            + r.get().source + ").", ev, missing);
                } else {
                    ev.add(r.get().evidence);
                }
            }
            if (!missing.isEmpty()) {
                return recommendation(p, new Row(p, Support.NOT_ASSESSED, "Applicability unknown: "
                        + String.join("; ", missing) + ".", ev, missing));
            }
            if (p.v2References().isEmpty()) {
                return recommendation(p, newProvision(p, ev, missing));
            }
            return recommendation(p, mapped(p, ev, missing));
        }

        private Row mapped(En303645V3Provision p, List<Evidence> ev, List<String> missing) {
            List<String> no = new ArrayList<>();
            List<String> notAssessed = new ArrayList<>();
            List<String> yes = new ArrayList<>();
            for (String ref : p.v2References()) {
                ConformanceStatement.Row r = s.row(ref).get();
                ev.addAll(r.evidence());
                String line = "V2.1.1 " + ref + " " + r.support().code() + ": " + r.detail();
                switch (r.support()) {
                    case NO: no.add(line); break;
                    case NOT_ASSESSED:
                        notAssessed.add(line);
                        missing.addAll(r.missing().isEmpty() ? Collections.singletonList(ref + " not assessed")
                                : r.missing());
                        break;
                    case NOT_APPLICABLE:
                        notAssessed.add("V2.1.1 " + ref + " is N/A under its own condition (" + r.detail()
                                + ") while the V3 conditions apply; DevSec has no separate V3 evaluation");
                        missing.add("an evaluation of " + ref + " under V3's conditions");
                        break;
                    default: yes.add(line); break;
                }
            }
            if (!no.isEmpty()) {
                return new Row(p, Support.NO, String.join(" ", no), ev, missing);
            }
            if (!notAssessed.isEmpty()) {
                return new Row(p, Support.NOT_ASSESSED, String.join(" ", notAssessed), ev, missing);
            }
            return new Row(p, Support.YES, String.join(" ", yes), ev, missing);
        }

        /** The SDK mechanism a provision new in V3 touches, if DevSec owns one. */
        private static Optional<Mechanism> mechanismOf(String reference) {
            switch (reference) {
                case "5.1-2A": return Optional.of(Mechanism.MUTUAL_TLS);
                case "6-3B": return Optional.of(Mechanism.CONSENT_REGISTRY);
                case "6-6": return Optional.of(Mechanism.PERSONAL_DATA_WIPE);
                default: return Optional.empty();
            }
        }

        private Row newProvision(En303645V3Provision p, List<Evidence> ev, List<String> missing) {
            List<String> failing = new ArrayList<>();
            List<String> holding = new ArrayList<>();
            Optional<Mechanism> m = mechanismOf(p.reference());
            if (m.isPresent()) {
                Evidence e = f.evidence(m.get());
                ev.add(e);
                if (e.evidenceClass() == EvidenceClass.NOT_ASSESSED) {
                    missing.add(m.get().description() + " not assessed: " + e.detail());
                } else if (!e.holds()) {
                    failing.add(e.detail());
                } else {
                    holding.add(e.detail());
                }
            }
            Optional<Declarations.ProvisionStatement> st = d.flatMap(x -> x.provision(p.reference()));
            if (st.isPresent()) {
                ev.add(Evidence.declared(p.reference(), st.get().met(), st.get().detail(), d.get().declarant()));
                (st.get().met() ? holding : failing).add("manufacturer: " + st.get().detail());
            } else {
                ev.add(Evidence.undeclared(p.reference(), "no manufacturer statement"));
                missing.add("manufacturer statement (new in V3" + (m.isPresent() ? "" : "; DevSec owns no mechanism"
                        + " for it") + "): declare provisions." + p.reference());
            }
            if (!failing.isEmpty()) {
                return new Row(p, Support.NO, String.join("; ", failing) + ".", ev, missing);
            }
            if (!missing.isEmpty()) {
                String seen = holding.isEmpty() ? "" : " Seen: " + String.join("; ", holding) + ".";
                return new Row(p, Support.NOT_ASSESSED, "Missing: " + String.join("; ", missing) + "." + seen, ev,
                        missing);
            }
            return new Row(p, Support.YES, String.join("; ", holding) + ".", ev, missing);
        }

        private Optional<String> justification(En303645V3Provision p) {
            if (!d.isPresent()) {
                return Optional.empty();
            }
            Optional<String> j = d.get().justification(p.reference());
            for (String ref : p.v2References()) {
                if (!j.isPresent()) {
                    j = d.get().justification(ref);
                }
            }
            return j;
        }

        private Row recommendation(En303645V3Provision p, Row x) {
            if (p.status() != ProvisionStatus.RECOMMENDED
                    || (x.support() != Support.NO && x.support() != Support.NOT_ASSESSED)) {
                return x;
            }
            Optional<String> j = justification(p);
            if (!j.isPresent() || x.detail().contains(JUSTIFIED)) {
                return x;
            }
            List<Evidence> ev = new ArrayList<>(x.evidence());
            ev.add(Evidence.declared(p.reference(), false, "justification: " + j.get(), d.get().declarant()));
            return new Row(p, Support.NO, JUSTIFIED + ": " + j.get() + " (" + x.detail() + ")", ev, x.missing());
        }

        private Row justifications(En303645V3Provision p, Map<En303645V3Provision, Row> rows) {
            List<Evidence> ev = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            if (!d.isPresent()) {
                ev.add(Evidence.undeclared("justifications", "no declarations file"));
                missing.add("a declarations file with justifications for recommendations not met");
                return new Row(p, Support.NOT_ASSESSED, "Missing: " + missing.get(0) + ".", ev, missing);
            }
            List<String> unjustifiedNo = new ArrayList<>();
            List<String> unknown = new ArrayList<>();
            for (Map.Entry<En303645V3Provision, Row> e : rows.entrySet()) {
                Row x = e.getValue();
                if (x == null || e.getKey().status() != ProvisionStatus.RECOMMENDED
                        || justification(e.getKey()).isPresent()) {
                    continue;
                }
                if (x.support() == Support.NO) {
                    unjustifiedNo.add(e.getKey().reference());
                } else if (x.support() == Support.NOT_ASSESSED) {
                    unknown.add(e.getKey().reference());
                }
            }
            ev.add(Evidence.declared("justifications", unjustifiedNo.isEmpty(), d.get().justifications().size()
                    + " justification(s) recorded", d.get().declarant()));
            if (!unjustifiedNo.isEmpty()) {
                return new Row(p, Support.NO, "Recommendations not met without a justification: "
                        + String.join(", ", unjustifiedNo) + ".", ev, missing);
            }
            if (!unknown.isEmpty()) {
                missing.add("recommendations not assessed and not justified: " + String.join(", ", unknown));
                return new Row(p, Support.NOT_ASSESSED, "Missing: " + missing.get(0) + ".", ev, missing);
            }
            return new Row(p, Support.YES, "Every recommendation not met has a recorded justification ("
                    + d.get().justifications().size() + "); N/A rows state the condition that does not apply.", ev,
                    missing);
        }
    }
}
