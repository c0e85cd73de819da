package io.devsec.tools.evidence;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One functional test case (TS 103 701 "X-2": the device matches the declaration) of one test group (an
 * EN 303 645 provision): its test units, each with a verdict and what was observed, and the log lines.
 */
public final class CaseResult {
    /** One test unit: letter, what it checks, verdict, what was observed. */
    public static final class Unit {
        final String id;
        final String purpose;
        final Verdict verdict;
        final String observed;

        Unit(String id, String purpose, Verdict verdict, String observed) {
            this.id = id;
            this.purpose = purpose;
            this.verdict = verdict;
            this.observed = observed;
        }

        public String id() {
            return id;
        }

        public Verdict verdict() {
            return verdict;
        }

        public String observed() {
            return observed;
        }
    }

    private final String group;
    private final String title;
    private final List<Unit> units = new ArrayList<>();
    private final List<String> log = new ArrayList<>();

    CaseResult(String group, String title) {
        this.group = group;
        this.title = title;
    }

    /** The test group: the EN 303 645 provision, e.g. "5.1-1". */
    public String group() {
        return group;
    }

    /** The functional case id: the provision and "-2", e.g. "5.1-1-2". */
    public String caseId() {
        return group + "-2";
    }

    public String title() {
        return title;
    }

    public List<Unit> units() {
        return Collections.unmodifiableList(units);
    }

    public List<String> log() {
        return Collections.unmodifiableList(log);
    }

    /** The unit with this letter. */
    public Unit unit(String id) {
        for (Unit u : units) {
            if (u.id.equals(id)) {
                return u;
            }
        }
        throw new IllegalArgumentException("no unit " + id + " in " + caseId());
    }

    CaseResult unit(String purpose, Verdict verdict, String observed) {
        units.add(new Unit(String.valueOf((char) ('a' + units.size())), purpose, verdict, observed));
        log("unit " + (char) ('a' + units.size() - 1) + ": " + verdict + ": " + observed);
        return this;
    }

    /** A unit that passes when {@code ok} and fails otherwise. */
    CaseResult check(String purpose, boolean ok, String observed) {
        return unit(purpose, ok ? Verdict.PASS : Verdict.FAIL, observed);
    }

    CaseResult log(String line) {
        log.add(line);
        return this;
    }

    /** The worst verdict of the units; INCONCLUSIVE when there are none. */
    public Verdict verdict() {
        if (units.isEmpty()) {
            return Verdict.INCONCLUSIVE;
        }
        Verdict v = Verdict.NOT_APPLICABLE;
        for (Unit u : units) {
            v = Verdict.worst(v, u.verdict);
        }
        return v;
    }

    ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("group", group);
        o.put("case", caseId());
        o.put("kind", "functional");
        o.put("title", title);
        o.put("verdict", verdict().name());
        ArrayNode us = o.putArray("units");
        for (Unit u : units) {
            ObjectNode j = us.addObject();
            j.put("unit", u.id);
            j.put("purpose", u.purpose);
            j.put("verdict", u.verdict.name());
            j.put("observed", u.observed);
        }
        ArrayNode l = o.putArray("log");
        log.forEach(l::add);
        return o;
    }
}
