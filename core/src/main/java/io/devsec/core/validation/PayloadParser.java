package io.devsec.core.validation;

/**
 * Checks a payload and turns it into the value a handler works with, in one pass. {@link Schema} is
 * the JSON one (its value is the parsed tree); write your own for a typed object or a non-JSON format.
 * Used by {@link Subscription.Builder#parser}.
 *
 * @param <T> the parsed value
 */
@FunctionalInterface
public interface PayloadParser<T> {
    /**
     * Checks and parses {@code payload}; must not keep or change it.
     *
     * @param payload the message payload
     * @return the parsed value, not null
     * @throws ValidationException when the payload must not reach the application
     */
    T parse(byte[] payload) throws ValidationException;
}
