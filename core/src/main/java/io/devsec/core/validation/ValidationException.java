package io.devsec.core.validation;

import io.devsec.core.validation.internal.Printable;
import io.devsec.core.DeviceSecurityException;
import java.util.Objects;

/**
 * Input was refused: it is not what a DevSec boundary (an MQTT message, a configuration file, a
 * record) accepts. Carries {@link #reason()}, the {@link #path()} of the offending value (such as
 * {@code $.args.speed}, or {@code topic}) and what was {@link #expected()} there.
 *
 * <p>The message never contains the refused value itself, only where it was and what was
 * expected; the path's field names come from the input, so they are escaped and cut short.
 */
public final class ValidationException extends DeviceSecurityException {
    private static final long serialVersionUID = 1L;

    /** Longest path kept, in characters. */
    public static final int MAX_PATH_LENGTH = 160;

    /** Longest description of what was expected, in characters. */
    public static final int MAX_EXPECTED_LENGTH = 200;

    /** What was wrong with the input. */
    public enum Reason {
        /** The input is larger than the limit. */
        TOO_LARGE,
        /** The bytes are not valid UTF-8, or the text holds an unpaired surrogate. */
        INVALID_ENCODING,
        /** Not well-formed JSON (or not the expected format at all). */
        MALFORMED,
        /** Objects or arrays nested deeper than the limit. */
        TOO_DEEP,
        /** A string (or field name) longer than the limit. */
        STRING_TOO_LONG,
        /** A number written with more characters than the limit. */
        NUMBER_TOO_LONG,
        /** An object or array with more entries than the limit. */
        TOO_MANY_ENTRIES,
        /** The same field twice in one object. */
        DUPLICATE_KEY,
        /** Anything after the single top-level JSON value. */
        TRAILING_DATA,
        /** A value of the wrong JSON type. */
        WRONG_TYPE,
        /** A required field is absent. */
        MISSING_FIELD,
        /** A field the schema does not know. */
        UNKNOWN_FIELD,
        /** A number, length or count outside its allowed range. */
        OUT_OF_RANGE,
        /** A string that does not match its pattern or is not one of the allowed values. */
        NOT_ALLOWED,
        /** A custom rule refused the value. */
        RULE_FAILED,
        /** The MQTT topic name is malformed (empty, wildcard, control characters, too long). */
        INVALID_TOPIC,
        /** No validator is registered for the topic: unknown input is refused. */
        NO_VALIDATOR
    }

    private final Reason reason;
    private final String path;
    private final String expected;

    /**
     * A refusal of the value at {@code path}; {@code path} and {@code expected} are escaped and cut
     * to {@value #MAX_PATH_LENGTH} and {@value #MAX_EXPECTED_LENGTH} characters. Never pass the
     * refused value (or any secret) in {@code expected}.
     */
    public ValidationException(Reason reason, String path, String expected) {
        this(reason, Printable.of(Objects.requireNonNull(path, "path"), MAX_PATH_LENGTH),
                Printable.of(Objects.requireNonNull(expected, "expected"), MAX_EXPECTED_LENGTH), true);
    }

    private ValidationException(Reason reason, String path, String expected, boolean sanitized) {
        super(Objects.requireNonNull(reason, "reason") + " at " + path + ": expected " + expected);
        this.reason = reason;
        this.path = path;
        this.expected = expected;
    }

    /** What was wrong. */
    public Reason reason() {
        return reason;
    }

    /**
     * Where: {@code $} is the document, {@code $.a.b[2]} a nested value, {@code topic} the MQTT
     * topic; escaped and cut short.
     */
    public String path() {
        return path;
    }

    /** What the boundary expected at {@link #path()}, for example {@code "integer from 0 to 100"}. */
    public String expected() {
        return expected;
    }
}
