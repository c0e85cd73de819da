package io.devsec.core.privacy;

import java.io.IOException;

/**
 * An extra step of the personal data wipe that the integrator registers for data DevSec's privacy
 * package does not hold itself: the transport outbox, an application cache, a log of user activity.
 */
public interface WipeAction {

    /**
     * Removes the data, durably, and says how much was removed.
     *
     * @throws IOException when the data cannot be removed; the wipe then reports itself incomplete
     */
    Result wipe() throws IOException;

    /** What one action removed. Immutable. */
    final class Result {
        private final long items;
        private final long bytes;

        private Result(long items, long bytes) {
            this.items = items;
            this.bytes = bytes;
        }

        /**
         * @param items how many items (messages, files, records) were removed; at least 0
         * @param bytes how many bytes they held; at least 0
         */
        public static Result of(long items, long bytes) {
            if (items < 0) {
                throw new IllegalArgumentException("items must not be negative");
            }
            if (bytes < 0) {
                throw new IllegalArgumentException("bytes must not be negative");
            }
            return new Result(items, bytes);
        }

        public long items() {
            return items;
        }

        public long bytes() {
            return bytes;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Result && ((Result) o).items == items && ((Result) o).bytes == bytes;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(items) * 31 + Long.hashCode(bytes);
        }

        @Override
        public String toString() {
            return items + " items, " + bytes + " bytes";
        }
    }
}
