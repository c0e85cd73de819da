package io.devsec.core.validation;

import io.devsec.core.validation.ValidationException.Reason;
import io.devsec.core.validation.internal.Printable;
import io.devsec.transport.TopicNamespace;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Which {@link PayloadValidator} checks the messages on which MQTT topics. Thread-safe: register
 * at any time, validate from any thread.
 *
 * <p>Default deny: a message whose topic matches no registered filter is refused with
 * {@link Reason#NO_VALIDATOR}. When several filters match, every one of their validators must pass.
 *
 * <pre>{@code
 * ValidatorRegistry registry = Validators.registry()
 *         .register("devices/+/cmd/#", MessageSchemas.COMMAND)
 *         .register("devices/+/config", mySchema);
 * clientBuilder.validator(Validators.messageValidator(registry));
 * }</pre>
 */
public final class ValidatorRegistry {
    private final List<Entry> entries = new CopyOnWriteArrayList<>();

    ValidatorRegistry() {
    }

    /**
     * Adds {@code validator} for topics matching {@code topicFilter} (MQTT wildcards {@code +} and
     * {@code #} allowed).
     *
     * @throws IllegalArgumentException when the filter is malformed
     */
    public ValidatorRegistry register(String topicFilter, PayloadValidator validator) {
        Objects.requireNonNull(topicFilter, "topicFilter");
        Objects.requireNonNull(validator, "validator");
        String problem = filterProblem(topicFilter);
        if (problem != null) {
            throw new IllegalArgumentException("topicFilter '" + Printable.of(topicFilter, 80) + "': " + problem);
        }
        entries.add(new Entry(topicFilter, validator));
        return this;
    }

    /** The registered filters, in registration order (a filter registered twice appears twice). */
    public List<String> filters() {
        List<String> out = new ArrayList<>();
        for (Entry e : entries) {
            out.add(e.filter);
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * Checks a message: its topic must be a well-formed MQTT topic name matched by at least one
     * registered filter, and the payload must pass every matching validator.
     *
     * @throws ValidationException with {@link Reason#INVALID_TOPIC} or {@link Reason#NO_VALIDATOR}
     *     (path {@code topic}), or the first validator's refusal
     */
    public void validate(String topic, byte[] payload) throws ValidationException {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        if (topic.startsWith("$") || !TopicNamespace.isWellFormedTopicName(topic)) {
            throw new ValidationException(Reason.INVALID_TOPIC, "topic",
                    "a well-formed MQTT topic name without wildcards, control characters or a leading '$'");
        }
        boolean matched = false;
        for (Entry e : entries) {
            if (TopicNamespace.matches(e.filter, topic)) {
                matched = true;
                e.validator.validate(payload);
            }
        }
        if (!matched) {
            throw new ValidationException(Reason.NO_VALIDATOR, "topic", "a topic with a registered validator");
        }
    }

    static String filterProblem(String filter) {
        if (filter.isEmpty()) {
            return "empty filter";
        }
        if (filter.startsWith("$")) {
            return "filters starting with '$' are not supported";
        }
        for (int i = 0; i < filter.length(); i++) {
            char c = filter.charAt(i);
            if (Printable.isControl(c)) {
                return "control character";
            }
        }
        if (Printable.hasUnpairedSurrogate(filter)) {
            return "unpaired surrogate";
        }
        if (filter.length() > TopicNamespace.MAX_TOPIC_BYTES) {
            return "too long";
        }
        String[] levels = filter.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            String l = levels[i];
            if (l.indexOf('#') >= 0 && (!l.equals("#") || i != levels.length - 1)) {
                return "'#' must be a whole last level";
            }
            if (l.indexOf('+') >= 0 && !l.equals("+")) {
                return "'+' must be a whole level";
            }
        }
        return null;
    }

    private static final class Entry {
        final String filter;
        final PayloadValidator validator;

        Entry(String filter, PayloadValidator validator) {
            this.filter = filter;
            this.validator = validator;
        }
    }
}
