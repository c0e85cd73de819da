package io.devsec.core.validation;

import java.util.Objects;

/**
 * A JSON format: the {@link JsonLimits} its documents stay within and the {@link Rule} their
 * top-level value obeys. Immutable and thread-safe.
 *
 * <pre>{@code
 * Schema speed = Schema.of(Rules.object()
 *         .required("speed", Rules.integer(0, 100))
 *         .build());
 * JsonValue doc = speed.parse(payload);   // or speed.validate(payload)
 * long value = doc.get("speed").get().asLong();
 * }</pre>
 */
public final class Schema implements PayloadValidator, PayloadParser<JsonValue> {
    private final StrictJson json;
    private final Rule root;

    private Schema(StrictJson json, Rule root) {
        this.json = json;
        this.root = root;
    }

    /** A schema with {@link JsonLimits#DEFAULT}. */
    public static Schema of(Rule root) {
        return new Schema(StrictJson.DEFAULT, Objects.requireNonNull(root, "root"));
    }

    /** A schema with explicit limits. */
    public static Schema of(Rule root, JsonLimits limits) {
        return new Schema(StrictJson.of(limits), Objects.requireNonNull(root, "root"));
    }

    /** The document limits. */
    public JsonLimits limits() {
        return json.limits();
    }

    /** The rule for the top-level value. */
    public Rule rule() {
        return root;
    }

    /**
     * Parses and checks a UTF-8 JSON document into a fresh, read-only value.
     *
     * @throws ValidationException when the document breaks a limit or the rule
     */
    public JsonValue parse(byte[] document) throws ValidationException {
        JsonValue value = json.parse(document);
        root.check(value, "$");
        return value;
    }

    /**
     * Parses and checks a JSON document given as text.
     *
     * @throws ValidationException when the document breaks a limit or the rule
     */
    public JsonValue parse(String document) throws ValidationException {
        JsonValue value = json.parse(document);
        root.check(value, "$");
        return value;
    }

    /**
     * Checks a UTF-8 JSON document.
     *
     * @throws ValidationException when the document breaks a limit or the rule
     */
    @Override
    public void validate(byte[] payload) throws ValidationException {
        parse(payload);
    }

    @Override
    public String toString() {
        return "Schema{" + json.limits() + "}";
    }
}
