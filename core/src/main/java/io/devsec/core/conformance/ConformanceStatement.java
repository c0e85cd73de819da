package io.devsec.core.conformance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The conformance statement of one device: every provision of ETSI EN 303 645 V2.1.1 Table B.1 (reference,
 * status, support, detail), each with the evidence behind it and its evidence classes, generated from the SDK's
 * evidence ({@link ConformanceFacts}) and the manufacturer's {@link Declarations}. The other standards are views
 * of the same rows: {@link #ts103645()} (TS 103 645 V1.1.1 by clause), {@link #psti()} (UK PSTI), {@link #cra()}
 * (CRA Annex I), {@link #en303645v3()} (EN 303 645 V3.1.3) and {@link #en18031()} (EN 18031-1).
 *
 * <p>A row is Y only when every SDK mechanism it needs was observed or configured on this device and every
 * manufacturer input it needs was declared; N when evidence shows it is not met (or a period has expired); N/A
 * only for a conditional provision whose condition does not apply; otherwise NOT ASSESSED, with what is missing.
 * Gate a release on {@link #mandatoryUnmet()} and {@link #mandatoryNotAssessed()} both being empty.
 *
 * <p>Immutable and thread-safe. Holds no secret.
 */
public final class ConformanceStatement {

    /** The standard the rows are numbered by. */
    public static final String STANDARD = "ETSI EN 303 645 V2.1.1 (2020-06)";

    /** The standard summarised by clause in {@link #ts103645()}. */
    public static final String TS_STANDARD = "ETSI TS 103 645 V1.1.1 (2019-02)";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One row of Table B.1, with its evidence. Immutable. */
    public static final class Row {
        private final EnProvision provision;
        private final Support support;
        private final String detail;
        private final List<Evidence> evidence;
        private final List<String> missing;

        Row(EnProvision provision, Support support, String detail, List<Evidence> evidence, List<String> missing) {
            if (support == Support.NOT_APPLICABLE && !provision.conditional()) {
                throw new IllegalStateException("N/A on unconditional provision " + provision.reference());
            }
            this.provision = provision;
            this.support = support;
            this.detail = detail;
            this.evidence = Collections.unmodifiableList(new ArrayList<>(evidence));
            this.missing = Collections.unmodifiableList(new ArrayList<>(missing));
        }

        /** @return the reference, e.g. {@code "5.1-1"} */
        public String reference() {
            return provision.reference();
        }

        /** @return the provision */
        public EnProvision provision() {
            return provision;
        }

        /** @return a one-sentence paraphrase of the provision */
        public String title() {
            return provision.summary();
        }

        /** @return M or R */
        public ProvisionStatus status() {
            return provision.status();
        }

        /** @return the status as Table B.1 writes it, e.g. {@code M C (1)} */
        public String statusCode() {
            return provision.statusCode();
        }

        /** @return Y, N, N/A or NOT ASSESSED */
        public Support support() {
            return support;
        }

        /** @return the measures that provide support, why not, why not applicable, or what is missing */
        public String detail() {
            return detail;
        }

        /** @return the evidence looked at, SDK evidence first, then declarations */
        public List<Evidence> evidence() {
            return evidence;
        }

        /** @return the inputs that are missing; empty when the row was fully assessed */
        public List<String> missing() {
            return missing;
        }

        /** @return the classes of the evidence that holds (for a Y row, what the Y rests on) */
        public Set<EvidenceClass> evidenceClasses() {
            return EvidenceClass.of(evidence, missing);
        }

        /** @return the evidence classes joined, e.g. {@code OBSERVED+DECLARED} */
        public String evidenceSummary() {
            return EvidenceClass.joined(evidenceClasses());
        }

        @Override
        public String toString() {
            return "Row{" + reference() + " " + statusCode() + " " + support.code() + " " + evidenceSummary() + "}";
        }
    }

    private final String productName;
    private final String deviceId;
    private final Optional<String> serialNumber;
    private final Instant generatedAt;
    private final List<Row> rows;
    private final List<String> insecureOptions;
    private final Optional<Declarations> declarations;
    private final Optional<String> offlineReason;
    private final ConformanceFacts facts;

    private ConformanceStatement(ConformanceFacts facts, Optional<Declarations> declarations, Instant generatedAt,
            List<Row> rows) {
        this.productName = facts.productName();
        this.deviceId = facts.deviceId();
        this.serialNumber = facts.serialNumber();
        this.generatedAt = generatedAt;
        this.rows = Collections.unmodifiableList(rows);
        this.insecureOptions = facts.insecureOptions();
        this.declarations = declarations;
        this.offlineReason = facts.offlineReason();
        this.facts = facts;
    }

    /**
     * Generates the statement without manufacturer declarations: every row that needs one is not assessed.
     *
     * @param facts the device's evidence
     * @param clock the generation time and today's date (UTC) for expiry
     * @return the statement
     */
    public static ConformanceStatement generate(ConformanceFacts facts, Clock clock) {
        return generate(facts, Optional.empty(), clock);
    }

    /**
     * Generates the statement.
     *
     * @param facts the device's evidence
     * @param declarations the manufacturer's declarations
     * @param clock the generation time and today's date (UTC) for expiry
     * @return the statement
     */
    public static ConformanceStatement generate(ConformanceFacts facts, Declarations declarations, Clock clock) {
        return generate(facts, Optional.of(Objects.requireNonNull(declarations, "declarations")), clock);
    }

    static ConformanceStatement generate(ConformanceFacts facts, Optional<Declarations> declarations, Clock clock) {
        Objects.requireNonNull(facts, "facts");
        Objects.requireNonNull(clock, "clock");
        Instant now = clock.instant();
        LocalDate today = now.atZone(ZoneOffset.UTC).toLocalDate();
        Map<EnProvision, En303645Rules.Decision> decided =
                new En303645Rules(facts, declarations, now, today).decideAll();
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<EnProvision, En303645Rules.Decision> e : decided.entrySet()) {
            En303645Rules.Decision x = e.getValue();
            rows.add(new Row(e.getKey(), x.support, x.detail, x.evidence, x.missing));
        }
        return new ConformanceStatement(facts, declarations, now, rows);
    }

    /** @return the product name */
    public String productName() {
        return productName;
    }

    /** @return the device id */
    public String deviceId() {
        return deviceId;
    }

    /** @return the serial number, if provisioned */
    public Optional<String> serialNumber() {
        return serialNumber;
    }

    /** @return when the statement was generated (device clock) */
    public Instant generatedAt() {
        return generatedAt;
    }

    /** @return the declarations the statement used, if any */
    public Optional<Declarations> declarations() {
        return declarations;
    }

    /** @return why the statement is an offline view (generated from a data folder), when it is */
    public Optional<String> offlineReason() {
        return offlineReason;
    }

    /** @return every row of Table B.1, in order; unmodifiable */
    public List<Row> rows() {
        return rows;
    }

    /**
     * The row of one EN 303 645 V2.1.1 provision.
     *
     * @param reference e.g. {@code "5.3-13"}
     * @return the row; empty when the standard has no such provision
     */
    public Optional<Row> row(String reference) {
        Objects.requireNonNull(reference, "reference");
        for (Row r : rows) {
            if (r.reference().equals(reference)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** @return the mandatory rows that are N */
    public List<Row> mandatoryUnmet() {
        return select(ProvisionStatus.MANDATORY, Support.NO);
    }

    /** @return the mandatory rows that are not assessed */
    public List<Row> mandatoryNotAssessed() {
        return select(ProvisionStatus.MANDATORY, Support.NOT_ASSESSED);
    }

    /** @return the recommended rows that are N */
    public List<Row> recommendedUnmet() {
        return select(ProvisionStatus.RECOMMENDED, Support.NO);
    }

    private List<Row> select(ProvisionStatus status, Support support) {
        List<Row> out = new ArrayList<>();
        for (Row r : rows) {
            if (r.status() == status && r.support() == support) {
                out.add(r);
            }
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * How many rows of this status have this support.
     *
     * @param status M or R
     * @param support the support
     * @return the count
     */
    public int count(ProvisionStatus status, Support support) {
        return select(status, support).size();
    }

    /**
     * How many rows of this status are supported (Y).
     *
     * @param status M or R
     * @return the count
     */
    public int supported(ProvisionStatus status) {
        return count(status, Support.YES);
    }

    /** @return the insecure opt-ins in use */
    public List<String> insecureOptions() {
        return insecureOptions;
    }

    /** @return TS 103 645 V1.1.1 clauses 4.1 to 4.13, each summarised from its EN rows */
    public List<Ts103645Clause> ts103645() {
        return Ts103645Clause.of(this);
    }

    /** @return the UK PSTI view */
    public PstiReport psti() {
        return new PstiReport(this, declarations);
    }

    /**
     * The ETSI EN 303 645 V3.1.3 view: every V3 provision (with 5.0-1, the A/B splits, 6-6 to 6-8 and the feature
     * conditions F (x)) decided from the same evidence and declarations as the V2.1.1 rows; see {@link En303645V3}.
     *
     * @return the V3 Table B.1
     */
    public En303645V3 en303645v3() {
        return new En303645V3(this, facts);
    }

    /**
     * The EN 18031-1 view: a decision outcome per requirement DevSec covers, and the requirements left to the
     * manufacturer; the outcomes are DevSec's reading (see {@link En18031Part1}).
     *
     * @return the EN 18031-1 view
     */
    public En18031Part1 en18031() {
        return new En18031Part1(this);
    }

    /** @return the CRA Annex I view (requirements paraphrased, mapping DevSec's; see {@link CraAnnexI}) */
    public CraAnnexI cra() {
        return new CraAnnexI(this);
    }

    /**
     * A one-line summary per status, e.g. "Mandatory (35): 10 Y, 2 N, 3 N/A, 20 not assessed".
     *
     * @return the summary lines
     */
    public List<String> summary() {
        List<String> out = new ArrayList<>();
        for (ProvisionStatus st : ProvisionStatus.values()) {
            int total = 0;
            for (Row r : rows) {
                total += r.status() == st ? 1 : 0;
            }
            out.add((st == ProvisionStatus.MANDATORY ? "Mandatory" : "Recommended") + " (" + total + "): "
                    + count(st, Support.YES) + " Y, " + count(st, Support.NO) + " N, "
                    + count(st, Support.NOT_APPLICABLE) + " N/A, " + count(st, Support.NOT_ASSESSED)
                    + " not assessed");
        }
        return out;
    }

    // ------------------------------------------------------------------ rendering

    static String cell(String text) {
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ");
    }

    private String header() {
        StringBuilder b = new StringBuilder("| | |\n|---|---|\n");
        b.append("| Product | ").append(cell(productName)).append(" |\n");
        b.append("| Device id | ").append(cell(deviceId)).append(" |\n");
        serialNumber.ifPresent(s -> b.append("| Serial number | ").append(cell(s)).append(" |\n"));
        b.append("| Generated at | ").append(generatedAt).append(" |\n");
        offlineReason.ifPresent(r -> b.append("| View | ").append(cell(r)).append(" |\n"));
        if (declarations.isPresent()) {
            Declarations d = declarations.get();
            b.append("| Manufacturer | ").append(cell(d.manufacturerName())).append(" |\n");
            b.append("| Declared by | ").append(cell(d.declarant())).append(" |\n");
        } else {
            b.append("| Declarations | none: rows needing the manufacturer are not assessed |\n");
        }
        b.append("| Insecure opt-ins | ")
                .append(insecureOptions.isEmpty() ? "none" : cell(String.join(", ", insecureOptions))).append(" |\n");
        return b.toString();
    }

    /**
     * The EN 303 645 V2.1.1 Table B.1 as Markdown: header, the table (reference, status, support, detail, and the
     * evidence classes), the summary and the mandatory gaps.
     *
     * @return the Markdown
     */
    public String en303645Markdown() {
        StringBuilder b = new StringBuilder("## ").append(STANDARD).append(", Table B.1\n\n");
        b.append("| Reference | Status | Support | Evidence | Detail |\n|---|---|---|---|---|\n");
        for (Row r : rows) {
            b.append("| ").append(r.reference()).append(" | ").append(r.statusCode()).append(" | ")
                    .append(r.support().code()).append(" | ").append(r.evidenceSummary()).append(" | ")
                    .append(cell(r.detail())).append(" |\n");
        }
        b.append('\n');
        for (String s : summary()) {
            b.append(s).append('\n');
        }
        appendRefs(b, "Mandatory provisions not met", mandatoryUnmet());
        appendRefs(b, "Mandatory provisions not assessed", mandatoryNotAssessed());
        return b.toString();
    }

    private static void appendRefs(StringBuilder b, String label, List<Row> list) {
        if (!list.isEmpty()) {
            List<String> refs = new ArrayList<>();
            for (Row r : list) {
                refs.add(r.reference());
            }
            b.append(label).append(": ").append(String.join(", ", refs)).append('\n');
        }
    }

    /**
     * TS 103 645 V1.1.1 by clause as Markdown.
     *
     * @return the Markdown
     */
    public String ts103645Markdown() {
        StringBuilder b = new StringBuilder("## ").append(TS_STANDARD).append(", by clause\n\n");
        b.append("Provision numbers below clause 4.2 are not shown: only 4.1-1 and 4.2-1 to 4.2-3 were confirmed."
                + " Each clause is read from the EN 303 645 V2.1.1 rows DevSec maps it to (DevSec's mapping).\n\n");
        b.append("| Clause | Title | Verdict | EN rows | Counts | Confirmed provisions |\n|---|---|---|---|---|---|\n");
        for (Ts103645Clause c : ts103645()) {
            b.append("| ").append(c.clause()).append(" | ").append(cell(c.title())).append(" | ")
                    .append(c.verdict().code()).append(" | ").append(c.references()).append(" | ")
                    .append(c.counts()).append(" | ")
                    .append(c.confirmedProvisions().isEmpty() ? "-" : cell(String.join(", ", c.confirmedProvisions())))
                    .append(" |\n");
        }
        return b.toString();
    }

    /**
     * The whole statement as Markdown: header, EN 303 645 V2.1.1 Table B.1, TS 103 645 V1.1.1 by clause, UK PSTI,
     * CRA Annex I, EN 303 645 V3.1.3 and EN 18031-1.
     *
     * @return the Markdown
     */
    public String toMarkdown() {
        return "# Conformance statement\n\n" + header() + "\nEvidence classes: OBSERVED (checked on the device now),"
                + " CONFIGURED (settings make it active), DECLARED (manufacturer statement), NOT_ASSESSED (an input"
                + " is missing).\n\n" + en303645Markdown() + "\n" + ts103645Markdown() + "\n" + psti().toMarkdown()
                + "\n" + cra().toMarkdown() + "\n" + en303645v3().toMarkdown() + "\n" + en18031().toMarkdown();
    }

    /**
     * The statement as JSON: {@code standard}, {@code product}, {@code deviceId}, {@code serialNumber},
     * {@code generatedAt}, {@code offline}, {@code declaredBy}, {@code insecureOptions}, {@code rows} (each
     * {@code reference}, {@code status}, {@code support}, {@code evidenceClasses}, {@code detail},
     * {@code missing}, {@code evidence} with {@code subject}, {@code class}, {@code holds}, {@code detail},
     * {@code source}), {@code summary}, {@code ts103645} (by clause), {@code psti}, {@code craAnnexI},
     * {@code en303645v3} (as {@link En303645V3#toJson()}) and {@code en18031_1} (as {@link En18031Part1#toJson()}).
     *
     * @return the JSON, ending with a newline
     */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("standard", STANDARD);
        root.put("product", productName);
        root.put("deviceId", deviceId);
        serialNumber.ifPresent(s -> root.put("serialNumber", s));
        root.put("generatedAt", generatedAt.toString());
        offlineReason.ifPresent(r -> root.put("offline", r));
        declarations.ifPresent(d -> root.put("declaredBy", d.declarant()));
        ArrayNode insecure = root.putArray("insecureOptions");
        insecureOptions.forEach(insecure::add);
        ArrayNode rowsNode = root.putArray("rows");
        for (Row r : rows) {
            ObjectNode n = rowsNode.addObject();
            n.put("reference", r.reference());
            n.put("status", r.statusCode());
            n.put("support", r.support().code());
            ArrayNode classes = n.putArray("evidenceClasses");
            r.evidenceClasses().forEach(c -> classes.add(c.name()));
            n.put("detail", r.detail());
            ArrayNode missing = n.putArray("missing");
            r.missing().forEach(missing::add);
            ArrayNode ev = n.putArray("evidence");
            for (Evidence e : r.evidence()) {
                ObjectNode en = ev.addObject();
                en.put("subject", e.subject());
                en.put("class", e.evidenceClass().name());
                en.put("holds", e.holds());
                en.put("detail", e.detail());
                en.put("source", e.source());
            }
        }
        ArrayNode summary = root.putArray("summary");
        summary().forEach(summary::add);
        ArrayNode ts = root.putArray("ts103645");
        for (Ts103645Clause c : ts103645()) {
            ObjectNode n = ts.addObject();
            n.put("clause", c.clause());
            n.put("title", c.title());
            n.put("verdict", c.verdict().code());
            n.put("en303645", c.references());
            ArrayNode confirmed = n.putArray("confirmedProvisions");
            c.confirmedProvisions().forEach(confirmed::add);
        }
        ObjectNode psti = root.putObject("psti");
        ArrayNode reqs = psti.putArray("requirements");
        PstiReport p = psti();
        for (PstiReport.Requirement r : p.requirements()) {
            ObjectNode n = reqs.addObject();
            n.put("requirement", r.paragraph());
            n.put("title", r.title());
            n.put("support", r.support().code());
        }
        ArrayNode gaps = psti.putArray("statementOfComplianceMissing");
        p.missing().forEach(gaps::add);
        ArrayNode cra = root.putArray("craAnnexI");
        for (CraAnnexI.Requirement r : cra().requirements()) {
            ObjectNode n = cra.addObject();
            n.put("requirement", r.reference());
            n.put("verdict", r.verdict().code());
            ArrayNode en = n.putArray("en303645");
            r.rows().forEach(row -> en.add(row.reference()));
            n.put("manufacturerPart", r.manufacturerPart());
        }
        root.set("en303645v3", en303645v3().toJsonNode());
        root.set("en18031_1", en18031().toJsonNode());
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot render the statement as JSON", e);
        }
    }

    @Override
    public String toString() {
        return "ConformanceStatement{deviceId=" + deviceId + ", " + String.join("; ", summary()) + "}";
    }
}
