package io.devsec.core;

import java.util.Objects;

/**
 * A new password was refused by the {@link PasswordPolicy}. The {@link #reason()} says why; the message is
 * readable by a person and never contains the password.
 */
public final class PasswordRejectedException extends DeviceSecurityException {
    private static final long serialVersionUID = 1L;

    /** Why a password was refused. */
    public enum Reason {
        /** Empty, or only white space. */
        BLANK("The password is empty."),
        /** Fewer characters (Unicode code points, after NFKC) than the policy's minimum. */
        TOO_SHORT("The password is too short."),
        /** More characters than the policy's maximum. */
        TOO_LONG("The password is too long."),
        /** Contains a control character or an unpaired surrogate. */
        UNSUPPORTED_CHARACTER("The password contains a control character or an invalid Unicode sequence."),
        /** Contains the device id, serial number or product name (or another context word). */
        CONTAINS_CONTEXT_WORD("The password contains the device id, serial number or product name."),
        /** Is, or contains, a publicly known default IoT credential (Mirai-era lists). */
        KNOWN_DEFAULT_CREDENTIAL("The password is or contains a publicly known default device password."),
        /** Built from common passwords or words found in breach and dictionary lists. */
        COMMON_PASSWORD("The password is built from common passwords or words and is easy to guess."),
        /** Repeats characters or chunks ("aaaa", "abcabc"). */
        REPETITIVE("The password repeats characters or chunks."),
        /** A run such as "abcdef" or "123456". */
        SEQUENTIAL("The password contains a sequence such as abcdef or 123456."),
        /** A keyboard walk such as "qwertz" or "asdfgh". */
        KEYBOARD_PATTERN("The password contains a keyboard pattern such as qwerty."),
        /** Other predictable structure (dates, years) makes it easy to guess. */
        TOO_GUESSABLE("The password is too easy to guess.");

        private final String description;

        Reason(String description) {
            this.description = description;
        }

        /** A sentence for a person, in English. */
        public String description() {
            return description;
        }
    }

    private final Reason reason;

    /** Creates the exception; {@code detail} must not contain the password. */
    public PasswordRejectedException(Reason reason, String detail) {
        super(Objects.requireNonNull(reason, "reason").description() + (detail == null || detail.isEmpty() ? "" : " " + detail));
        this.reason = reason;
    }

    /** Why the password was refused. */
    public Reason reason() {
        return reason;
    }
}
