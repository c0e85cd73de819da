package io.devsec.core.validation;

/**
 * The limits a JSON document must stay within before any schema looks at it. Immutable.
 *
 * <p>Duplicate keys and data after the top-level value are always refused; they are not limits
 * but ambiguities (two parsers may read the same bytes differently).
 */
public final class JsonLimits {
    /** Largest document accepted by any limits value: 16 MiB. */
    public static final int MAX_DOCUMENT_BYTES_CEILING = 16 * 1024 * 1024;

    /** Deepest nesting accepted by any limits value. */
    public static final int MAX_DEPTH_CEILING = 256;

    /**
     * Defaults for device messages and configuration: 64 KiB, depth 16, strings of 8192
     * characters, field names of 128, numbers of 32 characters, 1024 entries per object or array.
     */
    public static final JsonLimits DEFAULT = builder().build();

    private final int maxDocumentBytes;
    private final int maxDepth;
    private final int maxStringLength;
    private final int maxFieldNameLength;
    private final int maxNumberLength;
    private final int maxEntries;

    private JsonLimits(Builder b) {
        this.maxDocumentBytes = b.maxDocumentBytes;
        this.maxDepth = b.maxDepth;
        this.maxStringLength = b.maxStringLength;
        this.maxFieldNameLength = b.maxFieldNameLength;
        this.maxNumberLength = b.maxNumberLength;
        this.maxEntries = b.maxEntries;
    }

    /** A builder starting from {@link #DEFAULT}'s values. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this value's limits. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxDocumentBytes = maxDocumentBytes;
        b.maxDepth = maxDepth;
        b.maxStringLength = maxStringLength;
        b.maxFieldNameLength = maxFieldNameLength;
        b.maxNumberLength = maxNumberLength;
        b.maxEntries = maxEntries;
        return b;
    }

    /** Largest document, in UTF-8 bytes. */
    public int maxDocumentBytes() {
        return maxDocumentBytes;
    }

    /** Deepest nesting of objects and arrays; a scalar document has depth 0, {@code {}} depth 1. */
    public int maxDepth() {
        return maxDepth;
    }

    /** Longest string value, in UTF-16 characters. */
    public int maxStringLength() {
        return maxStringLength;
    }

    /** Longest field name, in UTF-16 characters. */
    public int maxFieldNameLength() {
        return maxFieldNameLength;
    }

    /** Longest number, in characters as written (sign, digits, point, exponent). */
    public int maxNumberLength() {
        return maxNumberLength;
    }

    /** Most fields in one object or elements in one array. */
    public int maxEntries() {
        return maxEntries;
    }

    @Override
    public String toString() {
        return "JsonLimits{bytes=" + maxDocumentBytes + ", depth=" + maxDepth + ", string=" + maxStringLength
                + ", name=" + maxFieldNameLength + ", number=" + maxNumberLength + ", entries=" + maxEntries + "}";
    }

    /** Builds {@link JsonLimits}; {@link #build()} checks every value. */
    public static final class Builder {
        private int maxDocumentBytes = 64 * 1024;
        private int maxDepth = 16;
        private int maxStringLength = 8192;
        private int maxFieldNameLength = 128;
        private int maxNumberLength = 32;
        private int maxEntries = 1024;

        private Builder() {
        }

        public Builder maxDocumentBytes(int bytes) {
            this.maxDocumentBytes = bytes;
            return this;
        }

        public Builder maxDepth(int depth) {
            this.maxDepth = depth;
            return this;
        }

        public Builder maxStringLength(int chars) {
            this.maxStringLength = chars;
            return this;
        }

        public Builder maxFieldNameLength(int chars) {
            this.maxFieldNameLength = chars;
            return this;
        }

        public Builder maxNumberLength(int chars) {
            this.maxNumberLength = chars;
            return this;
        }

        public Builder maxEntries(int entries) {
            this.maxEntries = entries;
            return this;
        }

        /**
         * @throws IllegalArgumentException naming the field when a limit is not positive or above its ceiling
         */
        public JsonLimits build() {
            check("maxDocumentBytes", maxDocumentBytes, 1, MAX_DOCUMENT_BYTES_CEILING);
            check("maxDepth", maxDepth, 0, MAX_DEPTH_CEILING);
            check("maxStringLength", maxStringLength, 0, MAX_DOCUMENT_BYTES_CEILING);
            check("maxFieldNameLength", maxFieldNameLength, 1, 65536);
            check("maxNumberLength", maxNumberLength, 1, 1000);
            check("maxEntries", maxEntries, 1, MAX_DOCUMENT_BYTES_CEILING);
            return new JsonLimits(this);
        }

        private static void check(String name, int value, int min, int max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(name + " must be from " + min + " to " + max + ", was " + value);
            }
        }
    }
}
