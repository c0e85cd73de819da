package io.devsec.core.validation;

import io.devsec.core.validation.ValidationException.Reason;
import io.devsec.core.validation.internal.JsonPaths;
import io.devsec.core.validation.internal.Printable;
import io.devsec.transport.InvalidMessageException;
import io.devsec.transport.MessageValidator;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** Entry points of input validation: registries, the MQTT adapter and validators for non-JSON payloads. */
public final class Validators {
    private Validators() {
    }

    /** A new, empty registry (which refuses every topic until validators are registered). */
    public static ValidatorRegistry registry() {
        return new ValidatorRegistry();
    }

    /**
     * Transport's inbound hook backed by {@code registry}: a message reaches the application only
     * when {@link ValidatorRegistry#validate(String, byte[])} passes. A refusal becomes an
     * {@link InvalidMessageException} ({@code REJECTED_BY_VALIDATOR}) whose message names the reason,
     * path and expectation (never the payload) and which carries the reason and path as
     * {@link InvalidMessageException#rule()} and {@link InvalidMessageException#path()};
     * transport then drops the message and reports a security event. A validator that fails with a
     * runtime exception refuses the message too (fail closed).
     */
    public static MessageValidator messageValidator(ValidatorRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        return message -> {
            try {
                registry.validate(message.topic(), message.payload());
            } catch (ValidationException e) {
                throw InvalidMessageException.rejected(message.topic(), e.getMessage(), e.reason().name(), e.path());
            } catch (RuntimeException e) {
                InvalidMessageException refused = InvalidMessageException.rejected(message.topic(),
                        "validator failed with " + e.getClass().getSimpleName());
                refused.initCause(e);
                throw refused;
            }
        };
    }

    /** Any bytes, at most {@code maxBytes} of them. */
    public static PayloadValidator maxBytes(int maxBytes) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must not be negative");
        }
        return payload -> {
            if (payload.length > maxBytes) {
                throw new ValidationException(Reason.TOO_LARGE, JsonPaths.ROOT, "at most " + maxBytes + " bytes");
            }
        };
    }

    /**
     * UTF-8 text of at most {@code maxBytes} bytes without control characters other than tab,
     * line feed and carriage return.
     */
    public static PayloadValidator utf8Text(int maxBytes) {
        PayloadValidator size = maxBytes(maxBytes);
        return payload -> {
            size.validate(payload);
            CharBuffer text;
            try {
                text = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(payload));
            } catch (CharacterCodingException e) {
                throw new ValidationException(Reason.INVALID_ENCODING, JsonPaths.ROOT, "UTF-8 text");
            }
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (Printable.isControl(c) && c != '\t' && c != '\n' && c != '\r') {
                    throw new ValidationException(Reason.NOT_ALLOWED, JsonPaths.ROOT, "text without control characters");
                }
            }
        };
    }
}
