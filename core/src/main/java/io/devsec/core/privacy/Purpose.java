package io.devsec.core.privacy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One purpose for which the device processes personal data: what is processed, by whom and why
 * (provision 4.8). Immutable; built by {@link #builder(String)}, which validates every field.
 *
 * <p>The id names the purpose in the {@link ConsentRegistry}, on {@link ConsentGate#offer} and in
 * the {@link DataUseStatement}: 1 to 64 characters of {@code [a-z0-9._-]}, starting with a letter or
 * digit. The texts are shown to the consumer: 1 to 1000 characters each, without control characters
 * or line breaks.
 */
public final class Purpose {
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    private final String id;
    private final String description;
    private final List<String> processors;
    private final String reason;

    private Purpose(Builder b) {
        this.id = b.id;
        this.description = b.description;
        this.processors = Collections.unmodifiableList(new ArrayList<>(b.processors));
        this.reason = b.reason;
    }

    /** A builder for the purpose with this id. */
    public static Builder builder(String id) {
        return new Builder(id);
    }

    /**
     * A builder starting from these values: {@code x.toBuilder().build()} equals {@code x}, and a setter
     * changes only its own field.
     *
     * @return a new builder holding this object's values
     */
    public Builder toBuilder() {
        Builder b = new Builder(id);
        b.description = description;
        b.processors.addAll(processors);
        b.reason = reason;
        return b;
    }

    public String id() {
        return id;
    }

    /** What personal data is processed, in words the consumer understands. */
    public String description() {
        return description;
    }

    /** Who processes it (the manufacturer, a named cloud provider...); at least one. */
    public List<String> processors() {
        return processors;
    }

    /** Why it is processed. */
    public String reason() {
        return reason;
    }

    static boolean validId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Purpose)) {
            return false;
        }
        Purpose p = (Purpose) o;
        return id.equals(p.id) && description.equals(p.description) && processors.equals(p.processors)
                && reason.equals(p.reason);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, description, processors, reason);
    }

    @Override
    public String toString() {
        return "Purpose[" + id + "]";
    }

    /** Builds a {@link Purpose}; {@link #build()} names the bad field. */
    public static final class Builder {
        private final String id;
        private String description;
        private final List<String> processors = new ArrayList<>();
        private String reason;

        private Builder(String id) {
            this.id = id;
        }

        /** Required: what personal data is processed. */
        public Builder description(String description) {
            this.description = description;
            return this;
        }

        /** Required at least once: who processes the data. */
        public Builder processor(String processor) {
            this.processors.add(processor);
            return this;
        }

        /** Required: why the data is processed. */
        public Builder reason(String reason) {
            this.reason = reason;
            return this;
        }

        /** @throws IllegalArgumentException naming the missing or invalid field */
        public Purpose build() {
            if (!validId(id)) {
                throw new IllegalArgumentException("id must be 1 to 64 characters of [a-z0-9._-], starting with a letter or digit");
            }
            checkText("description", description);
            checkText("reason", reason);
            if (processors.isEmpty()) {
                throw new IllegalArgumentException("processor is required (who processes the data)");
            }
            for (String p : processors) {
                checkText("processor", p);
            }
            return new Purpose(this);
        }

        static void checkText(String field, String value) {
            if (value == null || value.trim().isEmpty()) {
                throw new IllegalArgumentException(field + " is required");
            }
            if (value.length() > 1000) {
                throw new IllegalArgumentException(field + " must be at most 1000 characters");
            }
            for (int i = 0; i < value.length(); i++) {
                if (Character.isISOControl(value.charAt(i))) {
                    throw new IllegalArgumentException(field + " must not contain control characters or line breaks");
                }
            }
        }
    }
}
