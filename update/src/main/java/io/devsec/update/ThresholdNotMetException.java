package io.devsec.update;

/**
 * Fewer distinct trusted keys than the threshold produced valid signatures. Signatures by unknown
 * keys, invalid signatures and repeated signatures by one key do not count.
 */
public final class ThresholdNotMetException extends UpdateException {
    private static final long serialVersionUID = 1L;
    /** See {@link #role()}. */
    private final String role;
    /** See {@link #threshold()}. */
    private final int threshold;
    /** See {@link #validKeys()}. */
    private final int validKeys;

    /**
     * Creates the exception.
     *
     * @param role which keys were asked
     * @param threshold how many distinct keys must sign
     * @param validKeys distinct trusted keys whose signature verified
     */
    public ThresholdNotMetException(String role, int threshold, int validKeys) {
        super(role + " signature threshold not met: needs valid signatures from " + threshold + " distinct trusted keys, has "
                + validKeys);
        this.role = role;
        this.threshold = threshold;
        this.validKeys = validKeys;
    }

    /**
     * Which keys were asked: {@code root (trusted)}, {@code root (new)} or {@code update}.
     *
     * @return the role
     */
    public String role() {
        return role;
    }

    /**
     * How many distinct trusted keys must sign.
     *
     * @return the threshold
     */
    public int threshold() {
        return threshold;
    }

    /**
     * Distinct trusted keys whose signature verified.
     *
     * @return the count of valid keys
     */
    public int validKeys() {
        return validKeys;
    }
}
