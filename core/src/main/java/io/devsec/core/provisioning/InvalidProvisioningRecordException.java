package io.devsec.core.provisioning;

import io.devsec.core.DeviceSecurityException;
import java.util.Objects;

/** A provisioning record was refused; {@link #problem()} names what was wrong. Never carries the password. */
public final class InvalidProvisioningRecordException extends DeviceSecurityException {
    private static final long serialVersionUID = 1L;

    /** What was wrong with the record. */
    public enum Problem {
        /** Larger than {@link ProvisioningRecord#MAX_BYTES}. */
        TOO_LARGE,
        /** Not well-formed JSON, or not a JSON object. */
        MALFORMED_JSON,
        /** A field this version does not know. */
        UNKNOWN_FIELD,
        /** The same field twice. */
        DUPLICATE_FIELD,
        /** Anything after the JSON object. */
        TRAILING_DATA,
        /** A required field is absent. */
        MISSING_FIELD,
        /** A field has the wrong type or a value out of range. */
        INVALID_VALUE,
        /** A format version this library does not read. */
        UNSUPPORTED_VERSION,
        /**
         * The initial password meets neither the label rule ({@link LabelPasswords#meetsLabelRule}) nor the
         * device's password policy: the device refuses the record and generates its own password.
         */
        WEAK_PASSWORD,
        /**
         * The record file is not a regular file owned by the device's user and closed to group and others
         * (on a file system with POSIX permissions): someone else may have read or written it. The device
         * refuses the record and generates its own password.
         */
        INSECURE_FILE
    }

    private final Problem problem;

    public InvalidProvisioningRecordException(Problem problem, String message) {
        super(Objects.requireNonNull(problem, "problem") + ": " + message);
        this.problem = problem;
    }

    public InvalidProvisioningRecordException(Problem problem, String message, Throwable cause) {
        super(Objects.requireNonNull(problem, "problem") + ": " + message, cause);
        this.problem = problem;
    }

    /** What was wrong. */
    public Problem problem() {
        return problem;
    }
}
