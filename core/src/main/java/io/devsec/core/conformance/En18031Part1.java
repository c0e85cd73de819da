package io.devsec.core.conformance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * EN 18031-1:2024 (common security requirements for internet-connected radio equipment, the harmonised standard
 * for the RED delegated act applying since 1 August 2025), seen through the same evidence as the EN 303 645 rows.
 *
 * <p>For each requirement of the families the project's STANDARDS.md lists (ACM, AUM, SUM, SSM, SCM, RLM, NMM, TCM,
 * CCK, GEC, CRY), this view gives a decision outcome: PASS, FAIL, NOT APPLICABLE or NOT ASSESSED with the reason.
 * Requirements in the areas DevSec owns (access control, authentication, secure update, secure storage, secure
 * communication, confidential cryptographic keys, general equipment capabilities, cryptography) are decided from the
 * EN 303 645 V2.1.1 rows whose evidence covers the same mechanism; the others (RLM-1, NMM-1, TCM-1) are named as left
 * to the manufacturer and are NOT ASSESSED.
 *
 * <p>A requirement with a part only the manufacturer can meet (GEC-1: no known exploitable vulnerability at
 * release) is never PASS here: at best NOT ASSESSED, naming DevSec's part as holding.
 *
 * <p><b>What is and is not the standard's</b>: the requirement identifiers come from STANDARDS.md; of the titles
 * only GEC-1 ("up-to-date software and hardware with no publicly known exploitable vulnerabilities") was checked, in
 * the table of contents of FprEN 18031-1 (May 2024) as stored in the search corpus. Each requirement's one-line
 * meaning here, the reduction of its decision tree (per asset and interface in the standard) to one outcome, and
 * the mapping to EN 303 645 rows are DevSec's reading, not the standard's text. The Official Journal listing of
 * EN 18031-1 restricts presumption of conformity where a user may choose not to set a password; its exact wording
 * is unverified here (AUM-5-1 and AUM-5-2 carry the note).
 */
public final class En18031Part1 {

    /** The standard. */
    public static final String STANDARD = "EN 18031-1:2024 (internet-connected radio equipment)";

    /** What the outcomes rest on, printed with the view. */
    public static final String NOTE = "Requirement ids from the project's STANDARDS.md; the meanings, the reduction"
            + " of each decision tree to one outcome and the mapping to EN 303 645 rows are DevSec's reading, not the"
            + " standard's text (only GEC-1's title was checked, against FprEN 18031-1). Outcomes come from the EN 303"
            + " 645 V2.1.1 rows named, i.e. from the same evidence.";

    private static final String AUM5_NOTE = ". The OJ listing restricts presumption of conformity where a user may"
            + " skip setting a password (exact restriction unverified).";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A decision outcome. */
    public enum Outcome {
        /** Every applicable EN row it rests on is supported. */
        PASS("PASS"),
        /** An EN row it rests on is not met. */
        FAIL("FAIL"),
        /** None of its EN rows applies to this device. */
        NOT_APPLICABLE("NOT APPLICABLE"),
        /** An input is missing, or the requirement is left to the manufacturer. */
        NOT_ASSESSED("NOT ASSESSED");

        private final String code;

        Outcome(String code) {
            this.code = code;
        }

        /** @return the printed form */
        public String code() {
            return code;
        }
    }

    /** One requirement with its outcome. Immutable. */
    public static final class Requirement {
        private final String id;
        private final String family;
        private final String area;
        private final String meaning;
        private final List<ConformanceStatement.Row> rows;
        private final String manufacturerPart;
        private final Outcome outcome;
        private final String reason;

        Requirement(String id, String family, String area, String meaning, List<ConformanceStatement.Row> rows,
                String manufacturerPart) {
            this.id = id;
            this.family = family;
            this.area = area;
            this.meaning = meaning;
            this.rows = Collections.unmodifiableList(rows);
            this.manufacturerPart = manufacturerPart;
            List<String> no = new ArrayList<>();
            List<String> na = new ArrayList<>();
            List<String> unknown = new ArrayList<>();
            List<String> yes = new ArrayList<>();
            for (ConformanceStatement.Row r : rows) {
                String ref = r.reference() + " " + r.support().code();
                switch (r.support()) {
                    case NO: no.add(ref); break;
                    case NOT_ASSESSED: unknown.add(ref); break;
                    case NOT_APPLICABLE: na.add(ref); break;
                    default: yes.add(ref); break;
                }
            }
            if (rows.isEmpty()) {
                outcome = Outcome.NOT_ASSESSED;
                reason = "Left to the manufacturer: " + manufacturerPart + ".";
            } else if (!no.isEmpty()) {
                outcome = Outcome.FAIL;
                reason = "Not met in EN 303 645 " + String.join(", ", no) + ".";
            } else if (!unknown.isEmpty()) {
                outcome = Outcome.NOT_ASSESSED;
                reason = "Not assessed in EN 303 645 " + String.join(", ", unknown) + ".";
            } else if (yes.isEmpty()) {
                outcome = Outcome.NOT_APPLICABLE;
                reason = "EN 303 645 " + String.join(", ", na) + ": not applicable to this device.";
            } else if (!manufacturerPart.isEmpty()) {
                outcome = Outcome.NOT_ASSESSED;
                reason = "DevSec's part holds (EN 303 645 " + String.join(", ", yes) + "); the manufacturer's part is"
                        + " not assessed: " + manufacturerPart + ".";
            } else {
                outcome = Outcome.PASS;
                reason = "EN 303 645 " + String.join(", ", yes) + (na.isEmpty() ? "" : "; " + String.join(", ", na))
                        + ".";
            }
        }

        /** @return e.g. {@code "AUM-5-1"} */
        public String id() {
            return id;
        }

        /** @return e.g. {@code "AUM"} */
        public String family() {
            return family;
        }

        /** @return the mechanism area, e.g. "authentication"; "manufacturer" when DevSec owns none */
        public String area() {
            return area;
        }

        /** @return DevSec's one-line reading of the requirement (not the standard's text) */
        public String meaning() {
            return meaning;
        }

        /** @return the EN 303 645 V2.1.1 rows the outcome rests on; empty when left to the manufacturer */
        public List<ConformanceStatement.Row> rows() {
            return rows;
        }

        /** @return what only the manufacturer can decide, or an empty string */
        public String manufacturerPart() {
            return manufacturerPart;
        }

        /** @return whether DevSec decides nothing of it */
        public boolean leftToManufacturer() {
            return rows.isEmpty();
        }

        /** @return the outcome */
        public Outcome outcome() {
            return outcome;
        }

        /** @return why: the EN rows and their support, or what is left to the manufacturer */
        public String reason() {
            return reason;
        }
    }

    private static final String[][] REQUIREMENTS = {
        {"ACM-1", "ACM", "access control", "Security and network assets reachable over network interfaces are"
            + " protected by access control", "5.5-5,5.6-2", ""},
        {"ACM-2", "ACM", "access control", "The access control mechanism is appropriate for each asset",
            "5.5-4,5.5-5", ""},
        {"AUM-1-1", "AUM", "authentication", "Entities are authenticated before accessing assets over network"
            + " interfaces (device and service)", "5.5-5", ""},
        {"AUM-1-2", "AUM", "authentication", "Users are authenticated before accessing assets", "5.1-3,5.1-4", ""},
        {"AUM-2", "AUM", "authentication", "The authentication mechanism is appropriate (best-practice"
            + " cryptography)", "5.1-3", ""},
        {"AUM-3", "AUM", "authentication", "Authentication credentials are protected when stored and used",
            "5.1-3,5.4-1", ""},
        {"AUM-4", "AUM", "authentication", "Authenticators can be changed", "5.1-4", ""},
        {"AUM-5-1", "AUM", "authentication", "Passwords are unique per device or set by the user" + AUM5_NOTE,
            "5.1-1", ""},
        {"AUM-5-2", "AUM", "authentication", "Pre-installed passwords resist guessing and are not derived from"
            + " public information" + AUM5_NOTE, "5.1-2", ""},
        {"AUM-6", "AUM", "authentication", "Brute-force attacks on authentication are made impracticable", "5.1-5",
            ""},
        {"SUM-1", "SUM", "secure update", "The equipment can be updated", "5.3-2", ""},
        {"SUM-2", "SUM", "secure update", "Updates are verified for integrity and authenticity before installation",
            "5.3-7,5.3-9,5.3-10", ""},
        {"SUM-3", "SUM", "secure update", "Updates are applied automatically or with minimal user action",
            "5.3-3,5.3-4", ""},
        {"SSM-1", "SSM", "secure storage", "Persistently stored security assets are protected", "5.4-1", ""},
        {"SSM-2", "SSM", "secure storage", "Stored security assets are integrity-protected", "5.4-1", ""},
        {"SSM-3", "SSM", "secure storage", "Stored confidential security assets are confidentiality-protected",
            "5.4-1", ""},
        {"SCM-1", "SCM", "secure communication", "Security assets communicated over network interfaces are"
            + " protected", "5.5-1", ""},
        {"SCM-2", "SCM", "secure communication", "Communication is integrity- and authenticity-protected",
            "5.5-1,5.5-5", ""},
        {"SCM-3", "SCM", "secure communication", "Confidential assets in transit are encrypted", "5.5-7,5.8-2", ""},
        {"SCM-4", "SCM", "secure communication", "Communication is protected against replay", "5.5-1", ""},
        {"RLM-1", "RLM", "manufacturer", "The equipment mitigates the effects of denial-of-service attacks", "",
            "resilience against denial of service (DevSec's outage evidence, EN 303 645 5.9-x, does not decide it)"},
        {"NMM-1", "NMM", "manufacturer", "Network equipment monitors network traffic for attacks", "",
            "applies to network equipment only; DevSec does not know whether the product is"},
        {"TCM-1", "TCM", "manufacturer", "Network equipment controls traffic to protect the network", "",
            "applies to network equipment only; DevSec does not know whether the product is"},
        {"CCK-1", "CCK", "confidential cryptographic keys", "Confidential cryptographic keys are appropriate"
            + " (strength, per device)", "5.4-4", ""},
        {"CCK-2", "CCK", "confidential cryptographic keys", "Keys are generated with a suitable mechanism (on the"
            + " device, from a secure random source)", "5.4-4,5.5-8", ""},
        {"CCK-3", "CCK", "confidential cryptographic keys", "No static default keys shared across devices",
            "5.4-3", ""},
        {"GEC-1", "GEC", "general equipment capabilities", "Up-to-date software and hardware with no publicly"
            + " known exploitable vulnerabilities (title checked against FprEN 18031-1)", "5.2-3,5.3-2",
            "no known exploitable vulnerability at release (checking the whole product's SBOM)"},
        {"GEC-2", "GEC", "general equipment capabilities", "Only necessary services and interfaces are exposed",
            "5.6-1,5.6-5", ""},
        {"GEC-3", "GEC", "general equipment capabilities", "Optional services are configured securely or off by"
            + " default", "5.6-5", ""},
        {"GEC-4", "GEC", "general equipment capabilities", "Exposed interfaces and services are documented", "",
            "documentation of the product's interfaces and services"},
        {"GEC-5", "GEC", "general equipment capabilities", "No unnecessary external physical interfaces",
            "5.6-3", ""},
        {"GEC-6", "GEC", "general equipment capabilities", "Input through interfaces is validated", "5.13-1", ""},
        {"CRY-1", "CRY", "cryptography", "Best-practice cryptography is used", "5.1-3,5.3-7,5.5-1", ""},
    };

    private final List<Requirement> requirements;

    En18031Part1(ConformanceStatement statement) {
        List<Requirement> out = new ArrayList<>();
        for (String[] r : REQUIREMENTS) {
            List<ConformanceStatement.Row> rows = new ArrayList<>();
            if (!r[4].isEmpty()) {
                for (String ref : r[4].split(",")) {
                    rows.add(statement.row(ref).orElseThrow(() -> new IllegalStateException("no row " + ref)));
                }
            }
            out.add(new Requirement(r[0], r[1], r[2], r[3], rows, r[5]));
        }
        this.requirements = Collections.unmodifiableList(out);
    }

    /** @return every requirement, by family */
    public List<Requirement> requirements() {
        return requirements;
    }

    /**
     * One requirement.
     *
     * @param id e.g. {@code "SUM-2"}
     * @return the requirement, if listed
     */
    public Optional<Requirement> requirement(String id) {
        for (Requirement r : requirements) {
            if (r.id().equals(id)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** @return the requirements left to the manufacturer (DevSec decides nothing of them) */
    public List<Requirement> leftToManufacturer() {
        List<Requirement> out = new ArrayList<>();
        for (Requirement r : requirements) {
            if (r.leftToManufacturer()) {
                out.add(r);
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** @return e.g. "33 requirements: 20 PASS, 1 FAIL, 0 NOT APPLICABLE, 12 NOT ASSESSED (4 left to the manufacturer)" */
    public String summary() {
        int[] n = new int[Outcome.values().length];
        for (Requirement r : requirements) {
            n[r.outcome().ordinal()]++;
        }
        return requirements.size() + " requirements: " + n[0] + " PASS, " + n[1] + " FAIL, " + n[2]
                + " NOT APPLICABLE, " + n[3] + " NOT ASSESSED (" + leftToManufacturer().size()
                + " left to the manufacturer)";
    }

    /**
     * The view as Markdown.
     *
     * @return the Markdown
     */
    public String toMarkdown() {
        StringBuilder b = new StringBuilder("## ").append(STANDARD).append("\n\n").append(NOTE).append("\n\n");
        b.append("| Requirement | Area | Meaning (DevSec's reading) | Outcome | Why |\n|---|---|---|---|---|\n");
        for (Requirement r : requirements) {
            b.append("| ").append(r.id()).append(" | ").append(r.area()).append(" | ")
                    .append(ConformanceStatement.cell(r.meaning())).append(" | ").append(r.outcome().code())
                    .append(" | ").append(ConformanceStatement.cell(r.reason()))
                    .append(" |\n");
        }
        b.append('\n').append(summary()).append('\n');
        return b.toString();
    }

    /**
     * The view as a JSON object: {@code standard}, {@code note}, {@code requirements} (each {@code id},
     * {@code family}, {@code area}, {@code meaning}, {@code outcome}, {@code reason}, {@code en303645},
     * {@code manufacturerPart}, {@code leftToManufacturer}) and {@code summary}.
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
        root.put("note", NOTE);
        ArrayNode reqs = root.putArray("requirements");
        for (Requirement r : requirements) {
            ObjectNode n = reqs.addObject();
            n.put("id", r.id());
            n.put("family", r.family());
            n.put("area", r.area());
            n.put("meaning", r.meaning());
            n.put("outcome", r.outcome().code());
            n.put("reason", r.reason());
            ArrayNode en = n.putArray("en303645");
            r.rows().forEach(row -> en.add(row.reference()));
            n.put("manufacturerPart", r.manufacturerPart());
            n.put("leftToManufacturer", r.leftToManufacturer());
        }
        root.put("summary", summary());
        return root;
    }
}
