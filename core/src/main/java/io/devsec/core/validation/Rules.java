package io.devsec.core.validation;

import com.fasterxml.jackson.databind.JsonNode;
import io.devsec.core.validation.ValidationException.Reason;
import io.devsec.core.validation.internal.JsonPaths;
import io.devsec.core.validation.internal.Printable;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Composable {@link Rule}s for JSON values. Every rule is immutable and thread-safe; none puts
 * the refused value into its exception.
 *
 * <pre>{@code
 * Rule command = Rules.object()
 *         .required("command", Rules.oneOf("reboot", "ping"))
 *         .required("id", Rules.pattern("[A-Za-z0-9._-]+", 64))
 *         .optional("args", Rules.mapOf("[a-z][a-z0-9_]*", 32, Rules.scalar(256), 16))
 *         .build();
 * }</pre>
 */
public final class Rules {
    private Rules() {
    }

    /** Any JSON value (the document limits still apply). */
    public static Rule any() {
        return rule((value, path) -> { });
    }

    /**
     * A string of {@code minLength} to {@code maxLength} code points without control characters
     * (C0, DEL, C1) or unpaired surrogates.
     */
    public static Rule string(int minLength, int maxLength) {
        checkRange("minLength", minLength, "maxLength", maxLength);
        String expected = "a string of " + minLength + " to " + maxLength + " characters without control characters";
        return rule((value, path) -> checkText(value, path, minLength, maxLength, expected));
    }

    /**
     * A string of 1 to {@code maxLength} characters that wholly matches {@code regex}; the length is
     * checked before the pattern runs.
     *
     * @throws java.util.regex.PatternSyntaxException when {@code regex} is not a valid pattern
     */
    public static Rule pattern(String regex, int maxLength) {
        Pattern p = Pattern.compile(Objects.requireNonNull(regex, "regex"));
        checkRange("minLength", 1, "maxLength", maxLength);
        String expected = "a string of at most " + maxLength + " characters matching " + regex;
        return rule((value, path) -> {
            String s = checkText(value, path, 1, maxLength, expected);
            if (!p.matcher(s).matches()) {
                throw new ValidationException(Reason.NOT_ALLOWED, path, expected);
            }
        });
    }

    /** A string equal to one of {@code allowed}. */
    public static Rule oneOf(String... allowed) {
        return oneOf(Arrays.asList(allowed));
    }

    /** A string equal to one of {@code allowed} (at least one). */
    public static Rule oneOf(Collection<String> allowed) {
        Set<String> set = Collections.unmodifiableSet(new LinkedHashSet<>(allowed));
        if (set.isEmpty()) {
            throw new IllegalArgumentException("allowed must hold at least one value");
        }
        for (String s : set) {
            Objects.requireNonNull(s, "allowed value");
        }
        String expected = "one of " + set;
        return rule((value, path) -> {
            if (!value.isTextual()) {
                throw new ValidationException(Reason.WRONG_TYPE, path, "a string, " + expected);
            }
            if (!set.contains(value.textValue())) {
                throw new ValidationException(Reason.NOT_ALLOWED, path, expected);
            }
        });
    }

    /** An integer (written without point or exponent) from {@code min} to {@code max}. */
    public static Rule integer(long min, long max) {
        if (min > max) {
            throw new IllegalArgumentException("min must not exceed max");
        }
        String expected = "an integer from " + min + " to " + max;
        return rule((value, path) -> {
            if (!value.isIntegralNumber()) {
                throw new ValidationException(Reason.WRONG_TYPE, path, expected);
            }
            if (!value.canConvertToLong()) {
                throw new ValidationException(Reason.OUT_OF_RANGE, path, expected);
            }
            long v = value.longValue();
            if (v < min || v > max) {
                throw new ValidationException(Reason.OUT_OF_RANGE, path, expected);
            }
        });
    }

    /** Any number (integer or decimal) from {@code min} to {@code max}, both finite. */
    public static Rule number(double min, double max) {
        if (!Double.isFinite(min) || !Double.isFinite(max) || min > max) {
            throw new IllegalArgumentException("min and max must be finite and min must not exceed max");
        }
        BigDecimal lo = BigDecimal.valueOf(min);
        BigDecimal hi = BigDecimal.valueOf(max);
        String expected = "a number from " + min + " to " + max;
        return rule((value, path) -> {
            if (!value.isNumber()) {
                throw new ValidationException(Reason.WRONG_TYPE, path, expected);
            }
            BigDecimal v = value.decimalValue();
            if (v.compareTo(lo) < 0 || v.compareTo(hi) > 0) {
                throw new ValidationException(Reason.OUT_OF_RANGE, path, expected);
            }
        });
    }

    /** {@code true} or {@code false}. */
    public static Rule bool() {
        return rule((value, path) -> {
            if (!value.isBoolean()) {
                throw new ValidationException(Reason.WRONG_TYPE, path, "true or false");
            }
        });
    }

    /** A string holding an ISO-8601 instant in UTC, such as {@code 2026-01-31T12:00:00Z}. */
    public static Rule instant() {
        String expected = "an ISO-8601 instant such as 2026-01-31T12:00:00Z";
        return rule((value, path) -> {
            String s = checkText(value, path, 1, 40, expected);
            try {
                Instant.parse(s);
            } catch (DateTimeParseException e) {
                throw new ValidationException(Reason.NOT_ALLOWED, path, expected);
            }
        });
    }

    /** A string (0 to {@code maxStringLength} characters, as {@link #string}), a number or a boolean. */
    public static Rule scalar(int maxStringLength) {
        Rule text = string(0, maxStringLength);
        return rule((value, path) -> {
            if (value.isTextual()) {
                checkNode(text, value, path);
            } else if (!value.isNumber() && !value.isBoolean()) {
                throw new ValidationException(Reason.WRONG_TYPE, path, "a string, number or boolean");
            }
        });
    }

    /** An array of {@code minItems} to {@code maxItems} elements, each obeying {@code element}. */
    public static Rule arrayOf(Rule element, int minItems, int maxItems) {
        Objects.requireNonNull(element, "element");
        checkRange("minItems", minItems, "maxItems", maxItems);
        String expected = "an array of " + minItems + " to " + maxItems + " elements";
        return rule((value, path) -> {
            if (!value.isArray()) {
                throw new ValidationException(Reason.WRONG_TYPE, path, expected);
            }
            if (value.size() < minItems || value.size() > maxItems) {
                throw new ValidationException(Reason.OUT_OF_RANGE, path, expected);
            }
            for (int i = 0; i < value.size(); i++) {
                checkNode(element, value.get(i), JsonPaths.element(path, i));
            }
        });
    }

    /**
     * An object used as a map: at most {@code maxEntries} fields whose names wholly match
     * {@code keyRegex} (and have at most {@code maxKeyLength} characters), each value obeying {@code value}.
     */
    public static Rule mapOf(String keyRegex, int maxKeyLength, Rule value, int maxEntries) {
        Pattern keys = Pattern.compile(Objects.requireNonNull(keyRegex, "keyRegex"));
        Objects.requireNonNull(value, "value");
        checkRange("minKeyLength", 1, "maxKeyLength", maxKeyLength);
        checkRange("minEntries", 0, "maxEntries", maxEntries);
        String expected = "an object of at most " + maxEntries + " fields";
        String keyExpected = "field names of at most " + maxKeyLength + " characters matching " + keyRegex;
        return rule((node, path) -> {
            if (!node.isObject()) {
                throw new ValidationException(Reason.WRONG_TYPE, path, expected);
            }
            if (node.size() > maxEntries) {
                throw new ValidationException(Reason.OUT_OF_RANGE, path, expected);
            }
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                String child = JsonPaths.field(path, e.getKey());
                if (e.getKey().length() > maxKeyLength || !keys.matcher(e.getKey()).matches()) {
                    throw new ValidationException(Reason.NOT_ALLOWED, child, keyExpected);
                }
                checkNode(value, e.getValue(), child);
            }
        });
    }

    /** The value obeys at least one of {@code alternatives} (tried in order). */
    public static Rule anyOf(Rule... alternatives) {
        List<Rule> list = new ArrayList<>(Arrays.asList(alternatives));
        if (list.isEmpty()) {
            throw new IllegalArgumentException("alternatives must hold at least one rule");
        }
        for (Rule r : list) {
            Objects.requireNonNull(r, "alternative");
        }
        return rule((value, path) -> {
            ValidationException last = null;
            for (Rule r : list) {
                try {
                    checkNode(r, value, path);
                    return;
                } catch (ValidationException e) {
                    last = e;
                }
            }
            throw new ValidationException(list.size() == 1 ? last.reason() : Reason.RULE_FAILED, path,
                    "one of " + list.size() + " alternatives (last: " + last.expected() + ")");
        });
    }

    /**
     * A rule from a predicate; {@code expected} describes what passes (never include input in it).
     * A predicate that throws a runtime exception refuses the value.
     */
    public static Rule custom(String expected, Predicate<JsonValue> test) {
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(test, "test");
        return rule((value, path) -> {
            boolean ok;
            try {
                ok = test.test(JsonValue.of(value));
            } catch (RuntimeException e) {
                ok = false;
            }
            if (!ok) {
                throw new ValidationException(Reason.RULE_FAILED, path, expected);
            }
        });
    }

    /** Starts a rule for a JSON object with named fields; unknown fields are refused unless allowed. */
    public static ObjectBuilder object() {
        return new ObjectBuilder();
    }

    /** Builds an object rule: required and optional fields, each with its rule. */
    public static final class ObjectBuilder {
        private final Map<String, Rule> required = new LinkedHashMap<>();
        private final Map<String, Rule> optional = new LinkedHashMap<>();
        private boolean allowUnknown;

        private ObjectBuilder() {
        }

        /** A field that must be present and obey {@code rule}. */
        public ObjectBuilder required(String name, Rule rule) {
            add(name, rule);
            required.put(name, rule);
            return this;
        }

        /** A field that may be absent; when present it obeys {@code rule}. */
        public ObjectBuilder optional(String name, Rule rule) {
            add(name, rule);
            optional.put(name, rule);
            return this;
        }

        /** Ignore fields the rule does not name (default: refuse them with {@code UNKNOWN_FIELD}). */
        public ObjectBuilder allowUnknownFields() {
            this.allowUnknown = true;
            return this;
        }

        private void add(String name, Rule rule) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(rule, "rule");
            if (required.containsKey(name) || optional.containsKey(name)) {
                throw new IllegalArgumentException("field \"" + Printable.of(name, 40) + "\" is declared twice");
            }
        }

        /** The rule. */
        public Rule build() {
            Map<String, Rule> req = Collections.unmodifiableMap(new LinkedHashMap<>(required));
            Map<String, Rule> opt = Collections.unmodifiableMap(new LinkedHashMap<>(optional));
            boolean unknownOk = allowUnknown;
            String expected = "an object with fields " + req.keySet() + (opt.isEmpty() ? "" : " and optionally " + opt.keySet());
            return rule((node, path) -> {
                if (!node.isObject()) {
                    throw new ValidationException(Reason.WRONG_TYPE, path, expected);
                }
                for (Map.Entry<String, Rule> e : req.entrySet()) {
                    JsonNode v = node.get(e.getKey());
                    String child = JsonPaths.field(path, e.getKey());
                    if (v == null) {
                        throw new ValidationException(Reason.MISSING_FIELD, child, "a value (the field is required)");
                    }
                    checkNode(e.getValue(), v, child);
                }
                Iterator<Map.Entry<String, JsonNode>> it = node.fields();
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (req.containsKey(e.getKey())) {
                        continue;
                    }
                    Rule r = opt.get(e.getKey());
                    String child = JsonPaths.field(path, e.getKey());
                    if (r != null) {
                        checkNode(r, e.getValue(), child);
                    } else if (!unknownOk) {
                        throw new ValidationException(Reason.UNKNOWN_FIELD, child, "only the fields " + fieldList(req, opt));
                    }
                }
            });
        }

        private static String fieldList(Map<String, Rule> req, Map<String, Rule> opt) {
            Set<String> all = new LinkedHashSet<>(req.keySet());
            all.addAll(opt.keySet());
            return all.toString();
        }
    }

    /** A rule over the parsed tree, which stays inside this package. */
    private interface NodeRule {
        void check(JsonNode value, String path) throws ValidationException;
    }

    private static Rule rule(NodeRule r) {
        return (value, path) -> r.check(value == null ? null : value.node(), path);
    }

    private static void checkNode(Rule r, JsonNode value, String path) throws ValidationException {
        r.check(JsonValue.of(value), path);
    }

    private static String checkText(JsonNode value, String path, int min, int max, String expected)
            throws ValidationException {
        if (!value.isTextual()) {
            throw new ValidationException(Reason.WRONG_TYPE, path, expected);
        }
        String s = value.textValue();
        if (s.length() > 2 * (long) max) {
            throw new ValidationException(Reason.OUT_OF_RANGE, path, expected);
        }
        if (Printable.hasUnpairedSurrogate(s)) {
            throw new ValidationException(Reason.INVALID_ENCODING, path, expected);
        }
        int cps = s.codePointCount(0, s.length());
        if (cps < min || cps > max) {
            throw new ValidationException(Reason.OUT_OF_RANGE, path, expected);
        }
        for (int i = 0; i < s.length(); i++) {
            if (Printable.isControl(s.charAt(i))) {
                throw new ValidationException(Reason.NOT_ALLOWED, path, expected);
            }
        }
        return s;
    }

    private static void checkRange(String minName, int min, String maxName, int max) {
        if (min < 0) {
            throw new IllegalArgumentException(minName + " must not be negative");
        }
        if (max < min) {
            throw new IllegalArgumentException(maxName + " must not be less than " + minName);
        }
    }
}
