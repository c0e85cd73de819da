package io.devsec.core.conformance;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * One clause (4.1 to 4.13) of ETSI TS 103 645 V1.1.1 (2019-02), summarised from the EN 303 645 V2.1.1 rows
 * it became.
 *
 * <p>The clause numbers and titles are confirmed. Of the provision numbers, only 4.1-1 and 4.2-1 to 4.2-3 were
 * confirmed word for word from an available text; no other V1.1.1 provision number is shown. The mapping of each
 * clause to EN provisions is DevSec's own (the EN clause 5.x that carries the same title, and the clause 6
 * data-protection provisions for 4.8 and 4.10), not a published correspondence table.
 */
public final class Ts103645Clause {

    /** The confirmed TS 103 645 V1.1.1 provision numbers, with the EN provision(s) DevSec reads them from. */
    static final String[][] CONFIRMED = {
        {"4.1-1", "4.1", "5.1-1,5.1-2"},
        {"4.2-1", "4.2", "5.2-1"},
        {"4.2-2", "4.2", "5.2-2"},
        {"4.2-3", "4.2", "5.2-3"},
    };

    private static final String[][] CLAUSES = {
        {"4.1", "No universal default passwords", "5.1-1,5.1-2,5.1-3,5.1-4,5.1-5"},
        {"4.2", "Implement a means to manage reports of vulnerabilities", "5.2-1,5.2-2,5.2-3"},
        {"4.3", "Keep software updated", "5.3-1,5.3-2,5.3-3,5.3-4,5.3-5,5.3-6,5.3-7,5.3-8,5.3-9,5.3-10,5.3-11,"
                + "5.3-12,5.3-13,5.3-14,5.3-15,5.3-16"},
        {"4.4", "Securely store credentials and security-sensitive data", "5.4-1,5.4-2,5.4-3,5.4-4"},
        {"4.5", "Communicate securely", "5.5-1,5.5-2,5.5-3,5.5-4,5.5-5,5.5-6,5.5-7,5.5-8"},
        {"4.6", "Minimize exposed attack surfaces", "5.6-1,5.6-2,5.6-3,5.6-4,5.6-5,5.6-6,5.6-7,5.6-8,5.6-9"},
        {"4.7", "Ensure software integrity", "5.7-1,5.7-2"},
        {"4.8", "Ensure that personal data is protected", "5.8-1,5.8-2,5.8-3,6-1,6-2,6-3"},
        {"4.9", "Make systems resilient to outages", "5.9-1,5.9-2,5.9-3"},
        {"4.10", "Examine system telemetry data", "5.10-1,6-4,6-5"},
        {"4.11", "Make it easy for consumers to delete personal data", "5.11-1,5.11-2,5.11-3,5.11-4"},
        {"4.12", "Make installation and maintenance of devices easy", "5.12-1,5.12-2,5.12-3"},
        {"4.13", "Validate input data", "5.13-1"},
    };

    private final String clause;
    private final String title;
    private final List<ConformanceStatement.Row> rows;
    private final List<String> confirmedProvisions;

    private Ts103645Clause(String clause, String title, List<ConformanceStatement.Row> rows,
            List<String> confirmedProvisions) {
        this.clause = clause;
        this.title = title;
        this.rows = Collections.unmodifiableList(rows);
        this.confirmedProvisions = Collections.unmodifiableList(confirmedProvisions);
    }

    static List<Ts103645Clause> of(ConformanceStatement statement) {
        List<Ts103645Clause> out = new ArrayList<>();
        for (String[] c : CLAUSES) {
            List<ConformanceStatement.Row> rows = new ArrayList<>();
            for (String ref : c[2].split(",")) {
                rows.add(statement.row(ref).get());
            }
            List<String> confirmed = new ArrayList<>();
            for (String[] p : CONFIRMED) {
                if (p[1].equals(c[0])) {
                    confirmed.add(p[0] + " (read from EN " + p[2].replace(",", ", ") + ")");
                }
            }
            out.add(new Ts103645Clause(c[0], c[1], rows, confirmed));
        }
        return Collections.unmodifiableList(out);
    }

    /** @return the clause number, e.g. {@code "4.3"} */
    public String clause() {
        return clause;
    }

    /** @return the clause title */
    public String title() {
        return title;
    }

    /** @return the EN 303 645 V2.1.1 rows the clause maps to (DevSec's mapping) */
    public List<ConformanceStatement.Row> rows() {
        return rows;
    }

    /** @return the confirmed V1.1.1 provision numbers of this clause; empty for clauses 4.3 to 4.13 */
    public List<String> confirmedProvisions() {
        return confirmedProvisions;
    }

    /**
     * The clause's verdict from its mandatory EN rows: N when one is N, NOT ASSESSED when one is not assessed,
     * Y when all applicable ones are Y, N/A when none applies. A clause with only recommendations is judged on
     * them the same way.
     *
     * @return the verdict
     */
    public Support verdict() {
        List<ConformanceStatement.Row> judged = new ArrayList<>();
        for (ConformanceStatement.Row r : rows) {
            if (r.status() == ProvisionStatus.MANDATORY) {
                judged.add(r);
            }
        }
        if (judged.isEmpty()) {
            judged = rows;
        }
        for (Support s : Arrays.asList(Support.NO, Support.NOT_ASSESSED)) {
            for (ConformanceStatement.Row r : judged) {
                if (r.support() == s) {
                    return s;
                }
            }
        }
        for (ConformanceStatement.Row r : judged) {
            if (r.support() == Support.YES) {
                return Support.YES;
            }
        }
        return Support.NOT_APPLICABLE;
    }

    /**
     * Counts of the mapped rows by status and support, e.g. "M: 2 Y, 1 N, 1 not assessed; R: 3 Y".
     *
     * @return the counts
     */
    public String counts() {
        StringBuilder b = new StringBuilder();
        for (ProvisionStatus st : ProvisionStatus.values()) {
            List<String> parts = new ArrayList<>();
            for (Support s : Support.values()) {
                int n = 0;
                for (ConformanceStatement.Row r : rows) {
                    if (r.status() == st && r.support() == s) {
                        n++;
                    }
                }
                if (n > 0) {
                    parts.add(n + " " + (s == Support.NOT_ASSESSED ? "not assessed" : s.code()));
                }
            }
            if (!parts.isEmpty()) {
                b.append(b.length() == 0 ? "" : "; ").append(st.code()).append(": ").append(String.join(", ", parts));
            }
        }
        return b.toString();
    }

    /** @return the mapped EN references, e.g. "5.7-1, 5.7-2" */
    public String references() {
        List<String> refs = new ArrayList<>();
        for (ConformanceStatement.Row r : rows) {
            refs.add(r.reference());
        }
        return String.join(", ", refs);
    }
}
