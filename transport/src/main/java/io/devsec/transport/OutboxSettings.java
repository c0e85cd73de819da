package io.devsec.transport;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where and how big the persisted outbox is. The outbox holds every QoS 1 message from
 * {@code publish} until the broker acknowledges it, encrypted with AES-256-GCM under data keys
 * that {@link OutboxKey} wraps and that change at every open, at compaction and after 2^31
 * records, in a crash-safe journal. Immutable.
 */
public final class OutboxSettings {
    /** Default message limit. */
    public static final int DEFAULT_MAX_MESSAGES = 100_000;
    /** Default byte limit (topics plus payloads): 64 MiB. */
    public static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;

    private final Path directory;
    private final OutboxKey key;
    private final int maxMessages;
    private final long maxBytes;

    private OutboxSettings(Builder b) {
        this.directory = b.directory;
        this.key = b.key;
        this.maxMessages = b.maxMessages;
        this.maxBytes = b.maxBytes;
    }

    /**
     * An outbox in {@code directory} with default limits.
     *
     * @param directory the outbox's folder (created owner-only when absent)
     * @param key the key that encrypts the outbox records
     * @return the settings
     */
    public static OutboxSettings of(Path directory, OutboxKey key) {
        return builder(directory, key).build();
    }

    /**
     * A builder with default limits.
     *
     * @param directory the outbox's folder (created owner-only when absent)
     * @param key the key that encrypts the outbox records
     * @return a new builder
     */
    public static Builder builder(Path directory, OutboxKey key) {
        return new Builder(directory, key);
    }

    /**
     * A builder starting from these values: {@code x.toBuilder().build()} equals {@code x}, and a setter
     * changes only its own field.
     *
     * @return a new builder holding this object's values
     */
    public Builder toBuilder() {
        Builder b = new Builder(directory, key);
        b.maxMessages = maxMessages;
        b.maxBytes = maxBytes;
        return b;
    }

    /**
     * The outbox's folder.
     *
     * @return the folder
     */
    public Path directory() {
        return directory;
    }

    /**
     * The key that encrypts the outbox records.
     *
     * @return the key
     */
    public OutboxKey key() {
        return key;
    }

    /**
     * How many messages the outbox holds at most; a publish beyond it gets {@link OutboxFullException}.
     *
     * @return the message limit
     */
    public int maxMessages() {
        return maxMessages;
    }

    /**
     * How many payload and topic bytes the outbox holds at most; a publish beyond it gets {@link OutboxFullException}.
     *
     * @return the byte limit
     */
    public long maxBytes() {
        return maxBytes;
    }

    @Override
    public String toString() {
        return "OutboxSettings{" + directory + ", maxMessages=" + maxMessages + ", maxBytes=" + maxBytes + "}";
    }

    /** Validating builder. */
    public static final class Builder {
        private final Path directory;
        private final OutboxKey key;
        private int maxMessages = DEFAULT_MAX_MESSAGES;
        private long maxBytes = DEFAULT_MAX_BYTES;

        private Builder(Path directory, OutboxKey key) {
            this.directory = Objects.requireNonNull(directory, "directory");
            this.key = Objects.requireNonNull(key, "key");
        }

        /**
         * Sets the message limit.
         *
         * @param n at least 1 (checked by {@link #build()})
         * @return this builder
         */
        public Builder maxMessages(int n) {
            this.maxMessages = n;
            return this;
        }

        /**
         * Sets the byte limit.
         *
         * @param n at least 1 (checked by {@link #build()})
         * @return this builder
         */
        public Builder maxBytes(long n) {
            this.maxBytes = n;
            return this;
        }

        /**
         * Checks the limits and builds the settings.
         *
         * @return the settings
         * @throws IllegalArgumentException when a limit is below 1
         */
        public OutboxSettings build() {
            if (maxMessages < 1) {
                throw new IllegalArgumentException("maxMessages must be at least 1");
            }
            if (maxBytes < 1) {
                throw new IllegalArgumentException("maxBytes must be at least 1");
            }
            return new OutboxSettings(this);
        }
    }
}
