package io.devsec.core.validation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A JSON value read by {@link StrictJson} (and so by a {@link Schema}): an object, an array, a string, a
 * number, a boolean or null. Read-only and thread-safe; the parser behind it is not part of the API.
 *
 * <p>A value that passed a schema has the shape the schema describes, so
 * {@code doc.get("speed").get().asLong()} cannot fail for a required integer field. Asking a value for a
 * type it does not have (a string as a number) is a programming error: {@link IllegalStateException}.
 *
 * <p>{@link #toString()} names only the kind and size, never the content; {@link #toJson()} gives the
 * content.
 */
public final class JsonValue {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The JSON type of a value. */
    public enum Kind {
        /** An object of named fields. */
        OBJECT,
        /** An array of values. */
        ARRAY,
        /** A string. */
        STRING,
        /** A number, integral or not. */
        NUMBER,
        /** {@code true} or {@code false}. */
        BOOLEAN,
        /** {@code null}. */
        NULL
    }

    private final JsonNode node;

    private JsonValue(JsonNode node) {
        this.node = node;
    }

    /** Wraps a tree that no one else changes (a fresh parse, or a part of one). */
    static JsonValue of(JsonNode node) {
        return new JsonValue(Objects.requireNonNull(node, "node"));
    }

    /** The tree, for the rules of this package; never handed out. */
    JsonNode node() {
        return node;
    }

    /**
     * The JSON type of this value.
     *
     * @return the kind
     */
    public Kind kind() {
        if (node.isObject()) {
            return Kind.OBJECT;
        } else if (node.isArray()) {
            return Kind.ARRAY;
        } else if (node.isTextual()) {
            return Kind.STRING;
        } else if (node.isNumber()) {
            return Kind.NUMBER;
        } else if (node.isBoolean()) {
            return Kind.BOOLEAN;
        }
        return Kind.NULL;
    }

    /**
     * The field {@code name} of this object.
     *
     * @param name the field's name
     * @return the field's value; empty when this is not an object or has no such field
     */
    public Optional<JsonValue> get(String name) {
        Objects.requireNonNull(name, "name");
        JsonNode child = node.isObject() ? node.get(name) : null;
        return child == null ? Optional.<JsonValue>empty() : Optional.of(new JsonValue(child));
    }

    /**
     * The element at {@code index} of this array.
     *
     * @param index from 0 to {@link #size()} - 1
     * @return the element
     * @throws IllegalStateException when this is not an array
     * @throws IndexOutOfBoundsException when there is no such element
     */
    public JsonValue get(int index) {
        expect(Kind.ARRAY);
        if (index < 0 || index >= node.size()) {
            throw new IndexOutOfBoundsException("index " + index + " of an array of " + node.size());
        }
        return new JsonValue(node.get(index));
    }

    /**
     * The number of fields of an object or elements of an array.
     *
     * @return the size; 0 for any other kind
     */
    public int size() {
        return node.isContainerNode() ? node.size() : 0;
    }

    /**
     * The field names of this object, in document order.
     *
     * @return an unmodifiable set; empty when this is not an object
     */
    public Set<String> fieldNames() {
        Set<String> names = new LinkedHashSet<>();
        if (node.isObject()) {
            for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
                names.add(it.next());
            }
        }
        return Collections.unmodifiableSet(names);
    }

    /**
     * The elements of this array, in order.
     *
     * @return an unmodifiable list; empty when this is not an array
     */
    public List<JsonValue> elements() {
        List<JsonValue> out = new ArrayList<>();
        if (node.isArray()) {
            for (JsonNode e : node) {
                out.add(new JsonValue(e));
            }
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * This string.
     *
     * @return the text
     * @throws IllegalStateException when this is not a string
     */
    public String asString() {
        expect(Kind.STRING);
        return node.textValue();
    }

    /**
     * This integral number.
     *
     * @return the number
     * @throws IllegalStateException when this is not a number, has a fraction or does not fit a {@code long}
     */
    public long asLong() {
        expect(Kind.NUMBER);
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw new IllegalStateException("the JSON number is not an integer that fits a long");
        }
        return node.longValue();
    }

    /**
     * This number as a {@code double} (rounded when it has more precision).
     *
     * @return the number
     * @throws IllegalStateException when this is not a number
     */
    public double asDouble() {
        expect(Kind.NUMBER);
        return node.doubleValue();
    }

    /**
     * This number, exactly.
     *
     * @return the number
     * @throws IllegalStateException when this is not a number
     */
    public BigDecimal asBigDecimal() {
        expect(Kind.NUMBER);
        return node.decimalValue();
    }

    /**
     * This boolean.
     *
     * @return the value
     * @throws IllegalStateException when this is not a boolean
     */
    public boolean asBoolean() {
        expect(Kind.BOOLEAN);
        return node.booleanValue();
    }

    /**
     * This value as compact JSON text.
     *
     * @return the JSON
     */
    public String toJson() {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("writing JSON to memory failed", e);
        }
    }

    private void expect(Kind kind) {
        Kind actual = kind();
        if (actual != kind) {
            throw new IllegalStateException("the JSON value is " + actual + ", not " + kind);
        }
    }

    /** Equal when the JSON values are equal (numbers compared as parsed). */
    @Override
    public boolean equals(Object o) {
        return o instanceof JsonValue && node.equals(((JsonValue) o).node);
    }

    @Override
    public int hashCode() {
        return node.hashCode();
    }

    /** The kind and size only, never the content (it may be personal data). */
    @Override
    public String toString() {
        Kind k = kind();
        return "JsonValue{" + k + (k == Kind.OBJECT || k == Kind.ARRAY ? ", " + size() + " entries" : "") + "}";
    }
}
