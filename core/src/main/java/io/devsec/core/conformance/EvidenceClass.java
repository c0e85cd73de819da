package io.devsec.core.conformance;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * How a row's claim is known. Ordered from strongest to weakest.
 */
public enum EvidenceClass {
    /** The part that owns the mechanism checked it on this device now (a keystore entry, a live session). */
    OBSERVED,
    /** Settings that make the mechanism active were read from the device's configuration. */
    CONFIGURED,
    /** A manufacturer statement from the declarations file, with who declared it and when. */
    DECLARED,
    /** Nothing could be checked or read: the row cannot claim support. */
    NOT_ASSESSED;

    /** The classes of a row's evidence, plus NOT_ASSESSED when there is none or an input is missing. */
    static Set<EvidenceClass> of(List<Evidence> evidence, List<String> missing) {
        Set<EvidenceClass> s = EnumSet.noneOf(EvidenceClass.class);
        for (Evidence e : evidence) {
            if (e.evidenceClass() != NOT_ASSESSED) {
                s.add(e.evidenceClass());
            }
        }
        if (s.isEmpty() || !missing.isEmpty()) {
            s.add(NOT_ASSESSED);
        }
        return s;
    }

    /** The classes joined in order, e.g. {@code OBSERVED+DECLARED}. */
    static String joined(Set<EvidenceClass> classes) {
        List<String> names = new ArrayList<>();
        for (EvidenceClass c : classes) {
            names.add(c.name());
        }
        return String.join("+", names);
    }
}
