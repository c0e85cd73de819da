package io.devsec.core;

import io.devsec.core.internal.PasswordChecks;
import java.util.Collection;
import java.util.Objects;

/**
 * The rules a new device password must meet, after NIST SP 800-63B Rev 4 (2025).
 *
 * <p>Length is counted in Unicode code points after NFKC normalisation; any Unicode is accepted except
 * control characters; there are no composition rules ("one digit, one symbol"). A password is refused,
 * with a {@link PasswordRejectedException.Reason}, when it is blank, too short or too long, contains a
 * context word (device id, serial number, product name), is or contains a publicly known default IoT
 * credential (the Mirai botnet list and similar, case-insensitive), or when the zxcvbn estimator
 * (zxcvbn4j) finds it among its breached-password and word lists or built from repeats, sequences,
 * keyboard walks or dates within fewer than 10^{@link #minGuessesLog10()} guesses. Because that
 * estimate grows with length, two structural rules apply whatever it says: repeats, sequences or
 * keyboard walks covering half the password, or breached passwords covering three quarters of it,
 * are refused.
 *
 * <p>Why 10^10 by default: a device stores an Argon2id hash that costs about 60 ms per guess per core,
 * so 10^10 guesses cost an offline attacker about 19 core-years; zxcvbn calls this "very unguessable"
 * (score 4). Passphrases of 15+ characters without a pattern measured 10^12 to 10^20 here; passwords
 * made of repeats, runs, keyboard rows or breached passwords measured below 10^9.
 * Online guessing is further capped by the login throttle (at most 100 consecutive failures).
 *
 * <p>Immutable and thread-safe.
 */
public final class PasswordPolicy {

    /** For a password used alone: at least 15 characters, at most 256, zxcvbn guesses at least 10^10. */
    public static final PasswordPolicy DEFAULT = builder().build();

    /**
     * For a password that is one factor of several (NIST allows 8 characters then): at least 8 characters,
     * at most 256, zxcvbn guesses at least 10^7. Do not use it where the password alone grants access.
     */
    public static final PasswordPolicy ONE_OF_SEVERAL_FACTORS = builder().minLength(8).minGuessesLog10(7).build();

    private final int minLength;
    private final int maxLength;
    private final double minGuessesLog10;

    private PasswordPolicy(Builder b) {
        this.minLength = b.minLength;
        this.maxLength = b.maxLength;
        this.minGuessesLog10 = b.minGuessesLog10;
    }

    /** A builder starting from {@link #DEFAULT}'s values. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder starting from these values: {@code x.toBuilder().build()} equals {@code x}, and a setter
     * changes only its own field.
     *
     * @return a new builder holding this object's values
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.minLength = minLength;
        b.maxLength = maxLength;
        b.minGuessesLog10 = minGuessesLog10;
        return b;
    }

    /** Minimum length in code points after NFKC. */
    public int minLength() {
        return minLength;
    }

    /** Maximum length in code points after NFKC. */
    public int maxLength() {
        return maxLength;
    }

    /** The base-10 logarithm of the fewest zxcvbn-estimated guesses a password must need. */
    public double minGuessesLog10() {
        return minGuessesLog10;
    }

    /**
     * Checks a candidate password; returns normally when it is acceptable.
     *
     * @param password the candidate; not modified, and never echoed in the exception
     * @param contextWords words tied to this device (device id, serial number, product name); a candidate
     *     that contains one of them (case-insensitive, words of 3+ characters) is refused
     * @throws PasswordRejectedException when the password is refused; {@link PasswordRejectedException#reason()}
     *     says why
     */
    public void check(char[] password, Collection<String> contextWords) throws PasswordRejectedException {
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(contextWords, "contextWords");
        PasswordChecks.check(password, contextWords, minLength, maxLength, minGuessesLog10);
    }

    @Override
    public String toString() {
        return "PasswordPolicy{minLength=" + minLength + ", maxLength=" + maxLength
                + ", minGuessesLog10=" + minGuessesLog10 + "}";
    }

    /** Builds a {@link PasswordPolicy}; {@link #build()} validates every field. */
    public static final class Builder {
        private int minLength = 15;
        private int maxLength = 256;
        private double minGuessesLog10 = 10;

        private Builder() {}

        /** Minimum length in code points; at least 8 (NIST's floor). Default 15. */
        public Builder minLength(int minLength) {
            this.minLength = minLength;
            return this;
        }

        /** Maximum length in code points; at least 64 (NIST), at most 1024. Default 256. */
        public Builder maxLength(int maxLength) {
            this.maxLength = maxLength;
            return this;
        }

        /** Fewest zxcvbn guesses, as a base-10 logarithm, 0 to 30. Default 10. */
        public Builder minGuessesLog10(double minGuessesLog10) {
            this.minGuessesLog10 = minGuessesLog10;
            return this;
        }

        /**
         * Builds the policy.
         *
         * @throws IllegalArgumentException naming the field that is out of range
         */
        public PasswordPolicy build() {
            if (minLength < 8) {
                throw new IllegalArgumentException("minLength must be at least 8 (NIST SP 800-63B), was " + minLength);
            }
            if (maxLength < 64 || maxLength > 1024) {
                throw new IllegalArgumentException("maxLength must be between 64 and 1024, was " + maxLength);
            }
            if (minLength > maxLength) {
                throw new IllegalArgumentException("minLength (" + minLength + ") must not exceed maxLength (" + maxLength + ")");
            }
            if (!(minGuessesLog10 >= 0 && minGuessesLog10 <= 30)) {
                throw new IllegalArgumentException("minGuessesLog10 must be between 0 and 30, was " + minGuessesLog10);
            }
            return new PasswordPolicy(this);
        }
    }
}
