package io.devsec.core.validation;

/**
 * A check of a whole message payload or file, as registered in a {@link ValidatorRegistry}.
 * {@link Schema} is the JSON implementation; {@link Validators} has a few for other payloads.
 */
@FunctionalInterface
public interface PayloadValidator {
    /**
     * Checks {@code payload}; must not keep or change it.
     *
     * @throws ValidationException when the payload must not reach the application
     */
    void validate(byte[] payload) throws ValidationException;
}
