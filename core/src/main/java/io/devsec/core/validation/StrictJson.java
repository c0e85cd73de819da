package io.devsec.core.validation;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devsec.core.validation.ValidationException.Reason;
import io.devsec.core.validation.internal.JsonPaths;
import io.devsec.core.validation.internal.Printable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A strict JSON reader: UTF-8 only, within {@link JsonLimits}, no duplicate keys, nothing after the
 * top-level value, well-formed Unicode in every string. Thread-safe; reuse one per limits value.
 *
 * <p>Every refusal is a {@link ValidationException} naming the reason and the path; no other
 * exception escapes {@link #parse(byte[])} for any input. Jackson's own error messages (which may
 * quote the input) are never passed on: only the line and column are kept.
 */
public final class StrictJson {
    /** A reader with {@link JsonLimits#DEFAULT}. */
    public static final StrictJson DEFAULT = of(JsonLimits.DEFAULT);

    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    private final JsonLimits limits;
    private final JsonFactory factory;

    private StrictJson(JsonLimits limits) {
        this.limits = limits;
        this.factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        // One above ours, so that our own check (with its path) normally fires first.
                        .maxNestingDepth(limits.maxDepth() + 1)
                        .maxStringLength(Math.max(limits.maxStringLength(), limits.maxFieldNameLength()) + 1)
                        .maxNameLength(limits.maxFieldNameLength() + 1)
                        .maxNumberLength(limits.maxNumberLength() + 1)
                        .maxDocumentLength(limits.maxDocumentBytes() + 1L)
                        .build())
                .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                // Duplicate keys are detected below, where the path is known.
                .disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
                .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
                .build();
    }

    /** A reader that enforces {@code limits}. */
    public static StrictJson of(JsonLimits limits) {
        return new StrictJson(Objects.requireNonNull(limits, "limits"));
    }

    /** The limits this reader enforces. */
    public JsonLimits limits() {
        return limits;
    }

    /**
     * Parses one JSON document from UTF-8 bytes into a fresh, read-only value.
     *
     * @throws ValidationException when the document is too large ({@code TOO_LARGE}), not UTF-8
     *     ({@code INVALID_ENCODING}), not well-formed ({@code MALFORMED}), beyond a limit
     *     ({@code TOO_DEEP}, {@code STRING_TOO_LONG}, {@code NUMBER_TOO_LONG}, {@code TOO_MANY_ENTRIES}),
     *     has a duplicate key ({@code DUPLICATE_KEY}) or data after the value ({@code TRAILING_DATA})
     */
    public JsonValue parse(byte[] json) throws ValidationException {
        return JsonValue.of(parseTree(json));
    }

    /** As {@link #parse(byte[])}, the tree itself, for this package. */
    JsonNode parseTree(byte[] json) throws ValidationException {
        Objects.requireNonNull(json, "json");
        if (json.length > limits.maxDocumentBytes()) {
            throw new ValidationException(Reason.TOO_LARGE, JsonPaths.ROOT,
                    "at most " + limits.maxDocumentBytes() + " bytes");
        }
        char[] text = decodeUtf8(json);
        return parse(text);
    }

    /**
     * Parses one JSON document from text (for input that is already a string, such as a JSON line).
     *
     * @throws ValidationException as {@link #parse(byte[])}; the size limit counts UTF-16 characters here
     */
    public JsonValue parse(String json) throws ValidationException {
        return JsonValue.of(parseTree(json));
    }

    /** As {@link #parse(String)}, the tree itself, for this package. */
    JsonNode parseTree(String json) throws ValidationException {
        Objects.requireNonNull(json, "json");
        if (json.length() > limits.maxDocumentBytes()) {
            throw new ValidationException(Reason.TOO_LARGE, JsonPaths.ROOT,
                    "at most " + limits.maxDocumentBytes() + " characters");
        }
        return parse(json.toCharArray());
    }

    private JsonNode parse(char[] text) throws ValidationException {
        boolean rootDone = false;
        try (JsonParser p = factory.createParser(text)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new ValidationException(Reason.MALFORMED, JsonPaths.ROOT, "a JSON value (the input is empty)");
            }
            JsonNode root = readValue(p, first, JsonPaths.ROOT, 0);
            rootDone = true;
            JsonToken after;
            try {
                after = p.nextToken();
            } catch (JsonProcessingException e) {
                throw new ValidationException(Reason.TRAILING_DATA, JsonPaths.ROOT, "nothing after the JSON value");
            }
            if (after != null) {
                throw new ValidationException(Reason.TRAILING_DATA, JsonPaths.ROOT, "nothing after the JSON value");
            }
            return root;
        } catch (StreamConstraintsException e) {
            throw constraint(e);
        } catch (JsonProcessingException e) {
            if (rootDone) {
                throw new ValidationException(Reason.TRAILING_DATA, JsonPaths.ROOT, "nothing after the JSON value");
            }
            throw new ValidationException(Reason.MALFORMED, JsonPaths.ROOT, "well-formed JSON" + where(e.getLocation()));
        } catch (IOException e) {
            throw new ValidationException(Reason.MALFORMED, JsonPaths.ROOT, "readable JSON");
        } catch (RuntimeException e) {
            // Fail closed with a typed error whatever Jackson throws (for example on symbol table abuse).
            throw new ValidationException(Reason.MALFORMED, JsonPaths.ROOT,
                    "well-formed JSON (parser failed with " + e.getClass().getSimpleName() + ")");
        }
    }

    private JsonNode readValue(JsonParser p, JsonToken t, String path, int depth) throws IOException, ValidationException {
        switch (t) {
            case START_OBJECT:
                return readObject(p, path, depth + 1);
            case START_ARRAY:
                return readArray(p, path, depth + 1);
            case VALUE_STRING:
                return NODES.textNode(readString(p, path));
            case VALUE_NUMBER_INT:
                checkNumberLength(p, path);
                switch (p.getNumberType()) {
                    case INT:
                        return NODES.numberNode(p.getIntValue());
                    case LONG:
                        return NODES.numberNode(p.getLongValue());
                    default:
                        return NODES.numberNode(p.getBigIntegerValue());
                }
            case VALUE_NUMBER_FLOAT:
                checkNumberLength(p, path);
                return NODES.numberNode(p.getDecimalValue());
            case VALUE_TRUE:
                return NODES.booleanNode(true);
            case VALUE_FALSE:
                return NODES.booleanNode(false);
            case VALUE_NULL:
                return NODES.nullNode();
            default:
                throw new ValidationException(Reason.MALFORMED, path, "a JSON value");
        }
    }

    private ObjectNode readObject(JsonParser p, String path, int depth) throws IOException, ValidationException {
        if (depth > limits.maxDepth()) {
            throw new ValidationException(Reason.TOO_DEEP, path, "nesting of at most " + limits.maxDepth() + " levels");
        }
        ObjectNode node = NODES.objectNode();
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            if (name.length() > limits.maxFieldNameLength()) {
                throw new ValidationException(Reason.STRING_TOO_LONG, path,
                        "field names of at most " + limits.maxFieldNameLength() + " characters");
            }
            if (Printable.hasUnpairedSurrogate(name)) {
                throw new ValidationException(Reason.INVALID_ENCODING, path, "field names of well-formed Unicode");
            }
            String child = JsonPaths.field(path, name);
            if (node.has(name)) {
                throw new ValidationException(Reason.DUPLICATE_KEY, child, "each field once");
            }
            if (node.size() >= limits.maxEntries()) {
                throw new ValidationException(Reason.TOO_MANY_ENTRIES, path,
                        "an object of at most " + limits.maxEntries() + " fields");
            }
            node.set(name, readValue(p, p.nextToken(), child, depth));
        }
        if (t != JsonToken.END_OBJECT) {
            throw new ValidationException(Reason.MALFORMED, path, "a complete JSON object");
        }
        return node;
    }

    private ArrayNode readArray(JsonParser p, String path, int depth) throws IOException, ValidationException {
        if (depth > limits.maxDepth()) {
            throw new ValidationException(Reason.TOO_DEEP, path, "nesting of at most " + limits.maxDepth() + " levels");
        }
        ArrayNode node = NODES.arrayNode();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == null) {
                throw new ValidationException(Reason.MALFORMED, path, "a complete JSON array");
            }
            if (node.size() >= limits.maxEntries()) {
                throw new ValidationException(Reason.TOO_MANY_ENTRIES, path,
                        "an array of at most " + limits.maxEntries() + " elements");
            }
            node.add(readValue(p, t, JsonPaths.element(path, node.size()), depth));
        }
        return node;
    }

    private String readString(JsonParser p, String path) throws IOException, ValidationException {
        if (p.getTextLength() > limits.maxStringLength()) {
            throw new ValidationException(Reason.STRING_TOO_LONG, path,
                    "a string of at most " + limits.maxStringLength() + " characters");
        }
        String s = p.getText();
        if (Printable.hasUnpairedSurrogate(s)) {
            throw new ValidationException(Reason.INVALID_ENCODING, path, "a string of well-formed Unicode");
        }
        return s;
    }

    private void checkNumberLength(JsonParser p, String path) throws IOException, ValidationException {
        if (p.getTextLength() > limits.maxNumberLength()) {
            throw new ValidationException(Reason.NUMBER_TOO_LONG, path,
                    "a number of at most " + limits.maxNumberLength() + " characters");
        }
    }

    private ValidationException constraint(StreamConstraintsException e) {
        String m = String.valueOf(e.getOriginalMessage());
        Reason reason;
        String expected;
        if (m.startsWith("Document nesting depth")) {
            reason = Reason.TOO_DEEP;
            expected = "nesting of at most " + limits.maxDepth() + " levels";
        } else if (m.startsWith("Number value length")) {
            reason = Reason.NUMBER_TOO_LONG;
            expected = "numbers of at most " + limits.maxNumberLength() + " characters";
        } else if (m.startsWith("Name length")) {
            reason = Reason.STRING_TOO_LONG;
            expected = "field names of at most " + limits.maxFieldNameLength() + " characters";
        } else if (m.startsWith("String value length")) {
            reason = Reason.STRING_TOO_LONG;
            expected = "strings of at most " + limits.maxStringLength() + " characters";
        } else if (m.startsWith("Document length")) {
            reason = Reason.TOO_LARGE;
            expected = "at most " + limits.maxDocumentBytes() + " bytes";
        } else {
            reason = Reason.MALFORMED;
            expected = "JSON within the parser's limits";
        }
        return new ValidationException(reason, JsonPaths.ROOT, expected + where(e.getLocation()));
    }

    private static String where(JsonLocation location) {
        if (location == null || location.getLineNr() < 0) {
            return "";
        }
        return " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    private static char[] decodeUtf8(byte[] bytes) throws ValidationException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            CharBuffer chars = decoder.decode(ByteBuffer.wrap(bytes));
            char[] out = new char[chars.remaining()];
            chars.get(out);
            return out;
        } catch (CharacterCodingException e) {
            throw new ValidationException(Reason.INVALID_ENCODING, JsonPaths.ROOT, "UTF-8 text");
        }
    }
}
