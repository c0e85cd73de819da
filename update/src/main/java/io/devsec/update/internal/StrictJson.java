package io.devsec.update.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devsec.update.MalformedMetadataException;
import io.devsec.update.MetadataTooLargeException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Strict JSON: strict UTF-8, Jackson stream limits, duplicate keys and trailing tokens refused, and
 * a field reader that refuses unknown fields, wrong types and out-of-range numbers.
 */
public final class StrictJson {
    /** Largest integer that every JSON implementation represents exactly (2^53 - 1). */
    public static final long MAX_SAFE_INTEGER = 9007199254740991L;

    private StrictJson() {
    }

    private static ObjectMapper mapper(int maxBytes) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(8)
                        .maxNumberLength(20)
                        .maxStringLength(maxBytes)
                        .maxNameLength(64)
                        .maxDocumentLength(maxBytes)
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        return JsonMapper.builder(factory)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .build();
    }

    /** Parses {@code bytes} (at most {@code maxBytes}) as one JSON object. */
    public static Fields parseObject(String what, byte[] bytes, int maxBytes)
            throws MalformedMetadataException, MetadataTooLargeException {
        if (bytes.length > maxBytes) {
            throw new MetadataTooLargeException(what, maxBytes, bytes.length);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new MalformedMetadataException(what, "not UTF-8", e);
        }
        JsonNode node;
        try {
            node = mapper(maxBytes).readTree(text);
        } catch (JsonProcessingException e) {
            throw new MalformedMetadataException(what, "not strict JSON: " + e.getOriginalMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new MalformedMetadataException(what, "not strict JSON", e);
        }
        if (node == null || !node.isObject()) {
            throw new MalformedMetadataException(what, "must be a JSON object");
        }
        return new Fields(what, (ObjectNode) node);
    }

    /** Reads the fields of one object; {@link #end()} refuses any field not read. */
    public static final class Fields {
        private final String where;
        private final ObjectNode node;
        private final Set<String> read = new HashSet<>();

        Fields(String where, ObjectNode node) {
            this.where = where;
            this.node = node;
        }

        private String path(String name) {
            return where + "." + name;
        }

        private JsonNode required(String name) throws MalformedMetadataException {
            read.add(name);
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) {
                throw new MalformedMetadataException(path(name), "is missing");
            }
            return v;
        }

        public boolean has(String name) {
            return node.has(name);
        }

        public String text(String name, int maxLength) throws MalformedMetadataException {
            JsonNode v = required(name);
            if (!v.isTextual()) {
                throw new MalformedMetadataException(path(name), "must be a string");
            }
            String s = v.textValue();
            if (s.isEmpty() || s.length() > maxLength) {
                throw new MalformedMetadataException(path(name), "must be 1 to " + maxLength + " characters");
            }
            return s;
        }

        public long integer(String name, long min, long max) throws MalformedMetadataException {
            JsonNode v = required(name);
            if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                throw new MalformedMetadataException(path(name), "must be an integer");
            }
            long l = v.longValue();
            if (l < min || l > max) {
                throw new MalformedMetadataException(path(name), "must be between " + min + " and " + max);
            }
            return l;
        }

        public boolean bool(String name) throws MalformedMetadataException {
            JsonNode v = required(name);
            if (!v.isBoolean()) {
                throw new MalformedMetadataException(path(name), "must be true or false");
            }
            return v.booleanValue();
        }

        public Instant instant(String name) throws MalformedMetadataException {
            String s = text(name, 40);
            try {
                Instant i = Instant.parse(s);
                if (!s.endsWith("Z")) {
                    throw new MalformedMetadataException(path(name), "must be an ISO 8601 UTC instant");
                }
                return i;
            } catch (DateTimeException e) {
                throw new MalformedMetadataException(path(name), "must be an ISO 8601 UTC instant", e);
            }
        }

        public LocalDate date(String name) throws MalformedMetadataException {
            String s = text(name, 10);
            try {
                return LocalDate.parse(s);
            } catch (DateTimeException e) {
                throw new MalformedMetadataException(path(name), "must be an ISO 8601 date (YYYY-MM-DD)", e);
            }
        }

        public Fields object(String name) throws MalformedMetadataException {
            JsonNode v = required(name);
            if (!v.isObject()) {
                throw new MalformedMetadataException(path(name), "must be an object");
            }
            return new Fields(path(name), (ObjectNode) v);
        }

        /** The elements of an array of at most {@code maxSize} objects. */
        public List<Fields> objects(String name, int minSize, int maxSize) throws MalformedMetadataException {
            JsonNode v = required(name);
            checkArray(name, v, minSize, maxSize);
            List<Fields> out = new ArrayList<>();
            int i = 0;
            for (JsonNode e : v) {
                if (!e.isObject()) {
                    throw new MalformedMetadataException(path(name) + "[" + i + "]", "must be an object");
                }
                out.add(new Fields(path(name) + "[" + i + "]", (ObjectNode) e));
                i++;
            }
            return out;
        }

        /** The elements of an array of at most {@code maxSize} distinct strings. */
        public List<String> distinctStrings(String name, int minSize, int maxSize) throws MalformedMetadataException {
            JsonNode v = required(name);
            checkArray(name, v, minSize, maxSize);
            List<String> out = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (JsonNode e : v) {
                if (!e.isTextual()) {
                    throw new MalformedMetadataException(path(name), "must hold strings only");
                }
                if (!seen.add(e.textValue())) {
                    throw new MalformedMetadataException(path(name), "holds a duplicate entry");
                }
                out.add(e.textValue());
            }
            return out;
        }

        /** The names of an object's fields, each then read with {@link #object}. */
        public List<String> names(int maxSize) throws MalformedMetadataException {
            if (node.size() > maxSize) {
                throw new MalformedMetadataException(where, "has more than " + maxSize + " entries");
            }
            List<String> out = new ArrayList<>();
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                out.add(it.next());
            }
            return out;
        }

        private void checkArray(String name, JsonNode v, int minSize, int maxSize) throws MalformedMetadataException {
            if (!v.isArray()) {
                throw new MalformedMetadataException(path(name), "must be an array");
            }
            if (v.size() < minSize || v.size() > maxSize) {
                throw new MalformedMetadataException(path(name), "must have " + minSize + " to " + maxSize + " entries");
            }
        }

        /** Refuses any field that was not read. */
        public void end() throws MalformedMetadataException {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String n = it.next();
                if (!read.contains(n)) {
                    throw new MalformedMetadataException(path(n), "unknown field");
                }
            }
        }
    }
}
