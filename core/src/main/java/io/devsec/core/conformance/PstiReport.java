package io.devsec.core.conformance;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The UK Product Security and Telecommunications Infrastructure regime (The Product Security and
 * Telecommunications Infrastructure (Security Requirements for Relevant Connectable Products) Regulations 2023,
 * SI 2023/1007, in force since 29 April 2024) seen through the same evidence: the three security requirements
 * of Schedule 1, each decided from the EN 303 645 V2.1.1 rows that Schedule 2 deems to meet it (5.1-1 and 5.1-2;
 * 5.2-1; 5.3-13), and the facts a statement of compliance needs.
 *
 * <p>Not verified here against the published regulations: the exact list of what a statement of compliance must
 * contain. {@link #statementOfCompliance()} uses the list in {@link #REQUIRED_FACTS}, from the project's summary of
 * the regulations; check it against SI 2023/1007 before relying on it.
 */
public final class PstiReport {

    /** The facts a statement of compliance needs, as this SDK assembles them (unverified list, see above). */
    public static final List<String> REQUIRED_FACTS = Collections.unmodifiableList(java.util.Arrays.asList(
            "product type and model", "manufacturer name and address", "defined support period end date",
            "name and function of the signatory", "date of issue"));

    /** One Schedule 1 requirement with its decision. */
    public static final class Requirement {
        private final String paragraph;
        private final String title;
        private final Support support;
        private final List<ConformanceStatement.Row> rows;

        Requirement(String paragraph, String title, Support support, List<ConformanceStatement.Row> rows) {
            this.paragraph = paragraph;
            this.title = title;
            this.support = support;
            this.rows = Collections.unmodifiableList(rows);
        }

        /** @return the Schedule 1 requirement, e.g. "Schedule 1, 1" */
        public String paragraph() {
            return paragraph;
        }

        /** @return a short title */
        public String title() {
            return title;
        }

        /** @return Y, N, N/A or NOT ASSESSED, from the EN rows */
        public Support support() {
            return support;
        }

        /** @return the EN 303 645 rows the requirement is decided from */
        public List<ConformanceStatement.Row> rows() {
            return rows;
        }
    }

    private final ConformanceStatement statement;
    private final Optional<Declarations> declarations;
    private final List<Requirement> requirements;

    PstiReport(ConformanceStatement statement, Optional<Declarations> declarations) {
        this.statement = statement;
        this.declarations = declarations;
        List<Requirement> r = new ArrayList<>();
        r.add(requirement("Schedule 1, 1", "Passwords: none universal; unique per product or defined by the user;"
                + " not guessable", "5.1-1", "5.1-2"));
        r.add(requirement("Schedule 1, 2", "How to report security issues: contact point, acknowledgement and"
                + " status updates with timescales", "5.2-1"));
        r.add(requirement("Schedule 1, 3", "The defined support period for security updates, published as an end"
                + " date", "5.3-13"));
        this.requirements = Collections.unmodifiableList(r);
    }

    private Requirement requirement(String paragraph, String title, String... refs) {
        List<ConformanceStatement.Row> rows = new ArrayList<>();
        for (String ref : refs) {
            rows.add(statement.row(ref).get());
        }
        Support s = Support.NOT_APPLICABLE;
        for (ConformanceStatement.Row row : rows) {
            s = worse(s, row.support());
        }
        return new Requirement(paragraph, title, s, rows);
    }

    private static int rank(Support s) {
        switch (s) {
            case NO: return 3;
            case NOT_ASSESSED: return 2;
            case YES: return 1;
            default: return 0;
        }
    }

    private static Support worse(Support a, Support b) {
        return rank(b) > rank(a) ? b : a;
    }

    /** @return the three Schedule 1 requirements */
    public List<Requirement> requirements() {
        return requirements;
    }

    /**
     * What is still missing or not met before a statement of compliance can be produced.
     *
     * @return one entry per gap; empty when the statement can be produced
     */
    public List<String> missing() {
        List<String> out = new ArrayList<>();
        for (Requirement r : requirements) {
            if (r.support() != Support.YES && r.support() != Support.NOT_APPLICABLE) {
                for (ConformanceStatement.Row row : r.rows()) {
                    if (row.support() != Support.YES && row.support() != Support.NOT_APPLICABLE) {
                        out.add(r.paragraph() + " (EN " + row.reference() + ") is " + row.support().code() + ": "
                                + row.detail());
                    }
                }
            }
        }
        if (!declarations.isPresent()) {
            out.add("no declarations file: manufacturer, product, signatory and date are unknown");
            return out;
        }
        Declarations d = declarations.get();
        if (!d.productModel().isPresent()) {
            out.add("product type and model: declare product.model");
        }
        if (!d.manufacturerAddress().isPresent()) {
            out.add("manufacturer address: declare manufacturer.address");
        }
        if (!d.supportPeriodEnd().isPresent()) {
            out.add("support period end date: declare supportPeriod.endDate");
        }
        if (!d.declaredByRole().isPresent()) {
            out.add("function of the signatory: declare declaredBy.role");
        }
        return out;
    }

    /**
     * The statement of compliance as Markdown, produced only when every requirement is met (Y, or N/A for the
     * password requirement of a product without passwords) and every required fact is declared.
     *
     * @return the statement of compliance
     * @throws MissingEvidenceException listing every gap when it cannot be produced
     */
    public String statementOfCompliance() throws MissingEvidenceException {
        List<String> missing = missing();
        if (!missing.isEmpty()) {
            throw new MissingEvidenceException("UK PSTI statement of compliance", missing);
        }
        Declarations d = declarations.get();
        StringBuilder b = new StringBuilder("# Statement of compliance (UK PSTI, SI 2023/1007)\n\n");
        b.append("Draft assembled by DevSec from the manufacturer's declarations; the list of contents is"
                + " unverified against the regulations.\n\n");
        b.append("| | |\n|---|---|\n");
        b.append("| Product | ").append(ConformanceStatement.cell(d.productName())).append(", model ")
                .append(ConformanceStatement.cell(d.productModel().get())).append(" |\n");
        b.append("| Manufacturer | ").append(ConformanceStatement.cell(d.manufacturerName())).append(", ")
                .append(ConformanceStatement.cell(d.manufacturerAddress().get())).append(" |\n");
        b.append("| Defined support period ends | ").append(d.supportPeriodEnd().get()).append(" |\n");
        b.append("| Signed for the manufacturer by | ").append(ConformanceStatement.cell(d.declaredByName()))
                .append(", ").append(ConformanceStatement.cell(d.declaredByRole().get())).append(" |\n");
        b.append("| Date of issue | ").append(d.declaredOn()).append(" |\n\n");
        b.append("The manufacturer states that the product complies with the security requirements of Schedule 1:\n\n");
        for (Requirement r : requirements) {
            b.append("- ").append(r.paragraph()).append(" (").append(r.title()).append("): ")
                    .append(r.support().code()).append('\n');
        }
        return b.toString();
    }

    /**
     * The PSTI view as Markdown: each requirement with its EN rows and evidence, then the statement-of-compliance
     * gaps.
     *
     * @return the Markdown
     */
    public String toMarkdown() {
        StringBuilder b = new StringBuilder("## UK PSTI (SI 2023/1007), Schedule 1\n\n");
        b.append("| Requirement | Support | From EN 303 645 | Evidence |\n|---|---|---|---|\n");
        for (Requirement r : requirements) {
            List<String> refs = new ArrayList<>();
            List<String> ev = new ArrayList<>();
            for (ConformanceStatement.Row row : r.rows()) {
                refs.add(row.reference() + " " + row.support().code());
                ev.add(row.reference() + ": " + row.evidenceSummary() + ": " + row.detail());
            }
            b.append("| ").append(r.paragraph()).append(": ").append(ConformanceStatement.cell(r.title()))
                    .append(" | ").append(r.support().code()).append(" | ").append(String.join(", ", refs))
                    .append(" | ").append(ConformanceStatement.cell(String.join(" / ", ev))).append(" |\n");
        }
        List<String> missing = missing();
        b.append('\n');
        if (missing.isEmpty()) {
            b.append("Statement of compliance: can be produced.\n");
        } else {
            b.append("Statement of compliance: refused until these are resolved:\n\n");
            for (String m : missing) {
                b.append("- ").append(ConformanceStatement.cell(m)).append('\n');
            }
        }
        return b.toString();
    }
}
