package io.devsec.tools.evidence;

/**
 * The verdict of a test unit or case, as ETSI TS 103 701 names them. A case's verdict is the worst of its units':
 * FAIL, then INCONCLUSIVE, then PASS; NOT_APPLICABLE only when every unit is.
 */
public enum Verdict {
    PASS, FAIL, INCONCLUSIVE, NOT_APPLICABLE;

    /** The worse of two verdicts. */
    static Verdict worst(Verdict a, Verdict b) {
        return rank(a) >= rank(b) ? a : b;
    }

    private static int rank(Verdict v) {
        switch (v) {
            case FAIL: return 3;
            case INCONCLUSIVE: return 2;
            case PASS: return 1;
            default: return 0;
        }
    }
}
