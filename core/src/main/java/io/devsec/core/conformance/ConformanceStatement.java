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
import java.util.Objects;
import java.util.Optional;

/**
 * The implementation conformance statement of one device: the pro forma of ETSI TS 103 645 V1.1.1 Annex A,
 * generated from the device's live configuration.
 *
 * <p>One {@link Row} per provision of TS 103 645 ({@link Provision#all()}), in the standard's order, with its
 * status (M/R), support (Y/N/N/A), a detail naming the feature and setting that provide it or why it is not met,
 * and the EN 303 645 V2.1.1 provisions it maps to. Render with {@link #toMarkdown()} or {@link #toJson()}; gate a
 * release on {@link #mandatoryUnmet()} being empty.
 *
 * <p>Warning: the statement reports what the device's software configuration provides. Rows that are the
 * manufacturer's process (publishing a disclosure policy or a support period, monitoring, hardware) are Y only
 * when the device holds the evidence, and the detail says the publishing step is the manufacturer's.
 *
 * <p>Immutable and thread-safe. Holds no secret.
 */
public final class ConformanceStatement {

    /** The standard the rows are numbered by. */
    public static final String STANDARD = "ETSI TS 103 645 V1.1.1 (2019-02)";

    /** The standard the rows are mapped to. */
    public static final String MAPPED_STANDARD = "ETSI EN 303 645 V2.1.1 (2020-06)";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One row of the pro forma. Immutable. */
    public static final class Row {
        private final Provision provision;
        private final Support support;
        private final String detail;

        private Row(Provision provision, Support support, String detail) {
            this.provision = provision;
            this.support = support;
            this.detail = detail;
        }

        /** The provision's reference in TS 103 645, e.g. {@code "4.1-1"}. */
        public String reference() {
            return provision.reference();
        }

        /** The provision this row states support for. */
        public Provision provision() {
            return provision;
        }

        /** A one-sentence paraphrase of the provision. */
        public String title() {
            return provision.summary();
        }

        /** M or R. */
        public ProvisionStatus status() {
            return provision.status();
        }

        /** Y, N or N/A. */
        public Support support() {
            return support;
        }

        /** The feature and setting that provide the provision, or why it is not met or not applicable. */
        public String detail() {
            return detail;
        }

        /** The EN 303 645 provisions this one maps to. */
        public List<String> en303645() {
            return provision.en303645();
        }

        @Override
        public String toString() {
            return "Row{" + reference() + " " + status().code() + " " + support.code() + "}";
        }
    }

    private final String productName;
    private final String deviceId;
    private final Optional<String> serialNumber;
    private final Instant generatedAt;
    private final List<Row> rows;
    private final List<String> insecureOptions;

    private ConformanceStatement(ConformanceFacts facts, Instant generatedAt, List<Row> rows) {
        this.productName = facts.productName();
        this.deviceId = facts.deviceId();
        this.serialNumber = facts.serialNumber();
        this.generatedAt = generatedAt;
        this.rows = Collections.unmodifiableList(rows);
        this.insecureOptions = facts.insecureOptions();
    }

    /**
     * Generates the statement from the device's facts, with the generation time and today's date (for expiry of
     * the disclosure policy and the support period) from the clock, in UTC.
     */
    public static ConformanceStatement generate(ConformanceFacts facts, Clock clock) {
        Objects.requireNonNull(facts, "facts");
        Objects.requireNonNull(clock, "clock");
        Instant now = clock.instant();
        ProvisionRules rules = new ProvisionRules(facts, now, now.atOffset(ZoneOffset.UTC).toLocalDate());
        List<Row> rows = new ArrayList<>();
        for (Provision p : Provision.all()) {
            ProvisionRules.Verdict v = rules.evaluate(p);
            rows.add(new Row(p, v.support, v.detail));
        }
        return new ConformanceStatement(facts, now, rows);
    }

    public String productName() {
        return productName;
    }

    public String deviceId() {
        return deviceId;
    }

    public Optional<String> serialNumber() {
        return serialNumber;
    }

    /** When the statement was generated (device clock). */
    public Instant generatedAt() {
        return generatedAt;
    }

    /** Every row, one per provision, in the standard's order. Unmodifiable. */
    public List<Row> rows() {
        return rows;
    }

    /** The row of one provision ({@code "4.3-2"}); empty when TS 103 645 has no such provision. */
    public Optional<Row> row(String reference) {
        Objects.requireNonNull(reference, "reference");
        for (Row r : rows) {
            if (r.reference().equals(reference)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** The mandatory rows whose support is N (N/A is not unmet). Empty when every mandatory provision is met. */
    public List<Row> mandatoryUnmet() {
        return unmet(ProvisionStatus.MANDATORY);
    }

    /** The recommended rows whose support is N. */
    public List<Row> recommendedUnmet() {
        return unmet(ProvisionStatus.RECOMMENDED);
    }

    private List<Row> unmet(ProvisionStatus status) {
        List<Row> out = new ArrayList<>();
        for (Row r : rows) {
            if (r.status() == status && r.support() == Support.NO) {
                out.add(r);
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** How many rows of this status are supported (Y). */
    public int supported(ProvisionStatus status) {
        int n = 0;
        for (Row r : rows) {
            if (r.status() == status && r.support() == Support.YES) {
                n++;
            }
        }
        return n;
    }

    /** How many rows of this status are applicable (Y or N, not N/A). */
    public int applicable(ProvisionStatus status) {
        int n = 0;
        for (Row r : rows) {
            if (r.status() == status && r.support() != Support.NOT_APPLICABLE) {
                n++;
            }
        }
        return n;
    }

    /** The insecure opt-ins in use on the device, as listed in the header. */
    public List<String> insecureOptions() {
        return insecureOptions;
    }

    /**
     * The statement as a Markdown document: a header table (product, device id, generated at, standard versions),
     * the pro forma table, and a summary of mandatory and recommended provisions supported.
     */
    public String toMarkdown() {
        StringBuilder b = new StringBuilder();
        b.append("# Implementation conformance statement\n\n");
        b.append("| | |\n|---|---|\n");
        b.append("| Product | ").append(cell(productName)).append(" |\n");
        b.append("| Device id | ").append(cell(deviceId)).append(" |\n");
        serialNumber.ifPresent(s -> b.append("| Serial number | ").append(cell(s)).append(" |\n"));
        b.append("| Generated at | ").append(generatedAt).append(" |\n");
        b.append("| Standard | ").append(STANDARD).append(", Annex A implementation pro forma |\n");
        b.append("| Mapped to | ").append(MAPPED_STANDARD).append(" |\n");
        b.append("| Insecure opt-ins | ")
                .append(insecureOptions.isEmpty() ? "none" : cell(String.join(", ", insecureOptions))).append(" |\n");
        b.append('\n');
        b.append("| Reference | Provision | Status | Support | Detail | EN 303 645 |\n");
        b.append("|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            b.append("| ").append(r.reference())
                    .append(" | ").append(cell(r.title()))
                    .append(" | ").append(r.status().code())
                    .append(" | ").append(r.support().code())
                    .append(" | ").append(cell(r.detail()))
                    .append(" | ").append(String.join(", ", r.en303645()))
                    .append(" |\n");
        }
        b.append('\n');
        b.append("Mandatory supported: ").append(supported(ProvisionStatus.MANDATORY)).append('/')
                .append(applicable(ProvisionStatus.MANDATORY)).append('\n');
        b.append("Recommended supported: ").append(supported(ProvisionStatus.RECOMMENDED)).append('/')
                .append(applicable(ProvisionStatus.RECOMMENDED)).append('\n');
        List<Row> unmet = mandatoryUnmet();
        if (!unmet.isEmpty()) {
            List<String> refs = new ArrayList<>();
            for (Row r : unmet) {
                refs.add(r.reference());
            }
            b.append("\nMandatory provisions not met: ").append(String.join(", ", refs)).append('\n');
        }
        return b.toString();
    }

    private static String cell(String text) {
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ");
    }

    /**
     * The statement as JSON with stable field names: {@code standard}, {@code mappedStandard}, {@code product},
     * {@code deviceId}, {@code serialNumber} (when known), {@code generatedAt}, {@code insecureOptions},
     * {@code rows} (each {@code reference}, {@code clause}, {@code clauseTitle}, {@code title}, {@code status},
     * {@code support}, {@code detail}, {@code en303645}) and {@code summary} ({@code mandatorySupported},
     * {@code mandatoryApplicable}, {@code mandatoryTotal}, {@code recommendedSupported},
     * {@code recommendedApplicable}, {@code recommendedTotal}, {@code mandatoryUnmet}).
     */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("standard", STANDARD);
        root.put("mappedStandard", MAPPED_STANDARD);
        root.put("product", productName);
        root.put("deviceId", deviceId);
        serialNumber.ifPresent(s -> root.put("serialNumber", s));
        root.put("generatedAt", generatedAt.toString());
        ArrayNode insecure = root.putArray("insecureOptions");
        insecureOptions.forEach(insecure::add);
        ArrayNode rowsNode = root.putArray("rows");
        for (Row r : rows) {
            ObjectNode n = rowsNode.addObject();
            n.put("reference", r.reference());
            n.put("clause", r.provision().clause());
            n.put("clauseTitle", r.provision().clauseTitle());
            n.put("title", r.title());
            n.put("status", r.status().code());
            n.put("support", r.support().code());
            n.put("detail", r.detail());
            ArrayNode en = n.putArray("en303645");
            r.en303645().forEach(en::add);
        }
        ObjectNode summary = root.putObject("summary");
        summary.put("mandatorySupported", supported(ProvisionStatus.MANDATORY));
        summary.put("mandatoryApplicable", applicable(ProvisionStatus.MANDATORY));
        summary.put("mandatoryTotal", total(ProvisionStatus.MANDATORY));
        summary.put("recommendedSupported", supported(ProvisionStatus.RECOMMENDED));
        summary.put("recommendedApplicable", applicable(ProvisionStatus.RECOMMENDED));
        summary.put("recommendedTotal", total(ProvisionStatus.RECOMMENDED));
        ArrayNode unmet = summary.putArray("mandatoryUnmet");
        mandatoryUnmet().forEach(r -> unmet.add(r.reference()));
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot render the statement as JSON", e);
        }
    }

    private int total(ProvisionStatus status) {
        int n = 0;
        for (Row r : rows) {
            if (r.status() == status) {
                n++;
            }
        }
        return n;
    }

    @Override
    public String toString() {
        return "ConformanceStatement{deviceId=" + deviceId + ", mandatory " + supported(ProvisionStatus.MANDATORY)
                + "/" + applicable(ProvisionStatus.MANDATORY) + ", recommended "
                + supported(ProvisionStatus.RECOMMENDED) + "/" + applicable(ProvisionStatus.RECOMMENDED) + "}";
    }
}
