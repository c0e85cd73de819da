package io.devsec.core.conformance;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Regulation (EU) 2024/2847 (Cyber Resilience Act) Annex I, Part I (essential cybersecurity requirements) and
 * Part II (vulnerability handling), seen through the same EN 303 645 V2.1.1 rows: each requirement with the rows
 * DevSec reads it from and, where it is the manufacturer's to meet, what part is theirs.
 *
 * <p>The requirement texts here are short paraphrases from the project's summary of Annex I, not checked against
 * the EUR-Lex text; the mapping to EN 303 645 rows is DevSec's own, not a harmonised standard's. A requirement's
 * verdict is that of its EN rows only; a part that only the manufacturer can meet is named next to it and is not
 * assessed by this view (a requirement with no row at all is NOT ASSESSED).
 */
public final class CraAnnexI {

    /** One Annex I requirement. */
    public static final class Requirement {
        private final String reference;
        private final String summary;
        private final List<ConformanceStatement.Row> rows;
        private final String manufacturerPart;

        Requirement(String reference, String summary, List<ConformanceStatement.Row> rows, String manufacturerPart) {
            this.reference = reference;
            this.summary = summary;
            this.rows = Collections.unmodifiableList(rows);
            this.manufacturerPart = manufacturerPart;
        }

        /** @return e.g. {@code "Part I (2)(c)"} */
        public String reference() {
            return reference;
        }

        /** @return a short paraphrase of the requirement */
        public String summary() {
            return summary;
        }

        /** @return the EN 303 645 rows DevSec reads it from; empty when it is entirely the manufacturer's */
        public List<ConformanceStatement.Row> rows() {
            return rows;
        }

        /** @return what only the manufacturer can meet, or an empty string */
        public String manufacturerPart() {
            return manufacturerPart;
        }

        /**
         * The verdict from the rows: N when one is N, NOT ASSESSED when one is not assessed or when there is no
         * row (entirely the manufacturer's), Y when all applicable rows are Y, N/A when none applies.
         *
         * @return the verdict
         */
        public Support verdict() {
            if (rows.isEmpty()) {
                return Support.NOT_ASSESSED;
            }
            Support worst = Support.NOT_APPLICABLE;
            for (ConformanceStatement.Row r : rows) {
                worst = rank(r.support()) > rank(worst) ? r.support() : worst;
            }
            return worst;
        }

        private static int rank(Support s) {
            switch (s) {
                case NO: return 3;
                case NOT_ASSESSED: return 2;
                case YES: return 1;
                default: return 0;
            }
        }
    }

    private static final String[][] REQUIREMENTS = {
        {"Part I (1)", "Designed, developed and produced for a level of cybersecurity appropriate to the risks", "",
            "the cybersecurity risk assessment and its documentation"},
        {"Part I (2)(a)", "Made available without known exploitable vulnerabilities", "5.2-3",
            "checking the release against known vulnerabilities"},
        {"Part I (2)(b)", "Secure by default configuration, with the possibility to reset to the original state",
            "5.1-1,5.1-2,5.6-5,5.11-1", ""},
        {"Part I (2)(c)", "Vulnerabilities addressed through security updates, automatic by default with an opt-out",
            "5.3-2,5.3-4,5.3-6,5.3-10", ""},
        {"Part I (2)(d)", "Protection from unauthorised access, and reporting of possible unauthorised access",
            "5.1-3,5.1-5,5.5-5,5.6-2,5.10-1", ""},
        {"Part I (2)(e)", "Confidentiality of stored, transmitted or otherwise processed data",
            "5.4-1,5.5-1,5.5-7,5.8-2", ""},
        {"Part I (2)(f)", "Integrity of data, commands, programs and configuration, and reporting of corruption",
            "5.3-9,5.7-2,5.13-1", ""},
        {"Part I (2)(g)", "Data minimisation", "6-4", "limiting the personal data the product processes"},
        {"Part I (2)(h)", "Availability of essential functions, resilience against denial-of-service attacks",
            "5.9-1,5.9-2", ""},
        {"Part I (2)(i)", "Minimal negative impact on the availability of other devices or networks", "5.9-3", ""},
        {"Part I (2)(j)", "Limited attack surfaces, including external interfaces", "5.6-1,5.6-3,5.6-5", ""},
        {"Part I (2)(k)", "Reduced impact of an incident through exploitation mitigation", "5.6-7,5.6-8", ""},
        {"Part I (2)(l)", "Recording and monitoring of security-relevant activity, with an opt-out", "5.10-1", ""},
        {"Part I (2)(m)", "Secure and easy removal of all data and settings, and secure transfer",
            "5.11-1,5.11-2", ""},
        {"Part II (1)", "Identify and document components, including a software bill of materials", "5.2-3",
            "publishing and keeping the SBOM of the whole product (DevSec's build writes one per module)"},
        {"Part II (2)", "Address and remediate vulnerabilities without delay, security updates separate where"
            + " feasible", "5.2-2,5.3-8", ""},
        {"Part II (3)", "Regular tests and reviews of the product's security", "5.6-9",
            "running the tests and reviews"},
        {"Part II (4)", "Disclose fixed vulnerabilities", "", "publishing advisories for fixed vulnerabilities"},
        {"Part II (5)", "A policy on coordinated vulnerability disclosure", "5.2-1", ""},
        {"Part II (6)", "A contact address for reporting vulnerabilities", "5.2-1", ""},
        {"Part II (7)", "Secure distribution of updates", "5.3-7,5.3-10", ""},
        {"Part II (8)", "Security updates disseminated without delay, free of charge, with advisory messages",
            "5.3-8", "free distribution and the advisory messages"},
    };

    private final List<Requirement> requirements;

    CraAnnexI(ConformanceStatement statement) {
        List<Requirement> out = new ArrayList<>();
        for (String[] r : REQUIREMENTS) {
            List<ConformanceStatement.Row> rows = new ArrayList<>();
            if (!r[2].isEmpty()) {
                for (String ref : r[2].split(",")) {
                    rows.add(statement.row(ref).get());
                }
            }
            out.add(new Requirement(r[0], r[1], rows, r[3]));
        }
        this.requirements = Collections.unmodifiableList(out);
    }

    /** @return Part I (1), (2)(a) to (m), and Part II (1) to (8), in order */
    public List<Requirement> requirements() {
        return requirements;
    }

    /**
     * The view as Markdown.
     *
     * @return the Markdown
     */
    public String toMarkdown() {
        StringBuilder b = new StringBuilder("## Regulation (EU) 2024/2847 (CRA), Annex I\n\n");
        b.append("Requirements paraphrased from the project's summary (not checked against EUR-Lex); the mapping to"
                + " EN 303 645 rows is DevSec's. Reporting obligations (Article 14) apply from 11 September 2026,"
                + " the regulation in full from 11 December 2027. Exported security events that can signal an"
                + " actively exploited vulnerability (integrity failures, replayed versions, forged signatures,"
                + " critical anomaly alerts) carry \"craArticle14\": true for the 24-hour early warning; whether"
                + " one is exploitation is the manufacturer's judgement.\n\n");
        b.append("| Requirement | Summary | Verdict of the EN rows | EN 303 645 rows | Manufacturer's part (not assessed) |\n|---|---|---|---|---|\n");
        for (Requirement r : requirements) {
            List<String> refs = new ArrayList<>();
            for (ConformanceStatement.Row row : r.rows()) {
                refs.add(row.reference() + " " + row.support().code());
            }
            b.append("| ").append(r.reference()).append(" | ").append(ConformanceStatement.cell(r.summary()))
                    .append(" | ").append(r.verdict().code()).append(" | ")
                    .append(refs.isEmpty() ? "-" : String.join(", ", refs)).append(" | ")
                    .append(r.manufacturerPart().isEmpty() ? "-" : ConformanceStatement.cell(r.manufacturerPart()))
                    .append(" |\n");
        }
        return b.toString();
    }
}
