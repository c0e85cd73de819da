package io.devsec.core.conformance;

/** Whether a provision is mandatory ("shall", M) or recommended ("should", R) in the pro forma. */
public enum ProvisionStatus {
    /** A "shall" provision: M in the pro forma. */
    MANDATORY("M"),
    /** A "should" provision: R in the pro forma. */
    RECOMMENDED("R");

    private final String code;

    ProvisionStatus(String code) {
        this.code = code;
    }

    /** The pro forma code: {@code M} or {@code R}. */
    public String code() {
        return code;
    }
}
