package io.devsec.core.conformance;

/** Whether the product supports a provision: the pro forma's Y, N and N/A, or not assessed. */
public enum Support {
    /** Supported; the row's detail names the feature and setting that provide it. */
    YES("Y"),
    /** Not supported; the row's detail says why and what to configure. */
    NO("N"),
    /** Not applicable to this device; the row's detail says why. */
    NOT_APPLICABLE("N/A"),
    /**
     * Not assessed: an input the row needs (SDK evidence, a declared condition or a manufacturer statement) is
     * missing; the row's detail says which. Not a Table B.1 value: a statement with such rows is incomplete.
     */
    NOT_ASSESSED("NOT ASSESSED");

    private final String code;

    Support(String code) {
        this.code = code;
    }

    /** The pro forma code: {@code Y}, {@code N} or {@code N/A}. */
    public String code() {
        return code;
    }

    /** The constant for a pro forma code. */
    public static Support fromCode(String code) {
        for (Support s : values()) {
            if (s.code.equals(code)) {
                return s;
            }
        }
        throw new IllegalArgumentException("Unknown support code: " + code);
    }
}
