package io.devsec.update;

/**
 * Caps applied to envelopes and payloads before and while they are parsed.
 *
 * <p>{@link #DEFAULT}: envelopes up to 64 KiB, at most 16 signatures per envelope and 32 keys per
 * root. Anything above a cap is refused with {@link MetadataTooLargeException} or
 * {@link MalformedMetadataException} before more work is done.
 */
public final class MetadataLimits {
    /** 64 KiB envelopes, 16 signatures, 32 keys. */
    public static final MetadataLimits DEFAULT = builder().build();

    private final int maxEnvelopeBytes;
    private final int maxSignatures;
    private final int maxKeys;

    private MetadataLimits(Builder b) {
        this.maxEnvelopeBytes = b.maxEnvelopeBytes;
        this.maxSignatures = b.maxSignatures;
        this.maxKeys = b.maxKeys;
    }

    /**
     * A builder starting from {@link #DEFAULT}'s caps.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder starting from these values: {@code x.toBuilder().build()} equals {@code x}, and a setter
     * changes only its own field.
     *
     * @return a new builder holding this object's values
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxEnvelopeBytes = maxEnvelopeBytes;
        b.maxSignatures = maxSignatures;
        b.maxKeys = maxKeys;
        return b;
    }

    /**
     * Largest envelope accepted, in bytes; the decoded payload is necessarily smaller.
     *
     * @return the cap in bytes
     */
    public int maxEnvelopeBytes() {
        return maxEnvelopeBytes;
    }

    /**
     * Most signatures accepted in one envelope.
     *
     * @return the cap
     */
    public int maxSignatures() {
        return maxSignatures;
    }

    /**
     * Most keys accepted in one root.
     *
     * @return the cap
     */
    public int maxKeys() {
        return maxKeys;
    }

    @Override
    public String toString() {
        return "MetadataLimits[maxEnvelopeBytes=" + maxEnvelopeBytes + ", maxSignatures=" + maxSignatures
                + ", maxKeys=" + maxKeys + "]";
    }

    /** Builds {@link MetadataLimits}; every value must be positive. */
    public static final class Builder {
        private int maxEnvelopeBytes = 64 * 1024;
        private int maxSignatures = 16;
        private int maxKeys = 32;

        private Builder() {
        }

        /**
         * Sets the largest envelope accepted.
         *
         * @param bytes 256 bytes to 16 MiB (checked by {@link #build()})
         * @return this builder
         */
        public Builder maxEnvelopeBytes(int bytes) {
            this.maxEnvelopeBytes = bytes;
            return this;
        }

        /**
         * Sets the most signatures accepted in one envelope.
         *
         * @param count 1 to 1024 (checked by {@link #build()})
         * @return this builder
         */
        public Builder maxSignatures(int count) {
            this.maxSignatures = count;
            return this;
        }

        /**
         * Sets the most keys accepted in one root.
         *
         * @param count 1 to 1024 (checked by {@link #build()})
         * @return this builder
         */
        public Builder maxKeys(int count) {
            this.maxKeys = count;
            return this;
        }

        /**
         * Checks the caps and builds the limits.
         *
         * @return the limits
         * @throws IllegalArgumentException naming the cap that is out of range
         */
        public MetadataLimits build() {
            if (maxEnvelopeBytes < 256 || maxEnvelopeBytes > 16 * 1024 * 1024) {
                throw new IllegalArgumentException("maxEnvelopeBytes must be between 256 and 16 MiB");
            }
            if (maxSignatures < 1 || maxSignatures > 1024) {
                throw new IllegalArgumentException("maxSignatures must be between 1 and 1024");
            }
            if (maxKeys < 1 || maxKeys > 1024) {
                throw new IllegalArgumentException("maxKeys must be between 1 and 1024");
            }
            return new MetadataLimits(this);
        }
    }
}
