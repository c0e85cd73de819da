package io.devsec.core.validation;

import java.util.Objects;

/**
 * A check of one JSON value, composable into schemas with {@link Rules}. Implementations must be
 * thread-safe and must never put the value itself into an exception.
 */
@FunctionalInterface
public interface Rule {
    /**
     * Checks {@code value}, found at {@code path} (for example {@code $.args}).
     *
     * @throws ValidationException naming {@code path} (or a path below it) and what was expected
     */
    void check(JsonValue value, String path) throws ValidationException;

    /** A rule that passes only when this rule and then {@code next} both pass. */
    default Rule and(Rule next) {
        Objects.requireNonNull(next, "next");
        Rule first = this;
        return (value, path) -> {
            first.check(value, path);
            next.check(value, path);
        };
    }
}
